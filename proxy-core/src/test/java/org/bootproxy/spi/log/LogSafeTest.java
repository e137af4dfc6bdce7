package org.bootproxy.spi.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSafeTest {

    @Test
    void escape_controlCharactersBecomeVisible_otherTextIsKept() {
        assertThat(LogSafe.escape("a\nINFO forged\r\tb\u007f")).isEqualTo("a\\x0aINFO forged\\x0d\\x09b\\x7f");
        assertThat(LogSafe.escape("x\u0085y\u2028z\u2029")).isEqualTo("x\\u0085y\\u2028z\\u2029");
        assertThat(LogSafe.escape("grub2/grubx64.efi é\\")).isEqualTo("grub2/grubx64.efi é\\");
        assertThat(LogSafe.escape(null)).isEqualTo("null");
    }

    @Test
    void escape_cutsLongValues() {
        String s = LogSafe.escape("a".repeat(2000));
        assertThat(s).hasSize(LogSafe.MAX_LENGTH + 3).endsWith("...");
        assertThat(LogSafe.escape("a\n".repeat(10), 4)).isEqualTo("a\\x0aa\\x0a...");
    }
}
