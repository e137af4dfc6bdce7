package org.bootproxy.spi.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request parameters with the semantics of Rack (the Ruby stack Foreman's smart-proxy runs on),
 * parsed from a query string and/or a form body:
 * <ul>
 *   <li>{@code k=v}: a string; a repeated plain key keeps the last value, as Rack does;</li>
 *   <li>{@code k[]=a&k[]=b}: a list; a bare {@code k[]} (no {@code =}) or {@code k[]=} adds an
 *       empty string;</li>
 *   <li>{@code k[sub]=v}: a nested map ({@code ztp_firmware[core]=x}); nesting may repeat up to
 *       {@value #MAX_DEPTH} levels (Rack 3's {@code param_depth_limit}); deeper is a
 *       {@link MalformedParamsException};</li>
 *   <li>a bare {@code k} without {@code =}: an empty value.</li>
 * </ul>
 * Body parameters override query parameters of the same name, and route parameters override both
 * ({@link #withRoute}). Immutable.
 */
public final class RackParams {

    /** Deepest nesting of a key ({@code a[b][c]} is 2), as Rack 3 allows. */
    public static final int MAX_DEPTH = 32;

    /** Parameters that Rack would refuse too; a client's mistake (400), naming the key. */
    public static final class MalformedParamsException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public MalformedParamsException(String message) {
            super(message);
        }
    }

    private final Map<String, Object> values;

    private RackParams(Map<String, Object> values) {
        this.values = values;
    }

    /**
     * Parses a query string (may be null or empty) and then a form body (may be null or empty).
     *
     * @throws MalformedParamsException when a key is nested deeper than {@value #MAX_DEPTH} levels
     */
    public static RackParams parse(String query, String body) {
        Map<String, Object> m = new LinkedHashMap<>();
        addAll(m, query);
        addAll(m, body);
        return new RackParams(m);
    }

    /** A copy where {@code name} is set to {@code value}, as a route parameter overrides the rest. */
    public RackParams withRoute(String name, String value) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put(name, value);
        return new RackParams(m);
    }

    /** A plain string parameter, or null when absent or not a string. */
    public String string(String name) {
        Object v = values.get(name);
        return v instanceof String s ? s : null;
    }

    /** A non-blank string parameter, or null. */
    public String nonBlank(String name) {
        String s = string(name);
        return s == null || s.isBlank() ? null : s;
    }

    /** A list parameter ({@code name[]}); empty when absent. Empty strings are kept. */
    @SuppressWarnings("unchecked")
    public List<String> list(String name) {
        Object v = values.get(name);
        if (v instanceof List<?> l) {
            return Collections.unmodifiableList((List<String>) l);
        }
        return List.of();
    }

    /** A nested map parameter ({@code name[key]}); empty when absent. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String name) {
        Object v = values.get(name);
        if (v instanceof Map<?, ?> m) {
            return Collections.unmodifiableMap((Map<String, Object>) m);
        }
        return Map.of();
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** Every parameter: String, List of String, or nested Map values. */
    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(values);
    }

    private static void addAll(Map<String, Object> m, String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return;
        }
        for (String pair : encoded.split("[&;]")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (key.isEmpty()) {
                continue;
            }
            put(m, key, value);
        }
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> m, String key, String value) {
        // a loop, not recursion: a key may be sent nested 50,000 levels deep
        Map<String, Object> target = m;
        String k = key;
        for (int depth = 0; ; depth++) {
            int bracket = k.indexOf('[');
            if (bracket <= 0) {
                target.put(k, value);
                return;
            }
            if (depth == MAX_DEPTH) {
                String shown = key.length() > 40 ? key.substring(0, 40) + "..." : key;
                throw new MalformedParamsException("Parameter " + shown + " (" + key.length()
                        + " characters) is nested deeper than " + MAX_DEPTH + " levels");
            }
            String head = k.substring(0, bracket);
            String rest = k.substring(bracket);
            if (rest.equals("[]")) {
                Object existing = target.get(head);
                List<String> list;
                if (existing instanceof List<?> l) {
                    list = (List<String>) l;
                } else {
                    list = new ArrayList<>();
                    target.put(head, list);
                }
                list.add(value);
                return;
            }
            int close = rest.indexOf(']');
            if (close < 0) {
                target.put(k, value); // not Rack syntax: keep it verbatim
                return;
            }
            Object existing = target.get(head);
            Map<String, Object> nested;
            if (existing instanceof Map<?, ?> em) {
                nested = (Map<String, Object>) em;
            } else {
                nested = new LinkedHashMap<>();
                target.put(head, nested);
            }
            target = nested;
            k = rest.substring(1, close) + rest.substring(close + 1);
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a stray '%': keep the text as sent rather than fail the request
        }
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
