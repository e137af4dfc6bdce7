package org.bootproxy.httpboot.http;

import java.util.ArrayList;
import java.util.List;

/**
 * What a {@code Range} header asks of a representation of a known size (RFC 9110 section 14.2).
 * Closed: {@link Whole}, {@link Partial}, {@link Unsatisfiable}.
 */
public sealed interface RangeRequest {

    /** No usable range: send the whole representation with 200. */
    record Whole() implements RangeRequest {
    }

    /** One satisfiable range: 206 with {@code Content-Range}. */
    record Partial(ByteRange range) implements RangeRequest {
    }

    /** No range overlaps the representation: 416 with {@code Content-Range: bytes *}{@code /size}. */
    record Unsatisfiable(long size) implements RangeRequest {
        /** The {@code Content-Range} value of the 416 answer. */
        public String contentRange() {
            return "bytes */" + size;
        }
    }

    /** Most ranges accepted in one header; more is refused as abusive (answered whole). */
    int MAX_RANGES = 16;

    /**
     * Interprets a {@code Range} header.
     *
     * <p>An absent header, another unit or a syntax error is ignored, as section 14.2 allows
     * ({@link Whole}). Several satisfiable ranges are merged when they overlap or touch into one;
     * if they still form more than one range the header is ignored and the whole representation
     * sent (multipart/byteranges is optional and no boot client asks for it).
     *
     * @param header the header value, may be {@code null}
     * @param size the representation's length
     */
    static RangeRequest parse(String header, long size) {
        if (header == null) {
            return new Whole();
        }
        String h = header.trim();
        int eq = h.indexOf('=');
        if (eq < 0 || !h.substring(0, eq).trim().equalsIgnoreCase("bytes")) {
            return new Whole();
        }
        String[] specs = h.substring(eq + 1).split(",", -1);
        if (specs.length > MAX_RANGES) {
            return new Whole();
        }
        List<long[]> satisfiable = new ArrayList<>();
        boolean any = false;
        for (String raw : specs) {
            String spec = raw.trim();
            if (spec.isEmpty()) {
                continue; // RFC 9110 5.6.1: empty list elements are ignored
            }
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return new Whole();
            }
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            long first;
            long last;
            if (a.isEmpty()) {
                // suffix-range: the last N bytes
                long suffix = digits(b);
                if (suffix < 0) {
                    return new Whole();
                }
                any = true;
                if (suffix == 0 || size == 0) {
                    continue;
                }
                first = Math.max(0, size - suffix);
                last = size - 1;
            } else {
                first = digits(a);
                if (first < 0) {
                    return new Whole();
                }
                if (b.isEmpty()) {
                    last = Long.MAX_VALUE;
                } else {
                    last = digits(b);
                    if (last < 0 || last < first) {
                        return new Whole(); // invalid range-spec: ignore the header
                    }
                }
                any = true;
                if (first >= size) {
                    continue;
                }
                last = Math.min(last, size - 1);
            }
            satisfiable.add(new long[] {first, last});
        }
        if (!any) {
            return new Whole();
        }
        if (satisfiable.isEmpty()) {
            return new Unsatisfiable(size);
        }
        satisfiable.sort((x, y) -> Long.compare(x[0], y[0]));
        long first = satisfiable.get(0)[0];
        long last = satisfiable.get(0)[1];
        for (int i = 1; i < satisfiable.size(); i++) {
            long[] r = satisfiable.get(i);
            if (r[0] > last + 1) {
                return new Whole();
            }
            last = Math.max(last, r[1]);
        }
        return new Partial(new ByteRange(first, last, size));
    }

    /** Parses a non-empty run of ASCII digits, saturating at Long.MAX_VALUE; -1 when not digits. */
    private static long digits(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            int d = c - '0';
            v = v > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : v * 10 + d;
        }
        return v;
    }
}
