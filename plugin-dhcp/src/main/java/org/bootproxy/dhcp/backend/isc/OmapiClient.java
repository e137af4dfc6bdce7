package org.bootproxy.dhcp.backend.isc;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bootproxy.dhcp.backend.isc.OmapiException.Kind;

/**
 * A native client of ISC dhcpd's OMAPI (the protocol of omshell and dhcpctl; ISC omapip,
 * protocol version 100) over one TCP connection, with HMAC-MD5 signed messages.
 *
 * <h2>Wire format</h2>
 * Both sides start with an introduction (uint32 version 100, uint32 header size 24). A message
 * is the header {@code authid, authlen, op, handle, id, rid} (uint32 each), the message's
 * name/value pairs, a zero uint16, the object's name/value pairs, a zero uint16, then
 * {@code authlen} bytes of signature. A name is a uint16 length and bytes, a value a uint32
 * length and bytes. The signature is HMAC-MD5 with the shared key over everything after
 * {@code authid} (from {@code authlen} to the object's terminator). A session is authenticated
 * by an unsigned OPEN of an object of type {@code authenticator} ({@code name},
 * {@code algorithm}); dhcpd answers with the handle every later message carries as authid.
 *
 * <h2>Failure</h2>
 * Connect and every read are bounded by the given timeouts. Any I/O error, timeout or protocol
 * error closes the connection, and the next call opens a new one. Calls are serialized (one
 * request in flight), so a caller never waits longer than about connect + read timeout beyond
 * the calls queued before it. Thread-safe.
 */
final class OmapiClient implements AutoCloseable {

    static final String HMAC_MD5 = "hmac-md5.SIG-ALG.REG.INT.";
    private static final int VERSION = 100;
    private static final int HEADER_SIZE = 24;
    /** dhcpd's result classes: ISC codes as bind's, DHCP_R_* from 6 << 16 (omapip/result.h). */
    private static final int ISC_R_EXISTS = 18;
    private static final int ISC_R_NOTFOUND = 23;
    private static final int DHCP = 6 << 16;
    private static final int DHCP_R_KEYCONFLICT = DHCP + 7;
    private static final int DHCP_R_NOKEYS = DHCP + 9;
    private static final int DHCP_R_KEY_UNKNOWN = DHCP + 10;
    private static final int DHCP_R_INVALIDKEY = DHCP + 11;
    private static final int MAX_VALUE = 1 << 20;

    private final String host;
    private final int port;
    private final String keyName;
    private final byte[] secret;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;

    private Socket socket;
    private DataInputStream in;
    private OutputStream out;
    private int authHandle;
    private int nextId = 1;

    /**
     * @param keyName the {@code key} name in dhcpd.conf, or null for an unauthenticated OMAPI
     * @param secret the key's secret (base64-decoded), or null
     */
    OmapiClient(String host, int port, String keyName, byte[] secret, Duration connectTimeout, Duration readTimeout) {
        this.host = host;
        this.port = port;
        this.keyName = keyName;
        this.secret = secret == null ? null : secret.clone();
        this.connectTimeoutMs = (int) connectTimeout.toMillis();
        this.readTimeoutMs = (int) readTimeout.toMillis();
    }

    String address() {
        return host + ":" + port;
    }

    /**
     * Sends one request and returns dhcpd's answer (UPDATE or a successful STATUS).
     *
     * @throws OmapiException with {@link Kind#UNAVAILABLE} when dhcpd cannot be reached or does
     *         not answer in time, {@link Kind#AUTH} when it refuses the key, otherwise the kind of
     *         its refusal and its own message
     */
    synchronized OmapiMessage call(int op, int handle, Map<String, byte[]> message, Map<String, byte[]> object)
            throws OmapiException {
        boolean reused = socket != null;
        try {
            return attempt(op, handle, message, object);
        } catch (StaleConnectionException e) {
            if (!reused) {
                throw unavailable((IOException) e.getCause());
            }
        }
        // dhcpd closed a connection we kept (it restarted): it never saw the request, so one
        // more try on a new connection is safe
        try {
            return attempt(op, handle, message, object);
        } catch (StaleConnectionException e) {
            throw unavailable((IOException) e.getCause());
        }
    }

    /** The connection was closed by the peer before any byte of the answer arrived. */
    private static final class StaleConnectionException extends OmapiException {
        StaleConnectionException(IOException cause) {
            super(Kind.UNAVAILABLE, "stale connection", cause);
        }
    }

