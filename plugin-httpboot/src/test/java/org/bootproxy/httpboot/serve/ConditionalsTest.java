package org.bootproxy.httpboot.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.bootproxy.httpboot.http.ByteRange;
import org.bootproxy.httpboot.http.EntityTag;
import org.bootproxy.httpboot.http.RangeRequest;
import org.bootproxy.httpboot.serve.Conditionals.NotModified;
import org.bootproxy.httpboot.serve.Conditionals.RangeNotSatisfiable;
import org.bootproxy.httpboot.serve.Conditionals.RequestHeaders;
import org.bootproxy.httpboot.serve.Conditionals.Send;
import org.junit.jupiter.api.Test;

class ConditionalsTest {

    private static final Conditionals.Version V = new Conditionals.Version(new EntityTag("t1"),
            Instant.parse("2026-01-01T10:00:00.500Z"), 100);
    private static final String LM = "Thu, 01 Jan 2026 10:00:00 GMT";

    private static Conditionals.Decision get(String inm, String ims, String range, String ifRange) {
        return Conditionals.decide(false, V, new RequestHeaders(inm, ims, range, ifRange));
    }

    @Test
    void noHeaders_sendsWhole() {
        assertThat(Conditionals.decide(false, V, RequestHeaders.NONE)).isEqualTo(new Send(null));
        assertThat(new Send(null).status()).isEqualTo(200);
    }

    @Test
    void ifNoneMatch_matching_isNotModified_evenWithRange() {
        assertThat(get("\"t1\"", null, "bytes=0-1", null)).isEqualTo(new NotModified());
        assertThat(get("\"t0\"", null, null, null)).isEqualTo(new Send(null));
    }

    @Test
    void ifModifiedSince_comparesWholeSeconds() {
        assertThat(get(null, LM, null, null)).isEqualTo(new NotModified());
        assertThat(get(null, "Thu, 01 Jan 2026 11:00:00 GMT", null, null)).isEqualTo(new NotModified());
        assertThat(get(null, "Thu, 01 Jan 2026 09:59:59 GMT", null, null)).isEqualTo(new Send(null));
        assertThat(get(null, "garbage", null, null)).isEqualTo(new Send(null));
    }

    @Test
    void ifNoneMatch_takesPrecedenceOverIfModifiedSince() {
        // RFC 9110 13.2.2: If-Modified-Since is ignored when If-None-Match is present
        assertThat(get("\"other\"", LM, null, null)).isEqualTo(new Send(null));
    }

    @Test
    void range_gives206Or416() {
        assertThat(get(null, null, "bytes=10-19", null)).isEqualTo(new Send(new ByteRange(10, 19, 100)));
        assertThat(new Send(new ByteRange(10, 19, 100)).status()).isEqualTo(206);
        assertThat(get(null, null, "bytes=100-", null))
                .isEqualTo(new RangeNotSatisfiable(new RangeRequest.Unsatisfiable(100)));
    }

    @Test
    void range_isIgnoredForHead() {
        assertThat(Conditionals.decide(true, V, new RequestHeaders(null, null, "bytes=10-19", null)))
                .isEqualTo(new Send(null));
    }

    @Test
    void ifRange_honoursRangeOnlyForTheSameVersion() {
        assertThat(get(null, null, "bytes=0-9", "\"t1\"")).isEqualTo(new Send(new ByteRange(0, 9, 100)));
        assertThat(get(null, null, "bytes=0-9", "W/\"t1\"")).isEqualTo(new Send(null));
        assertThat(get(null, null, "bytes=0-9", "\"t0\"")).isEqualTo(new Send(null));
        assertThat(get(null, null, "bytes=0-9", LM)).isEqualTo(new Send(new ByteRange(0, 9, 100)));
        assertThat(get(null, null, "bytes=0-9", "Thu, 01 Jan 2026 09:00:00 GMT")).isEqualTo(new Send(null));
    }
}
