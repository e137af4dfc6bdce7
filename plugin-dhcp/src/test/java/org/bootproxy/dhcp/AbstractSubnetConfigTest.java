package org.bootproxy.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.validation.BaseValidator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The keys {@code subnets} and {@code subnets6} entries share: same names, defaults and checks. */
class AbstractSubnetConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(classes = {SubnetConfig.class, Subnet6Config.class})
    void bothFamilies_requireTheNetworkAndALeaseTime_andDefaultTo12Hours(Class<? extends AbstractSubnetConfig> type) {
        Map<String, Object> m = new HashMap<>();
        m.put("range", List.of("a", "b"));
        m.put("lease_time", null);
        assertThat(BaseValidator.newValidator().validate(JSON.convertValue(m, type)))
                .extracting(v -> v.getPropertyPath().toString()).containsExactlyInAnyOrder("network", "leaseTime");

        AbstractSubnetConfig c = JSON.convertValue(Map.of("network", "x", "range", List.of("1", "2")), type);
        assertThat(BaseValidator.newValidator().validate(c)).isEmpty();
        assertThat(c.leaseDuration()).isEqualTo(java.time.Duration.ofHours(12));
        assertThat(c.rangeBounds(Integer::parseInt)).containsExactly(1, 2);
        assertThat(JSON.convertValue(Map.of("network", "x"), type).rangeBounds(Integer::parseInt)).isEmpty();
    }
}