    private OmapiMessage attempt(int op, int handle, Map<String, byte[]> message, Map<String, byte[]> object)
            throws OmapiException {
        connectIfNeeded();
        boolean answered = false;
        try {
            int id = nextId++;
            try {
                write(new OmapiMessage(op, handle, id, 0, message, object), true);
            } catch (java.net.SocketException e) {
                disconnect();
                throw new StaleConnectionException(e);
            }
            while (true) {
                OmapiMessage reply;
                try {
                    reply = read();
                } catch (EOFException | java.net.SocketException e) {
                    if (!answered) {
                        disconnect();
                        throw new StaleConnectionException(e);
                    }
                    throw e;
                }
                answered = true;
                if (reply.rid() != id) {
                    continue; // a notification or an answer to an abandoned request
                }
                if (reply.op() == OmapiMessage.OP_STATUS) {
                    int result = reply.messageInt("result", -1);
                    if (result != 0) {
                        throw refusal(result, reply.messageString("message"));
                    }
                }
                return reply;
            }
        } catch (OmapiException e) {
            if (e.kind() == Kind.UNAVAILABLE || e.kind() == Kind.AUTH) {
                disconnect();
            }
            throw e;
        } catch (IOException e) {
            disconnect();
            throw unavailable(e);
        }
    }

    /** Whether a connection is open now (for tests and the health check). */
    synchronized boolean connected() {
        return socket != null;
    }

