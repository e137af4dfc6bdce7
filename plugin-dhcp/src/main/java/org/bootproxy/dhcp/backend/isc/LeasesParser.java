package org.bootproxy.dhcp.backend.isc;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import org.bootproxy.dhcp.backend.isc.IscLexer.Token;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads dhcpd.leases (dhcpd.leases(5)) incrementally: {@link #feed} takes the text read so far and
 * hands every complete {@code lease} and {@code host} record to a {@link Sink}, returning how
 * much it consumed, so a record cut in the middle by a concurrent append is read whole on the next
 * call. A malformed record is logged with its line number and skipped; reading goes on at the next
 * top-level record (dhcpd writes those at column 0). Not thread-safe; one per reader.
 */
final class LeasesParser {

    private static final Logger LOG = LoggerFactory.getLogger(LeasesParser.class);
    /** "ends never", as far as Instant goes for comparisons. */
    static final Instant NEVER = Instant.parse("9999-12-31T23:59:59Z");

    /** A {@code lease} record. {@code mac} may be null (a free lease without hardware). */
    record LeaseRecord(Ipv4Address ip, MacAddress mac, Instant starts, Instant ends, String bindingState,
                       String hostname) {
        boolean activeAt(Instant now) {
            return mac != null && "active".equals(bindingState) && ends.isAfter(now);
        }
    }

    /**
     * A {@code host} record: an OMAPI-created host ({@code dynamic;}), or its deletion
     * ({@code deleted;}, then only the name is known).
     */
    record HostRecord(String name, boolean deleted, MacAddress mac, int hardwareType, Ipv4Address ip,
                      String filename, String nextServer, String hostname) {
    }

    /** Where parsed records go. */
    interface Sink {
        void lease(LeaseRecord lease);

        void host(HostRecord host);
    }

    private int line = 1;
    private long malformed;

    /** Number of records skipped as malformed so far. */
    long malformed() {
        return malformed;
    }

    /** Line number of the next unread character. */
    int line() {
        return line;
    }

    /**
     * Parses the complete records of {@code text[0, length)}.
     *
     * @param eof true when no more text will follow (a trailing incomplete record is then malformed)
     * @return the number of characters consumed (the rest starts an incomplete record)
     */
    int feed(CharSequence text, int length, Sink sink, boolean eof, String where) {
        int pos = 0;
        while (pos < length) {
            IscLexer lx = new IscLexer(text, pos, length, line);
            Token first;
            int startLine;
            try {
                first = lx.next();
                if (first == null) {
                    line = lx.line();
                    return length;
                }
                startLine = first.line();
                IscStatement s = IscStatement.read(lx, first);
                int next = lx.position();
                line = lx.line();
                pos = next;
                if (s != null) {
                    interpret(s, sink, where);
                }
            } catch (IscSyntaxException e) {
                if (lx.position() >= length && !eof) {
                    return pos; // incomplete: wait for the rest
                }
                malformed++;
                LOG.warn("dhcp isc: {} {}: malformed record skipped", where, e.getMessage());
                int skipTo = resync(text, lx.position() > pos ? pos + 1 : pos + 1, length);
                line += countLines(text, pos, skipTo);
                pos = skipTo;
            }
        }
        return pos;
    }

    /** The start of the next line that begins with a letter (a top-level record), or {@code end}. */
    private static int resync(CharSequence t, int from, int end) {
        for (int i = from; i < end; i++) {
            if (t.charAt(i) == '\n' && i + 1 < end && Character.isLetter(t.charAt(i + 1))) {
                return i + 1;
            }
        }
        return end;
    }

    private static int countLines(CharSequence t, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (t.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    private void interpret(IscStatement s, Sink sink, String where) {
        String kw = s.keyword();
        if (!s.isBlock() || (!kw.equals("lease") && !kw.equals("host"))) {
            return; // authoring-byte-order, server-duid, failover state ...
        }
        try {
            if (kw.equals("lease")) {
                sink.lease(lease(s));
            } else {
                sink.host(host(s));
            }
        } catch (RuntimeException e) {
            malformed++;
            LOG.warn("dhcp isc: {} line {}: malformed {} record skipped: {}", where, s.line(), kw, e.getMessage());
        }
    }

    private static LeaseRecord lease(IscStatement s) {
        Ipv4Address ip = Ipv4Address.parse(s.word(1));
        MacAddress mac = null;
        MacAddress uidMac = null;
        Instant starts = Instant.EPOCH;
        Instant ends = NEVER;
        String state = null;
        String hostname = null;
        for (IscStatement st : s.body()) {
            if (st.isBlock()) {
                continue;
            }
            List<Token> w = st.words();
            switch (st.keyword()) {
                case "starts" -> starts = time(st);
                case "ends" -> ends = time(st);
                case "binding" -> state = w.size() >= 3 ? w.get(2).text().toLowerCase(Locale.ROOT) : null;
                case "hardware" -> mac = hardware(st);
                case "uid" -> uidMac = uidMac(st);
                case "client-hostname" -> hostname = st.word(1);
                default -> {
                }
            }
        }
        return new LeaseRecord(ip, mac != null ? mac : uidMac, starts, ends, state, hostname);
    }

    private static HostRecord host(IscStatement s) {
        String name = s.word(1);
        if (name == null) {
            throw new IllegalArgumentException("host without a name");
        }
        boolean deleted = false;
        MacAddress mac = null;
        int htype = 1;
        Ipv4Address ip = null;
        String filename = null;
        String nextServer = null;
        String hostname = null;
        for (IscStatement st : s.body()) {
            if (st.isBlock()) {
                continue;
            }
            switch (st.keyword()) {
                case "deleted" -> deleted = true;
                case "hardware" -> {
                    mac = hardware(st);
                    htype = "ethernet".equalsIgnoreCase(st.word(1)) ? 1 : 0;
                }
                case "fixed-address" -> ip = Ipv4Address.parse(st.word(1));
                case "filename" -> filename = st.word(1);
                case "next-server" -> nextServer = st.word(1);
                case "supersede", "option", "default" -> {
                    // supersede server.filename = "x"; supersede server.next-server = c0:00:02:01;
                    // supersede host-name = "x"; (as dhcpd writes OMAPI statements back)
                    String opt = st.word(1) == null ? "" : st.word(1).toLowerCase(Locale.ROOT);
                    String value = value(st);
                    switch (opt) {
                        case "server.filename", "filename" -> filename = value;
                        case "server.next-server", "next-server" -> nextServer = nextServer(st, value);
                        case "host-name", "server.host-name" -> hostname = value;
                        default -> {
                        }
                    }
                }
                default -> {
                }
            }
        }
        return new HostRecord(name, deleted, mac, htype, ip, filename, nextServer, hostname);
    }

    /** The value of {@code supersede <name> = <value>;} or {@code option <name> <value>;}. */
    private static String value(IscStatement st) {
        int i = 2;
        if (i < st.words().size() && st.words().get(i).is("=")) {
            i++;
        }
        return i < st.words().size() ? st.words().get(i).text() : null;
    }

    /** A next-server value: a quoted host name, an IPv4 literal, or colon-separated hex bytes. */
    private static String nextServer(IscStatement st, String value) {
        if (value == null) {
            return null;
        }
        int i = st.words().size() - 1;
        if (st.words().get(i).quoted() || Ipv4Address.isValid(value)) {
            return value;
        }
        String[] hex = value.split(":");
        if (hex.length == 4) {
            byte[] b = new byte[4];
            for (int k = 0; k < 4; k++) {
                b[k] = (byte) Integer.parseInt(hex[k], 16);
            }
            return Ipv4Address.of(b, 0).toString();
        }
        return value;
    }

    private static MacAddress hardware(IscStatement st) {
        if (st.words().size() < 3 || !"ethernet".equalsIgnoreCase(st.word(1))) {
            return null;
        }
        return MacAddress.parse(st.word(2));
    }

    /** A client identifier of type 1 (Ethernet) and 6 bytes names the MAC. */
    private static MacAddress uidMac(IscStatement st) {
        String v = st.word(1);
        if (v == null) {
            return null;
        }
        byte[] b;
        if (st.words().get(1).quoted()) {
            b = new byte[v.length()];
            for (int i = 0; i < v.length(); i++) {
                b[i] = (byte) v.charAt(i);
            }
        } else {
            String[] hex = v.split(":");
            b = new byte[hex.length];
            for (int i = 0; i < hex.length; i++) {
                b[i] = (byte) Integer.parseInt(hex[i], 16);
            }
        }
        if (b.length == 7 && b[0] == 1) {
            return MacAddress.of(java.util.Arrays.copyOfRange(b, 1, 7), 6);
        }
        return null;
    }

    /**
     * {@code <weekday> yyyy/mm/dd hh:mm:ss} (UTC), {@code epoch <seconds>} (db-time-format
     * local) or {@code never}.
     */
    static Instant time(IscStatement st) {
        List<Token> w = st.words();
        if (w.size() >= 2 && w.get(1).isWord("never")) {
            return NEVER;
        }
        if (w.size() >= 3 && w.get(1).isWord("epoch")) {
            return Instant.ofEpochSecond(Long.parseLong(w.get(2).text()));
        }
        if (w.size() < 4) {
            throw new IllegalArgumentException("bad time '" + String.join(" ", st.values(1)) + "'");
        }
        String d = w.get(2).text();
        String t = w.get(3).text();
        int s1 = d.indexOf('/');
        int s2 = d.indexOf('/', s1 + 1);
        int c1 = t.indexOf(':');
        int c2 = t.indexOf(':', c1 + 1);
        if (s1 < 0 || s2 < 0 || c1 < 0 || c2 < 0) {
            throw new IllegalArgumentException("bad time '" + d + " " + t + "'");
        }
        long days = LocalDate.of(Integer.parseInt(d, 0, s1, 10), Integer.parseInt(d, s1 + 1, s2, 10),
                Integer.parseInt(d, s2 + 1, d.length(), 10)).toEpochDay();
        long secs = Integer.parseInt(t, 0, c1, 10) * 3600L + Integer.parseInt(t, c1 + 1, c2, 10) * 60L
                + Integer.parseInt(t, c2 + 1, t.length(), 10);
        return Instant.ofEpochSecond(days * 86400 + secs);
    }

}
