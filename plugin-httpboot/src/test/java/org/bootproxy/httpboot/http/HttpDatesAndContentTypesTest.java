package org.bootproxy.httpboot.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HttpDatesAndContentTypesTest {

    private static final Instant T = Instant.parse("1994-11-06T08:49:37Z");

    @Test
    void format_isImfFixdate() {
        assertThat(HttpDates.format(T)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(HttpDates.format(Instant.parse("2026-01-05T01:02:03.999Z"))).isEqualTo("Mon, 05 Jan 2026 01:02:03 GMT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
        " Sun, 06 Nov 1994 08:49:37 GMT "})
    void parse_acceptsTheThreeForms(String value) {
        assertThat(HttpDates.parse(value)).contains(T);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "Sun, 06 Nov 1994 08:49:37", "1994-11-06T08:49:37Z", "Sun, 32 Nov 1994 08:49:37 GMT"})
    void parse_ignoresAnythingElse(String value) {
        assertThat(HttpDates.parse(value)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "BOOT/BOOTX64.EFI|application/octet-stream",
        "grub2/grubx64.efi|application/octet-stream",
        "grub2/grub.cfg|text/plain",
        "menu.IPXE|text/plain",
        "vmlinuz|application/octet-stream",
        "initrd.img|application/octet-stream",
        "pxelinux.0|application/octet-stream",
        "boot.iso|application/x-iso9660-image",
        ".hidden|application/octet-stream",
        "dir.d/file|application/octet-stream",
        "trailing.|application/octet-stream",
        "unknown.weird|application/octet-stream"})
    void contentType_byExtension(String name, String type) {
        assertThat(ContentTypes.forName(name)).isEqualTo(type);
    }
}