    private void connectIfNeeded() throws OmapiException {
        if (socket != null) {
            return;
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(readTimeoutMs);
            s.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            socket = s;
            in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 8192));
            out = s.getOutputStream();
            ByteBuffer intro = ByteBuffer.allocate(8).putInt(VERSION).putInt(HEADER_SIZE);
            out.write(intro.array());
            int version = in.readInt();
            int headerSize = in.readInt();
            if (version != VERSION || headerSize < HEADER_SIZE) {
                throw new OmapiException(Kind.UNAVAILABLE, "OMAPI at " + address() + " speaks protocol version "
                        + version + " (header " + headerSize + "), not " + VERSION);
            }
            authHandle = 0;
            if (keyName != null) {
                authenticate();
            }
        } catch (OmapiException e) {
            disconnect();
            closeQuietly(s);
            throw e;
        } catch (IOException e) {
            disconnect();
            closeQuietly(s);
            throw unavailable(e);
        }
    }

    private void authenticate() throws IOException {
        Map<String, byte[]> msg = new LinkedHashMap<>();
        msg.put("type", OmapiMessage.string("authenticator"));
        Map<String, byte[]> obj = new LinkedHashMap<>();
        obj.put("name", OmapiMessage.string(keyName));
        obj.put("algorithm", OmapiMessage.string(HMAC_MD5));
        int id = nextId++;
        write(new OmapiMessage(OmapiMessage.OP_OPEN, 0, id, 0, msg, obj), false);
        OmapiMessage reply = read();
        if (reply.op() == OmapiMessage.OP_STATUS) {
            int result = reply.messageInt("result", -1);
            String text = reply.messageString("message");
            throw new OmapiException(Kind.AUTH, "OMAPI at " + address() + ": authentication failed: key '" + keyName
                    + "' refused (" + describe(result, text) + ")");
        }
        if (reply.op() != OmapiMessage.OP_UPDATE || reply.handle() == 0) {
            throw new OmapiException(Kind.UNAVAILABLE, "OMAPI at " + address() + ": unexpected "
                    + OmapiMessage.opName(reply.op()) + " in answer to the authenticator");
        }
        authHandle = reply.handle();
    }

    private void write(OmapiMessage m, boolean sign) throws IOException {
        boolean signed = sign && keyName != null;
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        ByteBuffer h = ByteBuffer.allocate(20);
        h.putInt(signed ? 16 : 0).putInt(m.op()).putInt(m.handle()).putInt(m.id()).putInt(m.rid());
        body.write(h.array());
        writeValues(body, m.message());
        writeValues(body, m.object());
        byte[] signedPart = body.toByteArray();
        ByteBuffer frame = ByteBuffer.allocate(4 + signedPart.length + (signed ? 16 : 0));
        frame.putInt(signed ? authHandle : 0).put(signedPart);
        if (signed) {
            frame.put(hmac(signedPart));
        }
        out.write(frame.array());
        out.flush();
    }

    private static void writeValues(ByteArrayOutputStream o, Map<String, byte[]> values) {
        for (Map.Entry<String, byte[]> e : values.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.US_ASCII);
            o.write(name.length >>> 8);
            o.write(name.length);
            o.writeBytes(name);
            byte[] v = e.getValue();
            o.writeBytes(ByteBuffer.allocate(4).putInt(v.length).array());
            o.writeBytes(v);
        }
        o.write(0);
        o.write(0);
    }

    private OmapiMessage read() throws IOException {
        ByteArrayOutputStream signedPart = new ByteArrayOutputStream(256);
        int authId = in.readInt();
        byte[] hdr = in.readNBytes(20);
        if (hdr.length < 20) {
            throw new EOFException("connection closed");
        }
        signedPart.writeBytes(hdr);
        ByteBuffer h = ByteBuffer.wrap(hdr);
        int authLen = h.getInt();
        int op = h.getInt();
        int handle = h.getInt();
        int id = h.getInt();
        int rid = h.getInt();
        Map<String, byte[]> message = readValues(signedPart);
        Map<String, byte[]> object = readValues(signedPart);
        if (authLen < 0 || authLen > 1024) {
            throw new OmapiException(Kind.UNAVAILABLE, "OMAPI at " + address() + ": bad authenticator length " + authLen);
        }
        byte[] sig = in.readNBytes(authLen);
        if (sig.length < authLen) {
            throw new EOFException("connection closed");
        }
        if (authLen > 0 && secret != null && authId == authHandle && authHandle != 0
                && !MessageDigest.isEqual(sig, hmac(signedPart.toByteArray()))) {
            throw new OmapiException(Kind.AUTH, "OMAPI at " + address() + ": authentication failed: dhcpd's answer"
                    + " is not signed with key '" + keyName + "' (is key_secret dhcpd's?)");
        }
        return new OmapiMessage(op, handle, id, rid, message, object);
    }

    private Map<String, byte[]> readValues(ByteArrayOutputStream signedPart) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        while (true) {
            int nameLen = in.readUnsignedShort();
            signedPart.write(nameLen >>> 8);
            signedPart.write(nameLen);
            if (nameLen == 0) {
                return out;
            }
            byte[] name = in.readNBytes(nameLen);
            int valueLen = in.readInt();
            if (name.length < nameLen || valueLen < 0 || valueLen > MAX_VALUE) {
                throw new OmapiException(Kind.UNAVAILABLE, "OMAPI at " + address() + ": malformed value");
            }
            byte[] value = in.readNBytes(valueLen);
            if (value.length < valueLen) {
                throw new EOFException("connection closed");
            }
            signedPart.writeBytes(name);
            signedPart.writeBytes(ByteBuffer.allocate(4).putInt(valueLen).array());
            signedPart.writeBytes(value);
            out.put(new String(name, StandardCharsets.US_ASCII), value);
        }
    }

    private byte[] hmac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(secret, "HmacMD5"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacMD5 is not available in this JVM", e);
        }
    }

    private OmapiException refusal(int result, String text) {
        String msg = describe(result, text);
        Kind kind = switch (result) {
            case ISC_R_NOTFOUND -> Kind.NOT_FOUND;
            case ISC_R_EXISTS, DHCP_R_KEYCONFLICT -> Kind.EXISTS;
            case DHCP_R_INVALIDKEY, DHCP_R_NOKEYS, DHCP_R_KEY_UNKNOWN -> Kind.AUTH;
            default -> Kind.REFUSED;
        };
        if (kind == Kind.AUTH) {
            return new OmapiException(kind, "OMAPI at " + address() + ": authentication failed (" + msg + ")");
        }
        return new OmapiException(kind, msg);
    }

    /** dhcpd's text for a result, as omshell prints it. */
    static String describe(int result, String text) {
        String known = switch (result) {
            case ISC_R_EXISTS -> "already exists";
            case ISC_R_NOTFOUND -> "not found";
            case DHCP_R_KEYCONFLICT -> "key conflict";
            case DHCP_R_NOKEYS -> "no key specified";
            case DHCP_R_KEY_UNKNOWN -> "key not known";
            case DHCP_R_INVALIDKEY -> "invalid key";
            case DHCP + 3 -> "invalid argument";
            case DHCP + 8 -> "parse error(s) occurred";
            case DHCP + 32 -> "unknown attribute";
            default -> "result " + result;
        };
        return text == null || text.isBlank() ? known : text + ": " + known;
    }

    private OmapiException unavailable(IOException e) {
        String why = e instanceof SocketTimeoutException ? "no answer within " + readTimeoutMs + " ms"
                : e instanceof EOFException ? "connection closed by dhcpd" : e.getMessage();
        if (e instanceof java.net.ConnectException || (why != null && why.contains("connect timed out"))) {
            why = "cannot connect (" + e.getMessage() + ")";
        }
        return new OmapiException(Kind.UNAVAILABLE, "dhcpd OMAPI at " + address() + " unavailable: " + why, e);
    }

    private void disconnect() {
        closeQuietly(socket);
        socket = null;
        in = null;
        out = null;
        authHandle = 0;
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public synchronized void close() {
        disconnect();
    }
}
