package org.bootproxy.dhcp.provider;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.validation.BaseValidator;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validator;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.bootproxy.dhcp.backend.DhcpBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The installed {@link DhcpProvider}s, found once with {@link ServiceLoader} in the dhcp plugin's
 * class loader (so jars in {@code modules/dhcp/} count), and the binding of their settings
 * sections. Thread-safe; immutable.
 */
public final class DhcpProviders {

    private static final Logger LOG = LoggerFactory.getLogger(DhcpProviders.class);

    /** Binds settings sections: Dropwizard's modules, unknown keys refused. */
    private static final ObjectMapper MAPPER = Jackson.newObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static volatile DhcpProviders installed;

    private final Map<String, DhcpProvider<?>> byName;

    private DhcpProviders(List<DhcpProvider<?>> providers) {
        Map<String, DhcpProvider<?>> m = new LinkedHashMap<>();
        for (DhcpProvider<?> p : providers) {
            DhcpProvider<?> old = m.putIfAbsent(p.name(), p);
            if (old != null) {
                throw new IllegalStateException("two DHCP providers named '" + p.name() + "': "
                        + old.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        this.byName = Map.copyOf(m);
    }

    /** These providers (for tests). */
    public static DhcpProviders of(List<DhcpProvider<?>> providers) {
        return new DhcpProviders(providers);
    }

    /** The providers on the dhcp plugin's class path and in {@code modules/dhcp/}, found once. */
    public static DhcpProviders installed() {
        DhcpProviders p = installed;
        if (p == null) {
            synchronized (DhcpProviders.class) {
                p = installed;
                if (p == null) {
                    p = new DhcpProviders(load(DhcpProviders.class.getClassLoader()));
                    installed = p;
                }
            }
        }
        return p;
    }

    @SuppressWarnings("rawtypes")
    private static List<DhcpProvider<?>> load(ClassLoader cl) {
        List<DhcpProvider<?>> out = new ArrayList<>();
        var it = ServiceLoader.load(DhcpProvider.class, cl).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                DhcpProvider<?> p = it.next();
                out.add(p);
            } catch (ServiceConfigurationError e) {
                LOG.warn("dhcp: a DHCP provider could not be loaded: {}", e.getMessage());
            }
        }
        out.sort(Comparator.comparing(DhcpProvider::name));
        return out;
    }

    /** The provider names, sorted. */
    public List<String> names() {
        return new ArrayList<>(new TreeSet<>(byName.keySet()));
    }

    /**
     * The provider named {@code name}.
     *
     * @throws IllegalArgumentException naming the providers found when there is none of that name
     */
    public DhcpProvider<?> find(String name) {
        DhcpProvider<?> p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("plugins.dhcp.provider: unknown provider '" + name
                    + "' (providers found: " + String.join(", ", names()) + ")");
        }
        return p;
    }

    /**
     * Binds the section {@code plugins.dhcp.<name>} (null or absent: {@code {}}) to the provider's
     * settings type. Called while the configuration is read, so a bad key fails the load.
     *
     * @throws UnrecognizedPropertyException for a section whose name is no provider, or an
     *         unknown key in it (its path is completed by the caller's Jackson context)
     * @throws JsonMappingException for a value of the wrong type
     */
    public Object bind(String name, JsonNode section) throws IOException {
        DhcpProvider<?> p = byName.get(name);
        if (p == null) {
            throw new UnrecognizedPropertyException(null, "Unrecognized field at: plugins.dhcp." + name
                    + " (neither a setting nor a DHCP provider; providers found: " + String.join(", ", names()) + ")",
                    null, DhcpProviders.class, name, new ArrayList<>(names()));
        }
        JsonNode node = section == null || section.isNull() ? JsonNodeFactory.instance.objectNode() : section;
        try {
            return MAPPER.treeToValue(node, p.settingsType());
        } catch (UnrecognizedPropertyException e) {
            // Jackson's any-setter wraps what it throws, so the path is spelled out here
            StringBuilder path = new StringBuilder("plugins.dhcp.").append(name);
            e.getPath().forEach(r -> path.append(r.getFieldName() != null ? "." + r.getFieldName()
                    : "[" + r.getIndex() + "]"));
            List<String> known = e.getKnownPropertyIds() == null ? List.of()
                    : e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            throw new UnrecognizedPropertyException(null, "Unrecognized field at: " + path + " (known keys: "
                    + (known.isEmpty() ? "none" : String.join(", ", known)) + ")", null, p.settingsType(),
                    e.getPropertyName(), e.getKnownPropertyIds());
        }
    }

    /**
     * Opens the backend of provider {@code name} with its bound settings ({@code null}: bound from
     * {@code {}}), after Bean Validation of them.
     *
     * @throws IllegalArgumentException for an unknown provider or settings that violate a
     *         constraint, naming the YAML path
     */
    public DhcpBackend open(String name, Object settings, ProviderContext context) throws IOException {
        DhcpProvider<?> p = find(name);
        Object s = settings == null ? bind(name, null) : settings;
        validate(name, s);
        return openTyped(p, s, context);
    }

    /** The problems {@link DhcpProvider#check} finds for these settings (validated first, as {@link #open} does). */
    public List<String> check(String name, Object settings, ProviderContext context) throws IOException {
        DhcpProvider<?> p = find(name);
        Object s = settings == null ? bind(name, null) : settings;
        validate(name, s);
        return checkTyped(p, s, context);
    }

    private static <S> List<String> checkTyped(DhcpProvider<S> p, Object settings, ProviderContext context) {
        return p.check(context, p.settingsType().cast(settings));
    }

    private static <S> DhcpBackend openTyped(DhcpProvider<S> p, Object settings, ProviderContext context)
            throws IOException {
        return p.open(context, p.settingsType().cast(settings));
    }

    private static volatile Validator validator;

    private static void validate(String name, Object settings) {
        Validator v = validator;
        if (v == null) {
            v = BaseValidator.newValidator();
            validator = v;
        }
        Set<ConstraintViolation<Object>> violations = v.validate(settings);
        if (violations.isEmpty()) {
            return;
        }
        List<String> msgs = new ArrayList<>();
        for (ConstraintViolation<Object> cv : violations) {
            msgs.add("plugins.dhcp." + name + "." + yamlPath(settings.getClass(), cv.getPropertyPath()) + " "
                    + cv.getMessage());
        }
        msgs.sort(null);
        throw new IllegalArgumentException(String.join("; ", msgs));
    }

    /** The property path with each field's {@code @JsonProperty} name. */
    private static String yamlPath(Class<?> type, Path path) {
        StringBuilder sb = new StringBuilder();
        Class<?> t = type;
        for (Path.Node n : path) {
            if (n.getName() == null) {
                continue;
            }
            String name = n.getName();
            Field f = t == null ? null : field(t, name);
            if (f != null) {
                JsonProperty jp = f.getAnnotation(JsonProperty.class);
                if (jp != null && !jp.value().isEmpty()) {
                    name = jp.value();
                }
                t = f.getType();
            } else {
                t = null;
            }
            if (!sb.isEmpty()) {
                sb.append('.');
            }
            sb.append(name);
            if (n.getIndex() != null) {
                sb.append('[').append(n.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static Field field(Class<?> t, String name) {
        for (Class<?> c = t; c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                return c.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        return null;
    }
}
