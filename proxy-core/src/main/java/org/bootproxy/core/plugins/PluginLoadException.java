package org.bootproxy.core.plugins;

/** A start-up error in plugin discovery that stops the proxy (e.g. two plugins with one name). */
public final class PluginLoadException extends RuntimeException {
    public PluginLoadException(String message) {
        super(message);
    }
}
