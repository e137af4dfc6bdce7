package org.bootproxy.httpboot.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bootproxy.spi.files.PathRefusedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RawPathsTest {

    private static String decode(String raw) throws PathRefusedException {
        return RawPaths.decode(RawPaths.rawSegments(raw), raw);
    }

    @Test
    void rawSegments_dropEmptySegments() {
        assertThat(RawPaths.rawSegments("//a///b/c//")).containsExactly("a", "b", "c");
        assertThat(RawPaths.rawSegments("/")).isEmpty();
        assertThat(RawPaths.rawSegments("")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/grub2/grubx64.efi|grub2/grubx64.efi",
        "//grub2//grubx64.efi|grub2/grubx64.efi",
        "/grub%32/grub.cfg|grub2/grub.cfg",
        "/a%20b|a b",
        "/%2e%2e|..",             // decoded to '..' and left for ServedRoot to refuse
        "/%252e%252e|%2e%2e",     // decoded once only
        "/caf%C3%A9.efi|café.efi",
        "/%25|%",
        "/a;b|a;b"})
    void decode_decodesOnce(String raw, String decoded) throws Exception {
        assertThat(decode(raw)).isEqualTo(decoded);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/a%2fb", "/a%2Fb", "/a%5cb", "/a%5Cb", "/%2f", "/..%2f..%2fetc",
        "/%", "/%2", "/%g0", "/%0g", "/%%32%65", "/%u002e",
        "/%c0%ae%c0%ae", "/%C0%AE", "/%e0%80%ae", "/%f0%80%80%ae", "/%c0%af", "/%c1%9c",
        "/%ff", "/%fe%ff", "/%80", "/%ed%a0%80", "/%c3"})
    void decode_refusesEncodedSeparatorsMalformedEscapesAndNonUtf8(String raw) {
        assertThatThrownBy(() -> decode(raw)).isInstanceOf(PathRefusedException.class)
                .extracting(e -> ((PathRefusedException) e).reason()).isEqualTo(PathRefusedException.Reason.INVALID);
    }

    @Test
    void decode_keepsRawNonAsciiCharactersAsText() throws Exception {
        assertThat(decode("/café/\uD83D\uDE00")).isEqualTo("café/\uD83D\uDE00");
    }
}
