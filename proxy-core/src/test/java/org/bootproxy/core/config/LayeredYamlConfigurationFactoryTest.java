package org.bootproxy.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotEmpty;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bootproxy.yml with conf.d/*.yml laid over it, and errors that name YAML keys. */
class LayeredYamlConfigurationFactoryTest {

    public static final class Sample implements LayeredYamlConfigurationFactory.Layered {
        @JsonProperty("name")
        String name = "default";

        @JsonProperty("tags")
        List<String> tags = new ArrayList<>();

        @Valid
        @JsonProperty("inner")
        Inner inner = new Inner();

        @Valid
        @JsonProperty("items")
        List<Inner> items = new ArrayList<>();

        List<String> files;

        @Override
        public void configurationFiles(List<String> files) {
            this.files = files;
        }
    }

    public static final class Inner {
        @Max(10)
        @JsonProperty("max_level")
        int maxLevel = 1;

        @NotEmpty
        @JsonProperty("file_name")
        String fileName = "a";
    }

    @TempDir
    Path dir;

    private Sample build(Path main) throws Exception {
        ObjectMapper mapper = Jackson.newObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        LayeredYamlConfigurationFactory<Sample> f = new LayeredYamlConfigurationFactory<>(Sample.class,
                Validators.newValidator(), mapper, "dw");
        return f.build(new SubstitutingSourceProvider(new FileConfigurationSourceProvider(),
                new EnvironmentVariableSubstitutor(false)), main.toString());
    }

    private Path write(String name, String yaml) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, yaml);
        return p;
    }

    @Test
    void overlays_applyInNameOrder_laterKeyPathWins_mappingsMergeKeyByKey() throws Exception {
        Path main = write("bootproxy.yml", "name: main\ntags: [a, b]\ninner: {max_level: 2, file_name: main}\n");
        write("conf.d/20-second.yml", "inner: {max_level: 7}\nname: second\n");
        write("conf.d/10-first.yml", "inner: {max_level: 3, file_name: first}\ntags: [c]\nname: first\n");
        write("conf.d/notes.txt", "name: ignored\n");
        Sample s = build(main);
        assertThat(s.name).isEqualTo("second");
        assertThat(s.inner.maxLevel).isEqualTo(7);
        assertThat(s.inner.fileName).isEqualTo("first");
        assertThat(s.tags).containsExactly("c");
        assertThat(s.files).containsExactly(main.toString(), dir.resolve("conf.d/10-first.yml").toString(),
                dir.resolve("conf.d/20-second.yml").toString());
    }

    @Test
    void withoutConfD_theMainFileAloneIsRead() throws Exception {
        Path main = write("bootproxy.yml", "name: alone\n");
        Sample s = build(main);
        assertThat(s.name).isEqualTo("alone");
        assertThat(s.files).containsExactly(main.toString());
    }

    @Test
    void environmentSubstitution_worksInOverlays() throws Exception {
        Path main = write("bootproxy.yml", "name: main\n");
        write("conf.d/50-env.yml", "name: ${BOOTPROXY_TEST_UNSET_VARIABLE:-from-default}\n");
        assertThat(build(main).name).isEqualTo("from-default");
    }

    @Test
    void emptyOverlay_addsNothing() throws Exception {
        Path main = write("bootproxy.yml", "name: main\n");
        write("conf.d/00-empty.yml", "# nothing yet\n");
        assertThat(build(main).name).isEqualTo("main");
    }

    @Test
    void overlayThatIsNotAMapping_isNamed() throws Exception {
        Path main = write("bootproxy.yml", "name: main\n");
        Path bad = write("conf.d/10-list.yml", "- a\n- b\n");
        assertThatThrownBy(() -> build(main)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(bad.toString()).hasMessageContaining("must be a mapping");
    }

    @Test
    void malformedOverlay_namesFileAndLine() throws Exception {
        Path main = write("bootproxy.yml", "name: main\n");
        Path bad = write("conf.d/10-bad.yml", "name: x\ninner: {max_level: 3\n");
        assertThatThrownBy(() -> build(main)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(bad.toString()).hasMessageContaining("Malformed YAML at line");
    }

    @Test
    void unknownKeyInOverlay_isNamedWithTheFilesRead() throws Exception {
        Path main = write("bootproxy.yml", "name: main\n");
        Path bad = write("conf.d/10-typo.yml", "inner: {max_levle: 3}\n");
        assertThatThrownBy(() -> build(main)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("inner.max_levle").hasMessageContaining(bad.toString());
    }

    @Test
    void validationErrors_nameYamlKeysAndValues_notJavaFields() throws Exception {
        Path main = write("bootproxy.yml",
                "inner: {max_level: 11}\nitems:\n  - {file_name: ok}\n  - {file_name: '', max_level: 12}\n");
        assertThatThrownBy(() -> build(main)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("inner.max_level must be less than or equal to 10 (value: 11)")
                .hasMessageContaining("items[1].max_level must be less than or equal to 10 (value: 12)")
                .hasMessageContaining("items[1].file_name must not be empty (value: )")
                .hasMessageNotContaining("maxLevel").hasMessageNotContaining("fileName");
    }
}
