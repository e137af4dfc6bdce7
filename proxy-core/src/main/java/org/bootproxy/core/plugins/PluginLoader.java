package org.bootproxy.core.plugins;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.bootproxy.spi.PluginConfig;
import org.bootproxy.spi.PluginSpi;
import org.bootproxy.spi.ProxyPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds plugins with {@link ServiceLoader}: on the core's class path, and under the modules
 * folder, where every sub-folder (its jars, recursively) and every loose {@code *.jar} gets a
 * class loader of its own whose parent is the core's, so a plugin sees the SPI and the core's
 * libraries but not another plugin.
 *
 * <p>A provider that cannot be instantiated or was compiled for another SPI version is kept as a
 * {@link LoadedPlugin#failed failed} entry naming its jar; two providers of one feature name stop
 * the start-up with an error naming both sources.
 */
public final class PluginLoader {

    private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);

    /** System property naming the modules folder; default {@code modules} in the working directory. */
    public static final String MODULES_PROPERTY = "bootproxy.modules";
    /** Environment variable naming the modules folder, when the property is unset. */
    public static final String MODULES_ENV = "BOOTPROXY_MODULES";

    private PluginLoader() {
    }

    /** The modules folder from the system property, the environment, or {@code ./modules}. */
    public static Path modulesDir() {
        String p = System.getProperty(MODULES_PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(MODULES_ENV);
        }
        return Path.of(p == null || p.isBlank() ? "modules" : p);
    }

    /** Loads every plugin on {@code parent}'s class path and under {@code modulesDir}. */
    public static List<LoadedPlugin> load(ClassLoader parent, Path modulesDir) {
        List<LoadedPlugin> found = new ArrayList<>();
        found.addAll(fromLoader(parent, null, "classpath"));
        for (Unit unit : units(modulesDir)) {
            URLClassLoader cl;
            try {
                List<URL> urls = new ArrayList<>();
                for (Path jar : unit.jars) {
                    urls.add(jar.toUri().toURL());
                }
                cl = new URLClassLoader("plugin:" + unit.name, urls.toArray(URL[]::new), parent);
            } catch (MalformedURLException e) {
                found.add(LoadedPlugin.failed(unit.name, unit.source, "cannot read " + unit.source + ": " + e));
                continue;
            }
            List<LoadedPlugin> inUnit = fromLoader(cl, unit, unit.source);
            if (inUnit.isEmpty()) {
                found.add(LoadedPlugin.failed(unit.name, unit.source, "no bootproxy plugin (META-INF/services/"
                        + ProxyPlugin.class.getName() + ") in " + unit.source));
            }
            found.addAll(inUnit);
        }
        Map<String, LoadedPlugin> byName = new LinkedHashMap<>();
        for (LoadedPlugin p : found) {
            LoadedPlugin other = byName.putIfAbsent(p.name(), p);
            if (other != null) {
                throw new PluginLoadException("Two plugins named '" + p.name() + "': " + other.source() + " and "
                        + p.source() + "; remove one of them");
            }
        }
        return List.copyOf(byName.values());
    }

    private static List<LoadedPlugin> fromLoader(ClassLoader cl, Unit unit, String unitSource) {
        List<LoadedPlugin> out = new ArrayList<>();
        ServiceLoader<?> sl = ServiceLoader.load(ProxyPlugin.class, cl);
        var it = sl.stream().iterator();
        while (true) {
            ServiceLoader.Provider<?> provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                String name = unit == null ? "unknown" : unit.name;
                out.add(LoadedPlugin.failed(name, unitSource, "cannot load plugin from " + unitSource + ": " + e));
                break;
            }
            Class<?> type;
            try {
                type = provider.type();
            } catch (ServiceConfigurationError | LinkageError e) {
                String name = unit == null ? "unknown" : unit.name;
                out.add(LoadedPlugin.failed(name, unitSource, "cannot load plugin from " + unitSource + ": " + e));
                continue;
            }
            // a unit's loader also sees the parent's providers: keep only its own
            if (type.getClassLoader() != cl) {
                continue;
            }
            String source = unit == null ? sourceOf(type) : unitSource;
            try {
                @SuppressWarnings("unchecked")
                ProxyPlugin<? extends PluginConfig> plugin = (ProxyPlugin<? extends PluginConfig>) provider.get();
                int spi = plugin.spiVersion();
                if (spi != PluginSpi.VERSION) {
                    String reason = "plugin '" + plugin.name() + "' in " + source + " was built for SPI version " + spi
                            + ", this bootproxy implements SPI version " + PluginSpi.VERSION;
                    out.add(LoadedPlugin.failed(plugin.name(), source, reason));
                    continue;
                }
                out.add(LoadedPlugin.loaded(plugin, source));
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                String name = unit == null ? type.getSimpleName() : unit.name;
                String reason = "cannot instantiate " + type.getName() + " from " + source + ": " + e;
                out.add(LoadedPlugin.failed(name, source, reason));
            }
        }
        return out;
    }

    private static String sourceOf(Class<?> type) {
        CodeSource cs = type.getProtectionDomain().getCodeSource();
        return cs == null || cs.getLocation() == null ? "classpath" : "classpath (" + cs.getLocation().getPath() + ")";
    }

    private record Unit(String name, String source, List<Path> jars) {
    }

    private static List<Unit> units(Path modulesDir) {
        if (!Files.isDirectory(modulesDir)) {
            LOG.debug("No modules folder at {}", modulesDir.toAbsolutePath());
            return List.of();
        }
        List<Unit> units = new ArrayList<>();
        try (Stream<Path> entries = Files.list(modulesDir)) {
            for (Path e : entries.sorted(Comparator.comparing(Path::toString)).toList()) {
                String fileName = e.getFileName().toString();
                if (fileName.startsWith(".")) {
                    continue;
                }
                if (Files.isDirectory(e)) {
                    List<Path> jars;
                    try (Stream<Path> walk = Files.walk(e)) {
                        jars = walk.filter(p -> p.toString().endsWith(".jar") && Files.isRegularFile(p))
                                .sorted().toList();
                    }
                    if (!jars.isEmpty()) {
                        units.add(new Unit(fileName, e.toString(), jars));
                    }
                } else if (fileName.endsWith(".jar")) {
                    units.add(new Unit(fileName.substring(0, fileName.length() - 4), e.toString(), List.of(e)));
                }
            }
        } catch (IOException ex) {
            throw new PluginLoadException("Cannot read modules folder " + modulesDir + ": " + ex.getMessage());
        }
        return units;
    }
}
