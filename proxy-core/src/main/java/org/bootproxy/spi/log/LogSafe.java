package org.bootproxy.spi.log;

/**
 * The one way a value a client sent (a path, a MAC as typed, a host name, a URL, a DHCP vendor
 * class, a file name) goes into a log line: control characters become visible escapes, so a
 * {@code %0a} in a request can neither start a forged line in the log file nor put a line break
 * into a {@code /logs} record. Long values are cut.
 *
 * <pre>
 *   LOG.info("TFTP: request refused ({}): {}", status, LogSafe.escape(message));
 * </pre>
 * Escaped: C0 controls and DEL as {@code \xNN}, C1 controls, U+2028/U+2029 and U+0085 as
 * {@code \\uNNNN}. Everything else, backslash included, is kept. Stateless, thread-safe.
 */
public final class LogSafe {

    /** Longest value kept, in characters; longer ones end with {@code ...}. */
    public static final int MAX_LENGTH = 512;

    private LogSafe() {
    }

    /** {@code value}'s text escaped for a log line; {@code "null"} for null, as SLF4J writes it. */
    public static String escape(Object value) {
        return escape(value, MAX_LENGTH);
    }

    /** As {@link #escape(Object)}, cut after {@code maxLength} characters instead. */
    public static String escape(Object value, int maxLength) {
        if (value == null) {
            return "null";
        }
        String s = value.toString();
        int n = Math.min(s.length(), maxLength);
        int i = 0;
        while (i < n && !needsEscape(s.charAt(i))) {
            i++;
        }
        if (i == s.length() && s.length() <= maxLength) {
            return s; // the common case: nothing to change, no copy
        }
        StringBuilder sb = new StringBuilder(n + 16).append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else if (needsEscape(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (s.length() > maxLength) {
            sb.append("...");
        }
        return sb.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
    }
}
