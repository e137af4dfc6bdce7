package org.bootproxy.tftp.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The options of a request or OACK (RFC 2347), in the order they were sent, names as sent.
 * Lookups are case-insensitive; when a name repeats, the first occurrence counts.
 */
public record Options(List<Option> list) {

    /** No options. */
    public static final Options NONE = new Options(List.of());

    /** One option: a non-empty name and a value, neither containing NUL. */
    public record Option(String name, String value) {
        public Option {
            if (name == null || name.isEmpty() || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("option name '" + name + "' is empty or contains NUL");
            }
            if (value == null || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("option " + name + " has no value or a NUL in it");
            }
        }
    }

    public Options {
        list = List.copyOf(list);
    }

    public static Options of(String... nameValuePairs) {
        if (nameValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("options come in name/value pairs");
        }
        List<Option> l = new ArrayList<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            l.add(new Option(nameValuePairs[i], nameValuePairs[i + 1]));
        }
        return new Options(l);
    }

    /** The value of the first option with this name (case-insensitive). */
    public Optional<String> get(String name) {
        for (Option o : list) {
            if (o.name().equalsIgnoreCase(name)) {
                return Optional.of(o.value());
            }
        }
        return Optional.empty();
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public int size() {
        return list.size();
    }

    /** {@code name=value name=value}, names in lower case, for logs. */
    @Override
    public String toString() {
        if (list.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (Option o : list) {
            parts.add(o.name().toLowerCase(Locale.ROOT) + "=" + o.value());
        }
        return String.join(" ", Collections.unmodifiableList(parts));
    }
}
