package org.bootproxy.spi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RackParamsTest {

    @Test
    void parse_listsMapsAndPlainValues_asRackDoes() {
        RackParams p = RackParams.parse("a=1", "related_macs[]=x&related_macs[]&ztp_firmware[core]=c&a=2");
        assertThat(p.string("a")).isEqualTo("2");
        assertThat(p.list("related_macs")).containsExactly("x", "");
        assertThat(p.map("ztp_firmware")).isEqualTo(Map.of("core", "c"));
    }

    @Test
    void parse_keyNestedFiftyThousandLevels_isRefusedNamingIt_notAStackOverflow() {
        String deep = "a" + "[b]".repeat(50_000);
        assertThatThrownBy(() -> RackParams.parse(null, deep + "=x"))
                .isInstanceOf(RackParams.MalformedParamsException.class)
                .hasMessageStartingWith("Parameter a[b][b][b]")
                .hasMessageContaining("nested deeper than 32 levels");
    }

    @Test
    void parse_keyNestedThirtyTwoLevels_isAccepted() {
        RackParams p = RackParams.parse(null, "a" + "[b]".repeat(31) + "[]=x");
        Object v = p.asMap().get("a");
        for (int i = 0; i < 31; i++) {
            v = ((Map<?, ?>) v).get("b");
        }
        assertThat(v).isEqualTo(List.of("x"));
    }
}
