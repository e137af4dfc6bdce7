package org.bootproxy.httpboot.serve;

import java.time.Instant;
import java.util.Optional;
import org.bootproxy.httpboot.http.ByteRange;
import org.bootproxy.httpboot.http.EntityTag;
import org.bootproxy.httpboot.http.HttpDates;
import org.bootproxy.httpboot.http.RangeRequest;

/**
 * Decides how to answer a GET or HEAD of a file version from the request's conditional and
 * range headers (RFC 9110 sections 13.2.2 and 14.2). Pure: no I/O, thread-safe.
 */
public final class Conditionals {

    /** The request headers that matter, each {@code null} when absent. */
    public record RequestHeaders(String ifNoneMatch, String ifModifiedSince, String range, String ifRange) {
        public static final RequestHeaders NONE = new RequestHeaders(null, null, null, null);
    }

    /** A file version as the client sees it. */
    public record Version(EntityTag etag, Instant lastModified, long size) {
    }

    /** The answer. Closed: {@link Send}, {@link NotModified}, {@link RangeNotSatisfiable}. */
    public sealed interface Decision {
    }

    /**
     * 200 ({@code range == null}) or 206 with one range.
     *
     * @param range the range to send, or {@code null} for the whole file
     */
    public record Send(ByteRange range) implements Decision {
        public int status() {
            return range == null ? 200 : 206;
        }
    }

    /** 304. */
    public record NotModified() implements Decision {
    }

    /** 416. */
    public record RangeNotSatisfiable(RangeRequest.Unsatisfiable range) implements Decision {
    }

    private Conditionals() {
    }

    /**
     * @param head whether the request is HEAD (Range is defined for GET only: section 14.2)
     */
    public static Decision decide(boolean head, Version v, RequestHeaders h) {
        // 13.2.2 step 3/4: If-None-Match wins over If-Modified-Since.
        if (h.ifNoneMatch() != null) {
            if (v.etag().matchesIfNoneMatch(h.ifNoneMatch())) {
                return new NotModified();
            }
        } else if (h.ifModifiedSince() != null) {
            Optional<Instant> since = HttpDates.parse(h.ifModifiedSince());
            if (since.isPresent() && v.lastModified().getEpochSecond() <= since.get().getEpochSecond()) {
                return new NotModified();
            }
        }
        if (head || h.range() == null || !ifRangeHolds(v, h.ifRange())) {
            return new Send(null);
        }
        RangeRequest r = RangeRequest.parse(h.range(), v.size());
        // Java 17 has no pattern switch; the hierarchy is sealed, so these three are all.
        if (r instanceof RangeRequest.Partial p) {
            return new Send(p.range());
        }
        if (r instanceof RangeRequest.Unsatisfiable u) {
            return new RangeNotSatisfiable(u);
        }
        return new Send(null);
    }

    /** Section 13.1.5: a strong ETag match or an exact Last-Modified date; absent means it holds. */
    private static boolean ifRangeHolds(Version v, String ifRange) {
        if (ifRange == null) {
            return true;
        }
        String t = ifRange.trim();
        if (t.startsWith("\"") || t.startsWith("W/")) {
            return v.etag().matchesIfRange(t);
        }
        return HttpDates.parse(t).map(d -> d.getEpochSecond() == v.lastModified().getEpochSecond()).orElse(false);
    }
}
