package org.bootproxy.httpboot.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bootproxy.spi.files.PathRefusedException;
import org.bootproxy.spi.files.PathRefusedException.Reason;

/**
 * Turns the raw (still percent-encoded) path of an HTTP request into the path handed to
 * {@link org.bootproxy.spi.files.ServedRoot}. The HTTP half of the shared path policy: it works on
 * the bytes the client sent, never on a path a container or framework already decoded or
 * normalized, and decodes exactly once.
 *
 * <ul>
 *   <li>Empty segments are dropped ({@code //} is {@code /}).</li>
 *   <li>An encoded separator ({@code %2f}, {@code %5c}, any case) is refused: it would let a
 *       single segment name a path.</li>
 *   <li>A {@code %} not followed by two hex digits is refused.</li>
 *   <li>The decoded bytes must be well-formed UTF-8: overlong forms such as {@code %c0%ae} (which
 *       lenient decoders turn into {@code .}) and lone continuation bytes are refused.</li>
 *   <li>Everything else ({@code ..}, control characters, backslashes...) is left to
 *       {@code ServedRoot}, which checks the decoded text.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class RawPaths {

    private RawPaths() {
    }

    /**
     * Splits a raw path into its non-empty raw segments.
     *
     * @param rawPath a request path as it appeared on the request line, without the query
     */
    public static List<String> rawSegments(String rawPath) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int n = rawPath.length();
        for (int i = 0; i <= n; i++) {
            if (i == n || rawPath.charAt(i) == '/') {
                if (i > start) {
                    out.add(rawPath.substring(start, i));
                }
                start = i + 1;
            }
        }
        return out;
    }

    /**
     * Decodes raw segments once and joins them with {@code /}.
     *
     * @param rawSegments segments as {@link #rawSegments} returns them
     * @param rawPath the whole raw path, for the refusal message
     * @return the decoded relative path; empty when there are no segments
     * @throws PathRefusedException ({@link Reason#INVALID}) on an encoded separator, a malformed
     *     escape or bytes that are not UTF-8
     */
    public static String decode(List<String> rawSegments, String rawPath) throws PathRefusedException {
        StringBuilder sb = new StringBuilder();
        for (String segment : rawSegments) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(decodeSegment(segment, rawPath));
        }
        return sb.toString();
    }

    /** Decodes one raw segment (see the class comment for what is refused). */
    public static String decodeSegment(String segment, String rawPath) throws PathRefusedException {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteBuffer bytes = ByteBuffer.allocate(segment.length() * 4);
        for (int i = 0; i < segment.length(); ) {
            char c = segment.charAt(i);
            if (c == '%') {
                int hi = hex(segment, i + 1);
                int lo = hex(segment, i + 2);
                if (hi < 0 || lo < 0) {
                    throw invalid(rawPath, "malformed percent escape");
                }
                int b = (hi << 4) | lo;
                if (b == '/' || b == '\\') {
                    throw invalid(rawPath, "encoded path separator");
                }
                bytes.put((byte) b);
                i += 3;
            } else if (c < 0x80) {
                bytes.put((byte) c);
                i++;
            } else {
                // A raw non-ASCII character the container already turned into text: keep it as UTF-8.
                int cp = segment.codePointAt(i);
                bytes.put(StandardCharsets.UTF_8.encode(new String(Character.toChars(cp))));
                i += Character.charCount(cp);
            }
        }
        bytes.flip();
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            // Java's UTF-8 decoder refuses overlong and surrogate encodings (Unicode 3.9, D92).
            return decoder.decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw invalid(rawPath, "percent-encoded bytes are not UTF-8");
        }
    }

    private static int hex(String s, int i) {
        if (i >= s.length()) {
            return -1;
        }
        char c = s.charAt(i);
        return c < 0x80 ? Character.digit(c, 16) : -1;
    }

    private static PathRefusedException invalid(String rawPath, String detail) {
        return new PathRefusedException(Reason.INVALID, rawPath, detail);
    }
}
