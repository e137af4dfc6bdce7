package org.bootproxy.core.certs;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.bootproxy.spi.files.AtomicFiles;

/**
 * {@code bootproxy certs [options] [config.yml]}: makes the TLS material bootproxy's HTTPS listener
 * and UEFI HTTPS boot need, with no tool besides bootproxy.
 *
 * <ul>
 *   <li>A CA (RSA, CA:TRUE, keyCertSign) at {@code ssl_ca_file}, its key next to it
 *       ({@code <stem>-key.pem}); an existing CA pair there is reused, so a server certificate can
 *       be re-issued without re-enrolling the CA in firmware ({@code --new-ca} replaces it).</li>
 *   <li>A server certificate for the proxy's names and addresses ({@code --name}, {@code --ip};
 *       default the host name and a literal {@code bind_host}) at {@code ssl_certificate}, its key
 *       at {@code ssl_private_key}.</li>
 *   <li>The CA as an EFI signature list ({@code <stem>.esl}) for firmware enrolment, and the
 *       {@code -fw_cfg} line that hands it to OVMF in QEMU.</li>
 * </ul>
 * Paths come from the configuration file's {@code ssl_*} keys, or from options, which win.
 * Private keys are written with mode 0600 from creation on; every file atomically. An existing file
 * is never replaced without {@code --force}; a refused run writes nothing.
 */
public final class CertsCommand extends Command {

    /** The fw_cfg file name OVMF reads its HTTPS CA list from. */
    public static final String FW_CFG_NAME = "etc/edk2/https/cacerts";

    public CertsCommand() {
        super("certs", "Creates a CA and a server certificate for the HTTPS listener, and the CA as an "
                + "EFI signature list for UEFI HTTPS boot");
    }

