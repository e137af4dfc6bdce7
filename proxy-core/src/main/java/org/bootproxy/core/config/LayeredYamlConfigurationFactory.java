package org.bootproxy.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code bootproxy.yml} and then every {@code conf.d/*.yml} next to it, in name order, and
 * binds the merged tree, as smart-proxy reads {@code settings.d/}: an installer drops
 * {@code tftp.yml} beside the packaged file instead of editing it.
 *
 * <p>Merging: a mapping in a later file is merged key by key into the mapping at the same key
 * path; anything else (a scalar, a list, {@code null}) set in a later file replaces what was
 * there. Every file goes through the bootstrap's {@link ConfigurationSourceProvider}, so
 * {@code ${ENV}} substitution works in each. An empty file adds nothing; a file whose top level
 * is not a mapping is an error naming it.
 *
 * <p>Validation errors name YAML keys ({@code plugins.tftp.max_blksize}), not Java fields, with
 * the refused value (see {@link YamlKeyPaths}). The files read are handed to the configuration
 * when it implements {@link Layered}, so the start log can list them.
 *
 * @param <T> the configuration type
 */
public final class LayeredYamlConfigurationFactory<T> extends YamlConfigurationFactory<T> {

    /** The directory of overlays, relative to the main file's directory. */
    public static final String OVERLAY_DIR = "conf.d";

    /** A configuration that wants to know which files it was read from. */
    public interface Layered {
        void configurationFiles(List<String> files);
    }

    /** Configuration errors with the file and one line per problem. */
    public static final class LayeredConfigurationException extends ConfigurationException {
        private static final long serialVersionUID = 1L;

        public LayeredConfigurationException(String path, List<String> errors) {
            super(path, errors);
        }
    }

    private final Class<T> klass;
    private final Validator validator;
    private final YamlKeyPaths keyPaths;
    private final ObjectMapper treeMapper = new ObjectMapper(new YAMLFactory());

    public LayeredYamlConfigurationFactory(Class<T> klass, Validator validator, ObjectMapper mapper, String prefix) {
        // the base class validates with Java names; this class validates after binding, with YAML names
        super(klass, null, mapper, prefix);
        this.klass = klass;
        this.validator = validator;
        this.keyPaths = new YamlKeyPaths(mapper);
    }

    /** The overlay files of {@code mainFile}, in the order they are applied (none when there is no {@code conf.d}). */
    public static List<Path> overlays(Path mainFile) throws IOException {
        Path parent = mainFile.toAbsolutePath().getParent();
        Path dir = parent == null ? Path.of(OVERLAY_DIR) : parent.resolve(OVERLAY_DIR);
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.yml")) {
            for (Path p : ds) {
                if (!Files.isDirectory(p)) {
                    files.add(p);
                }
            }
        } catch (NoSuchFileException e) {
            return files;
        }
        // byte order of the names, as run-parts and systemd order drop-ins
        files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return files;
    }

    @Override
    public T build(ConfigurationSourceProvider provider, String path) throws IOException, ConfigurationException {
        JsonNode root = read(provider, path);
        if (root == null) {
            throw new LayeredConfigurationException(path, List.of("Configuration at " + path + " must not be empty"));
        }
        if (!root.isObject()) {
            throw new LayeredConfigurationException(path, List.of("the top level must be a mapping of keys"));
        }
        List<String> files = new ArrayList<>(List.of(path));
        String label = path;
        for (Path overlay : overlays(Path.of(path))) {
            JsonNode layer = read(provider, overlay.toString());
            if (layer == null) {
                files.add(overlay.toString());
                continue;
            }
            if (!layer.isObject()) {
                throw new LayeredConfigurationException(overlay.toString(),
                        List.of("the top level must be a mapping of keys"));
            }
            merge((ObjectNode) root, (ObjectNode) layer);
            files.add(overlay.toString());
        }
        if (files.size() > 1) {
            label = path + " with " + String.join(", ", files.subList(1, files.size()));
        }
        T config = build(root, label);
        List<String> errors = validate(config);
        if (!errors.isEmpty()) {
            throw new LayeredConfigurationException(label, errors);
        }
        if (config instanceof Layered l) {
            l.configurationFiles(List.copyOf(files));
        }
        return config;
    }

    /** The validation errors of {@code config}, one line per problem naming the YAML key and value. */
    public List<String> validate(T config) {
        if (validator == null) {
            return List.of();
        }
        Set<ConstraintViolation<T>> violations = validator.validate(config);
        return keyPaths.describe("", klass, violations);
    }

    private JsonNode read(ConfigurationSourceProvider provider, String file) throws IOException, ConfigurationException {
        try (InputStream in = provider.open(file)) {
            JsonNode node = treeMapper.readTree(in);
            return node == null || node.isMissingNode() || node.isNull() ? null : node;
        } catch (JsonParseException e) {
            JsonLocation loc = e.getLocation();
            throw new LayeredConfigurationException(file, List.of("Malformed YAML"
                    + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr()) + ": "
                    + e.getOriginalMessage()));
        }
    }

    /** Merges {@code overlay} into {@code base}: mappings key by key, everything else replaced. */
    static void merge(ObjectNode base, ObjectNode overlay) {
        for (Iterator<Map.Entry<String, JsonNode>> it = overlay.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = base.get(e.getKey());
            if (existing instanceof ObjectNode eo && e.getValue() instanceof ObjectNode oo) {
                merge(eo, oo);
            } else {
                base.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }
}
