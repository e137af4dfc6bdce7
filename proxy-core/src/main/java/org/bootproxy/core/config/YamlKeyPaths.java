package org.bootproxy.core.config;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Turns Bean Validation property paths, which name Java fields ({@code maxBlksize},
 * {@code subnets[0].leaseTime}), into the YAML keys an operator wrote ({@code max_blksize},
 * {@code subnets[0].lease_time}), using the same Jackson introspection that bound the file, so
 * {@code @JsonProperty} names and naming strategies are honoured. A segment Jackson does not know
 * (a {@code @ValidationMethod} getter, say) is kept as it is. Stateless and thread-safe.
 */
public final class YamlKeyPaths {

    private final ObjectMapper mapper;

    public YamlKeyPaths(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The YAML key path of {@code path} within an object of type {@code root}. */
    public String of(Class<?> root, Path path) {
        StringBuilder out = new StringBuilder();
        JavaType type = mapper.constructType(root);
        for (Path.Node node : path) {
            if (node.isInIterable()) {
                // the index or key belongs to the container property named just before this node
                out.append('[').append(node.getIndex() != null ? node.getIndex() : node.getKey()).append(']');
                type = type == null ? null : type.getContentType();
            }
            String name = node.getName();
            if (name == null) {
                continue;
            }
            JavaType next = null;
            String yamlName = name;
            if (type != null && !type.isContainerType() && !type.isPrimitive()) {
                BeanDescription desc = mapper.getDeserializationConfig().introspect(type);
                for (BeanPropertyDefinition p : desc.findProperties()) {
                    if (p.getInternalName().equals(name)) {
                        yamlName = p.getName();
                        next = p.getPrimaryType();
                        break;
                    }
                }
            }
            if (out.length() > 0) {
                out.append('.');
            }
            out.append(yamlName);
            type = next;
        }
        return out.toString();
    }

    /**
     * One line per violation, sorted: {@code <prefix><yaml path> <message> (value: <value>)}. The
     * value is left out for nested objects, whose own keys are reported instead.
     */
    public <T> List<String> describe(String prefix, Class<?> root, Set<ConstraintViolation<T>> violations) {
        List<String> lines = new ArrayList<>();
        for (ConstraintViolation<T> v : violations) {
            String key = of(root, v.getPropertyPath());
            Object value = v.getInvalidValue();
            String shown = value == null ? "null"
                    : value instanceof CharSequence || value instanceof Number
                    || value instanceof Enum<?> || value instanceof java.nio.file.Path
                    || value instanceof io.dropwizard.util.Duration || value instanceof io.dropwizard.util.DataSize
                    || value instanceof java.util.Collection<?> ? String.valueOf(value) : null;
            lines.add(prefix + key + " " + v.getMessage() + (shown == null ? "" : " (value: " + shown + ")"));
        }
        lines.sort(Comparator.naturalOrder());
        return lines;
    }
}
