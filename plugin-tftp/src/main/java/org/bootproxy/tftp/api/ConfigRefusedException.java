package org.bootproxy.tftp.api;

/**
 * A boot config that cannot be written or removed where it belongs: a path that would cross a
 * symbolic link, a directory where a file must go, a file where a directory must be. The API
 * answers 400 with the message, which names the path relative to the TFTP root; nothing stored has
 * changed when it is thrown before any write.
 */
public final class ConfigRefusedException extends Exception {

    public ConfigRefusedException(String message) {
        super(message);
    }
}
