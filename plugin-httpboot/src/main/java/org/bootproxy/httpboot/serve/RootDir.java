package org.bootproxy.httpboot.serve;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.bootproxy.spi.files.ServedRoot;

/**
 * The configured {@code root_dir}, resolved into a {@link ServedRoot} as soon as it exists. On a
 * fresh install the TFTP plugin may create the shared root after httpboot started; until then
 * every request is answered 404 and the health check is unhealthy, instead of httpboot failing
 * for good. Once resolved it stays resolved (ServedRoot fixes the real path). Thread-safe.
 */
public final class RootDir {

    private final Path configured;
    private volatile ServedRoot served;

    public RootDir(Path configured) {
        this.configured = configured;
        resolve();
    }

    /** The served root, or empty while the directory does not exist. */
    public Optional<ServedRoot> served() {
        ServedRoot s = served;
        return s != null ? Optional.of(s) : Optional.ofNullable(resolve());
    }

    /** The path as configured. */
    public Path configured() {
        return configured;
    }

    private ServedRoot resolve() {
        try {
            served = ServedRoot.of(configured);
        } catch (IOException e) {
            // not there yet (or not a directory): the caller answers 404, the health check says why
        }
        return served;
    }
}
