package org.bootproxy.core.plugins;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bootproxy.spi.PluginConfig;

/**
 * The {@code plugins:} section of the YAML, each sub-section bound to its plugin's configuration
 * type while Dropwizard parses the file. Binding errors therefore come out of Dropwizard's own
 * machinery with the full key path: an unknown key reads
 * {@code Unrecognized field at: plugins.tftp.rooot} with suggestions, and so does a section for a
 * plugin that is not installed.
 */
@JsonDeserialize(using = PluginSections.Deserializer.class)
public final class PluginSections {

    private final Map<String, PluginConfig> sections;

    PluginSections(Map<String, PluginConfig> sections) {
        this.sections = Collections.unmodifiableMap(sections);
    }

    public static PluginSections empty() {
        return new PluginSections(Map.of());
    }

    /** The bound section of a plugin, if the YAML has one. */
    public Optional<PluginConfig> section(String plugin) {
        return Optional.ofNullable(sections.get(plugin));
    }

    public Map<String, PluginConfig> asMap() {
        return sections;
    }

    /** Binds each section with the configuration class of the plugin of that name. */
    public static final class Deserializer extends JsonDeserializer<PluginSections> {

        @Override
        public PluginSections deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            PluginCatalog catalog = (PluginCatalog) ctxt.findInjectableValue(PluginCatalog.class.getName(), null, null);
            if (p.currentToken() != JsonToken.START_OBJECT) {
                return (PluginSections) ctxt.handleUnexpectedToken(PluginSections.class, p);
            }
            Map<String, PluginConfig> out = new LinkedHashMap<>();
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                p.nextToken();
                Class<? extends PluginConfig> type = catalog.configClass(name);
                if (type == null) {
                    List<Object> known = new ArrayList<>(catalog.names());
                    throw UnrecognizedPropertyException.from(p, PluginSections.class, name, known);
                }
                try {
                    PluginConfig c = p.currentToken() == JsonToken.VALUE_NULL
                            ? newInstance(type) : ctxt.readValue(p, type);
                    out.put(name, c);
                } catch (JsonMappingException e) {
                    throw JsonMappingException.wrapWithPath(e, PluginSections.class, name);
                }
            }
            return new PluginSections(out);
        }
    }

    /** A plugin configuration with every default, for a plugin without a section. */
    public static PluginConfig newInstance(Class<? extends PluginConfig> type) {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName() + " needs a public no-argument constructor", e);
        }
    }

    /** What the deserializer needs to know about the installed plugins. */
    public interface PluginCatalog {
        /** The configuration class of the plugin named {@code name}, or null when there is none. */
        Class<? extends PluginConfig> configClass(String name);

        /** Names of the installed plugins. */
        List<String> names();
    }
}
