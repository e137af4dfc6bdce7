package org.bootproxy.httpboot.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class RangeRequestTest {

    private static final long SIZE = 1000;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bytes=0-499|0|499",
        "bytes=500-|500|999",
        "bytes=-100|900|999",
        "bytes=-5000|0|999",
        "bytes=990-5000|990|999",
        "bytes=0-0|0|0",
        "BYTES = 10 - 20|10|20",
        "bytes=0-99,100-199|0|199",      // adjacent ranges merge
        "bytes=50-150,0-99|0|150",       // overlapping, out of order
        "bytes=0-9,2000-3000|0|9",       // the unsatisfiable one is dropped
        "bytes=0-99999999999999999999999|0|999",
        "bytes=,0-9,|0|9"})
    void parse_satisfiable(String header, long first, long last) {
        assertThat(RangeRequest.parse(header, SIZE))
                .isEqualTo(new RangeRequest.Partial(new ByteRange(first, last, SIZE)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=1000-", "bytes=5000-6000", "bytes=-0", "bytes=1000-1000,2000-",
        "bytes=99999999999999999999999-"})
    void parse_unsatisfiable(String header) {
        assertThat(RangeRequest.parse(header, SIZE)).isEqualTo(new RangeRequest.Unsatisfiable(SIZE));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "bytes", "bytes=", "items=0-1", "bytes=a-b", "bytes=5-1", "bytes=0-1;x",
        "bytes=--1", "bytes=1", "bytes=0-9,20-29", "bytes=0x10-20", "bytes=+1-2", "bytes=-+2",
        "bytes=0-0,1-1,2-2,3-3,4-4,5-5,6-6,7-7,8-8,9-9,10-10,11-11,12-12,13-13,14-14,15-15,16-16"})
    void parse_ignoresInvalidOrMultipleRanges(String header) {
        assertThat(RangeRequest.parse(header, SIZE)).isEqualTo(new RangeRequest.Whole());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=0-", "bytes=-1", "bytes=0-0"})
    void parse_anyRangeOfAnEmptyFile_isUnsatisfiable(String header) {
        assertThat(RangeRequest.parse(header, 0)).isEqualTo(new RangeRequest.Unsatisfiable(0));
    }
}
