package org.bootproxy.dhcp.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.testing.DropwizardTestSupport;
import jakarta.validation.constraints.Min;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.bootproxy.core.BootproxyApplication;
import org.bootproxy.core.BootproxyConfiguration;
import org.bootproxy.dhcp.DhcpConfig;
import org.bootproxy.dhcp.backend.DhcpBackend;
import org.bootproxy.dhcp.backend.DhcpBackends;
import org.bootproxy.dhcp.backend.embedded.EmbeddedBackend;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.testing.TestYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provider lookup, settings binding and the provider-dependent checks of plugins.dhcp. */
class DhcpProvidersTest {

    private static final ObjectMapper YAML = Jackson.newObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @TempDir
    Path dir;

    /** A provider of an external server, with one constrained setting. */
    static final class FakeExternal implements DhcpProvider<FakeExternal.Settings> {
        static final class Settings {
            @Min(1)
            @JsonProperty("omapi_port")
            int omapiPort = 7911;
        }

        final AtomicReference<Settings> opened = new AtomicReference<>();

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Class<Settings> settingsType() {
            return Settings.class;
        }

        @Override
        public DhcpBackend open(ProviderContext context, Settings settings) {
            opened.set(settings);
            return null;
        }
    }

    private static DhcpConfig config(String yaml) throws Exception {
        return YAML.readValue(yaml, DhcpConfig.class);
    }

    private ProviderContext context() throws Exception {
        return new ProviderContext(List.of(), InstantSource.system(), dir.resolve("state"), new MetricRegistry());
    }

    @Test
    void installed_findsTheBundledProvidersThroughServiceLoader() {
        assertThat(DhcpProviders.installed().names()).contains("embedded");
        assertThat(DhcpProviders.installed().find("embedded")).isInstanceOf(EmbeddedProvider.class);
    }

    @Test
    void embedded_opensTheEmbeddedBackend() throws Exception {
        try (DhcpBackend b = DhcpBackends.create(config("provider: embedded\n"), context())) {
            assertThat(b).isInstanceOf(EmbeddedBackend.class);
            assertThat(b.provider()).isEqualTo("embedded");
        }
    }

    @Test
    void unknownProvider_failsNamingTheProvidersFound() throws Exception {
        DhcpConfig c = config("provider: infoblox\n");
        assertThatThrownBy(() -> DhcpBackends.create(c, context()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plugins.dhcp.provider: unknown provider 'infoblox'")
                .hasMessageContaining("providers found: ").hasMessageContaining("embedded, isc");
    }

    @Test
    void unknownKeyInProviderSection_isRefusedWhenTheConfigurationIsRead() {
        assertThatThrownBy(() -> config("provider: embedded\nembedded:\n  state: x\n"))
                .hasMessageContaining("Unrecognized field at: plugins.dhcp.embedded.state (known keys: none)");
    }

    @Test
    void sectionNamingNoProvider_isRefusedNamingTheProvidersFound() {
        assertThatThrownBy(() -> config("provider: embedded\niscc:\n  server: 127.0.0.1\n"))
                .hasMessageContaining("plugins.dhcp.iscc").hasMessageContaining("providers found: ")
                .hasMessageContaining("embedded, isc");
    }

    @Test
    void fullApp_unknownKeyInProviderSection_isNamedWithItsYamlPath() throws Exception {
        Throwable t = startFailure("""
                http_port: 0
                bind_host: 127.0.0.1
                plugins:
                  dhcp:
                    enabled: true
                    state_dir: %s
                    embedded:
                      stat_dir: /tmp
                """.formatted(dir.resolve("state")) + TestYaml.QUIET_SERVER);
        assertThat(messages(t)).contains("plugins.dhcp.embedded.stat_dir");
    }

    @Test
    void settings_areBoundFromTheSectionAndValidatedNamingTheYamlPath() throws Exception {
        FakeExternal fake = new FakeExternal();
        DhcpProviders providers = DhcpProviders.of(List.of(new EmbeddedProvider(), fake));
        Object bad = providers.bind("fake", YAML.readTree("omapi_port: 0\n"));
        assertThatThrownBy(() -> providers.open("fake", bad, context()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("plugins.dhcp.fake.omapi_port must be greater than or equal to 1");
        assertThat(fake.opened.get()).isNull();
        assertThatThrownBy(() -> providers.bind("fake", YAML.readTree("omapi_prot: 1\n")))
                .hasMessageContaining("Unrecognized field at: plugins.dhcp.fake.omapi_prot (known keys: omapi_port)");
        providers.open("fake", null, context());
        assertThat(fake.opened.get().omapiPort).as("absent section: defaults").isEqualTo(7911);
    }

    @Test
    void interfacesWithAnExternalProvider_areRefusedInServerModeOnly() throws Exception {
        FakeExternal fake = new FakeExternal();
        DhcpProviders providers = DhcpProviders.of(List.of(new EmbeddedProvider(), fake));
        DhcpConfig server = config("provider: fake\ninterfaces: [veth0]\n");
        assertThatThrownBy(() -> DhcpBackends.create(server, context(), providers))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plugins.dhcp.interfaces [veth0]")
                .hasMessageContaining("does not run with provider 'fake'")
                .hasMessageContaining("mode: proxy");
        assertThat(fake.opened.get()).isNull();

        DhcpBackends.create(config("provider: fake\nmode: proxy\ninterfaces: [veth0]\n"), context(), providers);
        assertThat(fake.opened.get()).isNotNull();
        fake.opened.set(null);
        DhcpBackends.create(config("provider: fake\n"), context(), providers);
        assertThat(fake.opened.get()).as("no interfaces: the API alone").isNotNull();
    }

    @Test
    void subnets_acceptObjectsAndPlainCidrStrings() throws Exception {
        DhcpConfig c = config("subnets:\n  - 192.0.2.0/25\n  - network: 192.0.2.128/26\n    routers: [192.0.2.129]\n");
        List<Subnet> subnets = Subnet.fromConfig(c.getSubnets());
        assertThat(subnets).extracting(s -> s.network().toString()).containsExactly("192.0.2.0/25", "192.0.2.128/26");
        assertThat(subnets.get(0).routers()).isEmpty();
        assertThat(subnets.get(1).routers()).hasSize(1);
        ProviderContext pc = new ProviderContext(subnets, InstantSource.system(), dir, new MetricRegistry());
        assertThat(pc.manages(org.bootproxy.spi.net.Ipv4Network.parse("192.0.2.0/26"))).isTrue();
        assertThat(pc.manages(org.bootproxy.spi.net.Ipv4Network.parse("192.0.2.192/26"))).isFalse();
    }

    private Throwable startFailure(String yaml) throws Exception {
        Path file = dir.resolve("bootproxy.yml");
        Files.writeString(file, yaml);
        DropwizardTestSupport<BootproxyConfiguration> s = new DropwizardTestSupport<>(BootproxyApplication.class,
                file.toString());
        try {
            s.before();
            return null;
        } catch (Throwable t) {
            return t;
        } finally {
            s.after();
        }
    }

    private static String messages(Throwable t) {
        List<String> out = new ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause()) {
            out.add(String.valueOf(c.getMessage()));
        }
        return String.join("\n", out);
    }
}
