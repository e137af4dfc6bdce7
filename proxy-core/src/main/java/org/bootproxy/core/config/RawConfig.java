package org.bootproxy.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dropwizard.core.setup.Bootstrap;
import java.io.IOException;
import java.io.InputStream;

/**
 * The main configuration file as a YAML tree, for commands that only need a few top-level keys
 * ({@code certs}, {@code register}) and must work before the configuration is complete. Read
 * through the bootstrap's source provider, so {@code ${ENV}} substitution applies.
 */
public final class RawConfig {

    private RawConfig() {
    }

    /** The tree of {@code file}, or null when {@code file} is null. */
    public static JsonNode read(Bootstrap<?> bootstrap, String file) throws IOException {
        if (file == null) {
            return null;
        }
        try (InputStream in = bootstrap.getConfigurationSourceProvider().open(file)) {
            return new YAMLMapper().readTree(in);
        }
    }
}