    @Override
    public void configure(Subparser p) {
        p.addArgument("file").nargs("?").help("bootproxy configuration (its ssl_certificate, ssl_private_key, "
                + "ssl_ca_file and bind_host are used)");
        p.addArgument("--cert").dest("cert").help("server certificate PEM (default: ssl_certificate)");
        p.addArgument("--key").dest("key").help("server private key PEM (default: ssl_private_key)");
        p.addArgument("--ca").dest("ca").help("CA certificate PEM (default: ssl_ca_file)");
        p.addArgument("--ca-key").dest("ca_key").help("CA private key PEM (default: <CA stem>-key.pem next to the CA)");
        p.addArgument("--esl").dest("esl").help("EFI signature list of the CA (default: <CA stem>.esl next to the CA)");
        p.addArgument("--name").dest("names").action(Arguments.append())
                .help("DNS name for the server certificate (repeatable; default: this host's name)");
        p.addArgument("--ip").dest("ips").action(Arguments.append())
                .help("IP address for the server certificate (repeatable)");
        p.addArgument("--ca-name").dest("ca_name").help("CA common name (default: bootproxy CA <host>)");
        p.addArgument("--key-size").dest("key_size").type(Integer.class).choices(2048, 3072, 4096)
                .setDefault(2048).help("RSA key size (default 2048)");
        p.addArgument("--days").dest("days").type(Integer.class).setDefault(825)
                .help("server certificate validity in days (default 825)");
        p.addArgument("--ca-days").dest("ca_days").type(Integer.class).setDefault(3650)
                .help("CA validity in days (default 3650)");
        p.addArgument("--client").dest("client")
                .help("also issue a client certificate with this CN (e.g. Foreman's host name), signed by the CA, "
                        + "at client-<CN>.pem / client-<CN>-key.pem next to the server certificate; without --name, "
                        + "--ip and --new-ca, an existing CA and server certificate are kept and only the client "
                        + "certificate is written");
        p.addArgument("--owner-guid").dest("owner").help("SignatureOwner GUID of the EFI signature list (default: random)");
        p.addArgument("--new-ca").dest("new_ca").action(Arguments.storeTrue())
                .help("make a new CA even when one exists (needs --force to replace it)");
        p.addArgument("--force").dest("force").action(Arguments.storeTrue()).help("replace existing files");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace ns) throws Exception {
        String file = ns.getString("file");
        JsonNode config;
        try {
            config = org.bootproxy.core.config.RawConfig.read(bootstrap, file);
        } catch (IOException e) {
            throw new CertsException("cannot read configuration " + file + ": " + e.getMessage(), e);
        }
        execute(options(ns, config, file), System.out);
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof CertsException) {
            cli.getStdErr().println("bootproxy certs: " + e.getMessage());
        } else {
            super.onError(cli, namespace, e);
        }
    }

    /**
     * Everything one run needs, resolved from the options and the configuration.
     *
     * @param names DNS names of the server certificate (first is the CN, else the first address)
     * @param addresses IP addresses of the server certificate
     * @param keepServer {@code --client} without {@code --name}/{@code --ip}/{@code --new-ca}: when
     *     the CA and the server certificate exist, only the client certificate is issued
     */
    public record Options(Path cert, Path key, Path ca, Path caKey, Path esl, List<String> names,
                          List<InetAddress> addresses, String caName, int keySize, int days, int caDays,
                          UUID owner, boolean newCa, boolean force, String client, boolean keepServer) {
        public Options {
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(ca, "ca");
            Objects.requireNonNull(caKey, "caKey");
            Objects.requireNonNull(esl, "esl");
            Objects.requireNonNull(owner, "owner");
            names = List.copyOf(names);
            addresses = List.copyOf(addresses);
            if (names.isEmpty() && addresses.isEmpty()) {
                throw new IllegalArgumentException("the server certificate needs a --name or an --ip");
            }
            if (client != null && !client.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,252}")) {
                throw new IllegalArgumentException("--client " + client + " is not a host name");
            }
            if (days < 1 || caDays < 1) {
                throw new IllegalArgumentException("validity must be at least one day, got " + Math.min(days, caDays));
            }
        }
    }

    static Options options(Namespace ns, JsonNode config, String file) throws CertsException {
        Path cert = path(ns.getString("cert"), config, "ssl_certificate", "--cert", file);
        Path key = path(ns.getString("key"), config, "ssl_private_key", "--key", file);
        Path ca = path(ns.getString("ca"), config, "ssl_ca_file", "--ca", file);
        String stem = stem(ca);
        Path caKey = ns.getString("ca_key") != null ? Path.of(ns.getString("ca_key")) : ca.resolveSibling(stem + "-key.pem");
        Path esl = ns.getString("esl") != null ? Path.of(ns.getString("esl")) : ca.resolveSibling(stem + ".esl");
        List<String> names = new ArrayList<>(ns.<String>getList("names") == null ? List.of() : ns.<String>getList("names"));
        boolean serverNamed = !names.isEmpty() || ns.<String>getList("ips") != null && !ns.<String>getList("ips").isEmpty();
        List<InetAddress> addresses = new ArrayList<>();
        for (String ip : ns.<String>getList("ips") == null ? List.<String>of() : ns.<String>getList("ips")) {
            addresses.add(literalAddress(ip, "--ip"));
        }
        if (names.isEmpty() && addresses.isEmpty()) {
            names.add(hostName());
            String bind = config == null ? null : text(config, "bind_host");
            if (bind != null && bind.matches("[0-9.]+|.*:.*") && !bind.equals("0.0.0.0") && !bind.equals("::")) {
                addresses.add(literalAddress(bind, "bind_host"));
            }
        }
        UUID owner;
        try {
            owner = ns.getString("owner") != null ? UUID.fromString(ns.getString("owner")) : UUID.randomUUID();
        } catch (IllegalArgumentException e) {
            throw new CertsException("--owner-guid " + ns.getString("owner") + " is not a GUID");
        }
        String caName = ns.getString("ca_name") != null ? ns.getString("ca_name") : "bootproxy CA " + hostName();
        try {
            return new Options(cert, key, ca, caKey, esl, names, addresses, caName, ns.getInt("key_size"),
                    ns.getInt("days"), ns.getInt("ca_days"), owner, ns.getBoolean("new_ca"), ns.getBoolean("force"),
                    ns.getString("client"), ns.getString("client") != null && !serverNamed && !ns.getBoolean("new_ca"));
        } catch (IllegalArgumentException e) {
            throw new CertsException(e.getMessage());
        }
    }

    /** Writes the files {@code o} names; prints what it did and the QEMU line to {@code out}. */
    public static void execute(Options o, PrintStream out) throws CertsException {
        Pki.Subject subject;
        try {
            subject = Pki.Subject.of(o.names(), o.addresses());
        } catch (IllegalArgumentException e) {
            throw new CertsException(e.getMessage());
        }
        List<Path> distinct = List.of(o.cert(), o.key(), o.ca(), o.caKey(), o.esl());
        if (distinct.stream().map(p -> p.toAbsolutePath().normalize()).distinct().count() != distinct.size()) {
            throw new CertsException("certificate, key, CA, CA key and EFI signature list need five different paths: "
                    + distinct);
        }
        boolean caExists = exists(o.ca());
        boolean caKeyExists = exists(o.caKey());
        boolean reuseCa = caExists && caKeyExists && !o.newCa();
        if (!reuseCa && caExists != caKeyExists && !o.force()) {
            throw new CertsException((caExists ? o.ca() + " exists but its key " + o.caKey() + " does not"
                    : o.caKey() + " exists but its CA certificate " + o.ca() + " does not")
                    + "; use --new-ca --force to replace the CA");
        }
        Path clientCert = o.client() == null ? null : o.cert().resolveSibling("client-" + o.client() + ".pem");
        Path clientKey = o.client() == null ? null : o.cert().resolveSibling("client-" + o.client() + "-key.pem");
        // a client certificate for an existing CA and server: the server certificate (and what
        // firmware enrolled) stays as it is
        boolean clientOnly = o.keepServer() && reuseCa && exists(o.cert()) && exists(o.key());
        List<Path> written = new ArrayList<>(clientOnly ? List.of() : List.of(o.cert(), o.key(), o.esl()));
        if (clientCert != null) {
            written.addAll(List.of(clientCert, clientKey));
        }
        if (!reuseCa) {
            written.addAll(List.of(o.ca(), o.caKey()));
        }
        if (!o.force()) {
            for (Path p : written) {
                if (exists(p)) {
                    throw new CertsException(p + " exists; nothing was written (use --force to replace it"
                            + (p.equals(o.ca()) || p.equals(o.caKey()) ? "" : ", the CA is kept") + ")");
                }
            }
        }

        Pki.Issued ca;
        if (reuseCa) {
            try {
                ca = new Pki.Issued(Pki.readCertificate(o.ca()), Pki.readPrivateKey(o.caKey()));
            } catch (IOException e) {
                throw new CertsException("cannot reuse the CA: " + e.getMessage(), e);
            }
            if (!matches(ca)) {
                throw new CertsException(o.caKey() + " is not the key of " + o.ca());
            }
        } else {
            ca = Pki.certificateAuthority(o.caName(), Pki.rsaKeyPair(o.keySize()), Duration.ofDays(o.caDays()));
        }
        Pki.Issued server = null;
        if (!clientOnly) {
            KeyPair serverKeys = Pki.rsaKeyPair(o.keySize());
            server = Pki.issue(ca, subject, serverKeys.getPublic(), serverKeys.getPrivate(),
                    Pki.Purpose.SERVER, Duration.ofDays(o.days()));
        }
        Pki.Issued client = null;
        if (o.client() != null) {
            KeyPair clientKeys = Pki.rsaKeyPair(o.keySize());
            client = Pki.issue(ca, new Pki.Subject(o.client(), List.of(o.client()), List.of()), clientKeys.getPublic(),
                    clientKeys.getPrivate(), Pki.Purpose.CLIENT, Duration.ofDays(o.days()));
        }
        byte[] esl;
        try {
            esl = EfiSignatureList.of(o.owner(), List.of(ca.certificate()));
        } catch (GeneralSecurityException e) {
            throw new CertsException("cannot encode " + o.ca() + " as an EFI signature list", e);
        }

        try {
            if (!reuseCa) {
                writeKey(o.caKey(), ca.privateKey());
                AtomicFiles.write(o.ca(), ascii(Pki.pem(ca.certificate())), PUBLIC);
            }
            if (server != null) {
                writeKey(o.key(), server.privateKey());
                AtomicFiles.write(o.cert(), ascii(Pki.pem(server.certificate())), PUBLIC);
                AtomicFiles.write(o.esl(), esl, PUBLIC);
            }
            if (client != null) {
                writeKey(clientKey, client.privateKey());
                AtomicFiles.write(clientCert, ascii(Pki.pem(client.certificate())), PUBLIC);
            }
        } catch (IOException e) {
            throw new CertsException("cannot write: " + e.getMessage(), e);
        }

        String line = "%-21s %s%n";
        out.printf(line, reuseCa ? "kept CA" : "wrote CA", o.ca() + "  ("
                + ca.certificate().getSubjectX500Principal().getName() + ", SHA-256 " + fingerprint(ca.certificate()) + ")");
        if (!reuseCa) {
            out.printf(line, "wrote CA key", o.caKey() + "  (mode 0600; keep it offline if you can)");
        }
        if (server == null) {
            out.printf(line, "kept server cert", o.cert() + "  (and its key " + o.key() + ")");
        } else {
            out.printf(line, "wrote server cert", o.cert() + "  (CN=" + subject.commonName() + ", DNS "
                    + subject.dnsNames() + ", IP " + subject.addresses().stream().map(InetAddress::getHostAddress).toList()
                    + ")");
            out.printf(line, "wrote server key", o.key() + "  (mode 0600)");
            out.printf(line, "wrote EFI sig. list", o.esl() + "  (EFI_CERT_X509_GUID, SignatureOwner " + o.owner() + ")");
        }
        if (client != null) {
            out.printf(line, "wrote client cert", clientCert + "  (CN=" + o.client() + ", clientAuth; key " + clientKey
                    + ", mode 0600): for the orchestrator's calls to the protected API over HTTPS");
        }
        out.println("Enrol " + o.esl().getFileName() + " as the firmware's HTTPS boot CA (setup menu, or for QEMU/OVMF):");
        out.println("  -fw_cfg name=" + FW_CFG_NAME + ",file=" + o.esl().toAbsolutePath());
    }

    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> PRIVATE =
            PosixFilePermissions.fromString("rw-------");
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> PUBLIC =
            PosixFilePermissions.fromString("rw-r--r--");

    private static void writeKey(Path file, PrivateKey key) throws IOException {
        AtomicFiles.write(file, ascii(Pki.pem(key)), PRIVATE);
    }

    private static boolean matches(Pki.Issued ca) {
        return org.bootproxy.core.http.PemKeyStores.keyMatches(ca.privateKey(), ca.certificate());
    }

    private static Path path(String option, JsonNode config, String key, String flag, String file)
            throws CertsException {
        if (option != null) {
            return Path.of(option);
        }
        String v = config == null ? null : text(config, key);
        if (v == null || v.isBlank()) {
            throw new CertsException(flag + " is required: " + (file == null ? "no configuration file given"
                    : file + " has no " + key));
        }
        return Path.of(v);
    }

    private static String text(JsonNode config, String key) {
        JsonNode n = config.get(key);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        String lower = n.toLowerCase(Locale.ROOT);
        for (String ext : new String[] {".pem", ".crt", ".cer"}) {
            if (lower.endsWith(ext) && n.length() > ext.length()) {
                return n.substring(0, n.length() - ext.length());
            }
        }
        return n;
    }

    private static InetAddress literalAddress(String s, String what) throws CertsException {
        // only literals: InetAddress.getByName would resolve a name through DNS
        if (!s.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            throw new CertsException(what + " " + s + " is not an IP address");
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new CertsException(what + " " + s + " is not an IP address");
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String fingerprint(X509Certificate c) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(Arrays.copyOf(d, 8)) + "...";
        } catch (GeneralSecurityException e) {
            return "?";
        }
    }
}
