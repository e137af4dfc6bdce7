package org.bootproxy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.bootproxy.core.plugins.LoadedPlugin;
import org.bootproxy.core.plugins.PluginLoadException;
import org.bootproxy.core.plugins.PluginLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin jars built during the test (javac + jar) and dropped into a temporary modules folder:
 * found, isolated in their own class loader, listed, served; duplicates and SPI mismatches are
 * reported naming the jars.
 */
class PluginJarTest {

    @TempDir
    Path dir;

    /** Compiles a plugin named {@code name} serving {@code GET /<name>} into {@code jar}. */
    private Path buildPlugin(String name, int spiVersion, Path jar) throws Exception {
        String pkg = "test." + name;
        String cls = Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Plugin";
        String spi = spiVersion < 0 ? "org.bootproxy.spi.PluginSpi.VERSION" : String.valueOf(spiVersion);
        String src = """
                package %1$s;
                import java.util.List;
                import org.bootproxy.spi.*;
                public final class %2$s implements ProxyPlugin<%2$s.Config> {
                    public static final class Config extends PluginConfig {
                        @com.fasterxml.jackson.annotation.JsonProperty("word") public String word = "%3$s";
                    }
                    @jakarta.ws.rs.Path("/%3$s")
                    public static final class Resource {
                        private final String word;
                        Resource(String word) { this.word = word; }
                        @jakarta.ws.rs.GET public String get() {
                            return word + " from " + getClass().getClassLoader().getName();
                        }
                    }
                    public String name() { return "%3$s"; }
                    public String version() { return "9.9.9"; }
                    public int spiVersion() { return %4$s; }
                    public Class<Config> configClass() { return Config.class; }
                    public RunningPlugin start(Config c, PluginContext ctx) {
                        return new RunningPlugin() {
                            public List<Object> publicResources() { return List.of(new Resource(c.word)); }
                            public void stop() { }
                        };
                    }
                }
                """.formatted(pkg, cls, name, spi);
        Path srcDir = Files.createDirectories(dir.resolve("src-" + name + "-" + System.nanoTime()));
        Path file = Files.createDirectories(srcDir.resolve(pkg.replace('.', '/'))).resolve(cls + ".java");
        Files.writeString(file, src);
        Path classes = Files.createDirectories(srcDir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-classpath", System.getProperty("java.class.path"), "-d",
                classes.toString(), file.toString());
        assertThat(rc).as("javac").isZero();
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString()));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/org.bootproxy.spi.ProxyPlugin"));
            out.write((pkg + "." + cls + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void jarInModulesSubfolder_isLoadedInItsOwnClassLoader() throws Exception {
        Path modules = dir.resolve("modules");
        Path jar = buildPlugin("gamma", -1, modules.resolve("gamma/gamma-plugin.jar"));
        List<LoadedPlugin> loaded = PluginLoader.load(getClass().getClassLoader(), modules);
        LoadedPlugin gamma = loaded.stream().filter(p -> p.name().equals("gamma")).findFirst().orElseThrow();
        assertThat(gamma.isLoaded()).isTrue();
        assertThat(gamma.source()).isEqualTo(modules.resolve("gamma").toString());
        assertThat(gamma.plugin().getClass().getClassLoader()).isNotSameAs(getClass().getClassLoader());
        assertThat(gamma.plugin().getClass().getClassLoader().getName()).isEqualTo("plugin:gamma");
        // the class-path test plugins are found too, once each
        assertThat(loaded).extracting(LoadedPlugin::name).containsOnlyOnce("alpha", "gamma");
        assertThat(jar).exists();
    }

    @Test
    void droppedInJar_isListedAndServedByTheRunningProxy() throws Exception {
        Path modules = dir.resolve("modules");
        buildPlugin("delta", -1, modules.resolve("delta.jar"));
        String previous = System.getProperty(PluginLoader.MODULES_PROPERTY);
        System.setProperty(PluginLoader.MODULES_PROPERTY, modules.toString());
        try (TestApp app = TestApp.start(dir, "http_port: 0\nbind_host: 127.0.0.1\nplugins:\n"
                + "  delta: {enabled: true, word: bonjour}\n" + TestApp.QUIET_LOGGING)) {
            String base = "http://127.0.0.1:" + app.port(false);
            assertThat(Http.get(base + "/features").body()).isEqualTo("[\"delta\",\"logs\"]");
            assertThat(Http.get(base + "/delta").body()).isEqualTo("bonjour from plugin:delta");
            assertThat(Http.get(base + "/version").body()).contains("\"delta\":\"9.9.9\"");
            assertThat(Http.get(base + "/logs").body())
                    .contains("Loaded plugin delta 9.9.9 from " + modules.resolve("delta.jar"));
        } finally {
            if (previous == null) {
                System.clearProperty(PluginLoader.MODULES_PROPERTY);
            } else {
                System.setProperty(PluginLoader.MODULES_PROPERTY, previous);
            }
        }
    }

    @Test
    void twoPluginsWithOneName_stopTheStartNamingBothJars() throws Exception {
        Path modules = dir.resolve("modules");
        buildPlugin("gamma", -1, modules.resolve("one/gamma.jar"));
        buildPlugin("gamma", -1, modules.resolve("two/gamma-copy.jar"));
        assertThatThrownBy(() -> PluginLoader.load(getClass().getClassLoader(), modules))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("Two plugins named 'gamma'")
                .hasMessageContaining(modules.resolve("one").toString())
                .hasMessageContaining(modules.resolve("two").toString());
        // and one that clashes with a class-path plugin
        Path other = dir.resolve("modules2");
        buildPlugin("alpha", -1, other.resolve("alpha-again.jar"));
        assertThatThrownBy(() -> PluginLoader.load(getClass().getClassLoader(), other))
                .hasMessageContaining("Two plugins named 'alpha'").hasMessageContaining("alpha-again.jar");
    }

    @Test
    void pluginBuiltForAnotherSpiVersion_isFailedNamingTheJar() throws Exception {
        Path modules = dir.resolve("modules");
        buildPlugin("epsilon", 999, modules.resolve("epsilon.jar"));
        LoadedPlugin e = PluginLoader.load(getClass().getClassLoader(), modules).stream()
                .filter(p -> p.name().equals("epsilon")).findFirst().orElseThrow();
        assertThat(e.isLoaded()).isFalse();
        assertThat(e.loadFailure()).contains(modules.resolve("epsilon.jar").toString())
                .contains("SPI version 999");
    }

    @Test
    void brokenJar_isFailedNamingIt() throws Exception {
        Path modules = Files.createDirectories(dir.resolve("modules/zeta"));
        try (OutputStream out = Files.newOutputStream(modules.resolve("zeta.jar"))) {
            out.write("this is not a jar".getBytes(StandardCharsets.UTF_8));
        }
        LoadedPlugin z = PluginLoader.load(getClass().getClassLoader(), dir.resolve("modules")).stream()
                .filter(p -> p.name().equals("zeta")).findFirst().orElseThrow();
        assertThat(z.isLoaded()).isFalse();
        assertThat(z.loadFailure()).contains("zeta");
    }
}
