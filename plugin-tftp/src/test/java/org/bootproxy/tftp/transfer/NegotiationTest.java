package org.bootproxy.tftp.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.OptionalLong;
import org.bootproxy.tftp.protocol.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NegotiationTest {

    private static final TransferSettings SETTINGS = new TransferSettings(1468, 16, Duration.ofSeconds(2), 5);

    private static NegotiatedOptions negotiate(Options o) {
        return Negotiation.negotiate(o, SETTINGS, OptionalLong.of(4242));
    }

    @Test
    void noOptions_defaults_andNoOack() {
        NegotiatedOptions n = negotiate(Options.NONE);
        assertThat(n.blksize()).isEqualTo(512);
        assertThat(n.windowsize()).isEqualTo(1);
        assertThat(n.timeoutNanos()).isEqualTo(2_000_000_000L);
        assertThat(n.oack().isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "blksize {0} -> {1}")
    @CsvSource({"8,8", "512,512", "1468,1468", "1469,1468", "65464,1468", "99999,1468", "7,", "0,", "abc,", "-5,",
            "'',", "1234567890,"})
    void blksize(String asked, Integer granted) {
        NegotiatedOptions n = negotiate(Options.of("blksize", asked));
        if (granted == null) {
            assertThat(n.oack().isEmpty()).isTrue();
            assertThat(n.blksize()).isEqualTo(512);
        } else {
            assertThat(n.blksize()).isEqualTo(granted);
            assertThat(n.oack().get("blksize")).contains(granted.toString());
        }
    }

    @ParameterizedTest(name = "windowsize {0} -> {1}")
    @CsvSource({"1,1", "16,16", "17,16", "64,16", "65535,16", "0,", "65536,", "x,"})
    void windowsize(String asked, Integer granted) {
        NegotiatedOptions n = negotiate(Options.of("windowsize", asked));
        if (granted == null) {
            assertThat(n.oack().isEmpty()).isTrue();
            assertThat(n.windowsize()).isEqualTo(1);
        } else {
            assertThat(n.windowsize()).isEqualTo(granted);
            assertThat(n.oack().get("windowsize")).contains(granted.toString());
        }
    }

    @ParameterizedTest(name = "timeout {0} -> {1}")
    @CsvSource({"1,1", "255,255", "0,", "256,", "1.5,"})
    void timeout(String asked, Integer granted) {
        NegotiatedOptions n = negotiate(Options.of("timeout", asked));
        if (granted == null) {
            assertThat(n.oack().isEmpty()).isTrue();
            assertThat(n.timeoutNanos()).isEqualTo(2_000_000_000L);
        } else {
            assertThat(n.timeoutNanos()).isEqualTo(granted * 1_000_000_000L);
            assertThat(n.oack().get("timeout")).contains(granted.toString());
        }
    }

    @Test
    void tsize_isAnsweredWithTheSize_whenKnown() {
        assertThat(negotiate(Options.of("tsize", "0")).oack()).isEqualTo(Options.of("tsize", "4242"));
        assertThat(Negotiation.negotiate(Options.of("tsize", "0"), SETTINGS, OptionalLong.empty()).oack().isEmpty())
                .isTrue();
    }

    @Test
    void unknownOptionsAreIgnored_orderAndSpellingKept_firstOccurrenceWins() {
        NegotiatedOptions n = negotiate(Options.of("multicast", "", "TSIZE", "0", "BlkSize", "1024", "blksize",
                "8", "rollover", "0"));
        assertThat(n.oack()).isEqualTo(Options.of("TSIZE", "4242", "BlkSize", "1024"));
        assertThat(n.blksize()).isEqualTo(1024);
    }

    @Test
    void settings_areValidated() {
        assertThatThrownBy(() -> new TransferSettings(7, 1, Duration.ofSeconds(1), 1))
                .hasMessageContaining("max_blksize=7");
        assertThatThrownBy(() -> new TransferSettings(512, 65, Duration.ofSeconds(1), 1))
                .hasMessageContaining("max_windowsize=65");
        assertThatThrownBy(() -> new TransferSettings(512, 1, Duration.ZERO, 1)).hasMessageContaining("timeout");
        assertThatThrownBy(() -> new TransferSettings(512, 1, Duration.ofSeconds(1), -1))
                .hasMessageContaining("retries=-1");
    }
}
