package org.bootproxy.httpboot;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotEmpty;
import java.nio.file.Path;
import java.util.List;
import org.bootproxy.httpboot.api.AccessLog;
import org.bootproxy.httpboot.api.FileEndpoint;
import org.bootproxy.httpboot.api.HttpBootMetrics;
import org.bootproxy.httpboot.api.BootFileResource;
import org.bootproxy.httpboot.jetty.HttpBootHandler;
import org.bootproxy.httpboot.serve.FileService;
import org.bootproxy.httpboot.serve.MappedFiles;
import org.bootproxy.httpboot.serve.RootDir;
import org.bootproxy.spi.PluginConfig;
import org.bootproxy.spi.PluginContext;

/**
 * {@code plugins.httpboot} in the YAML.
 *
 * <pre>
 * plugins:
 *   httpboot:
 *     enabled: true          # true | false | http | https
 *     root_dir: /var/lib/tftpboot
 * </pre>
 */
public final class HttpBootConfig extends PluginConfig {

    /** The TFTP root of every shipped configuration. */
    public static final String DEFAULT_ROOT_DIR = "/var/lib/tftpboot";

    /** Most boot files kept memory-mapped at once. */
    static final int MAPPED_FILES = 64;
    /** Most bytes kept memory-mapped at once (address space; resident pages are page cache). */
    static final long MAPPED_BYTES = 4L << 30;

    @NotEmpty
    private String rootDir = DEFAULT_ROOT_DIR;

    /** The directory served under {@code /httpboot} and {@code /EFI}. */
    @JsonProperty("root_dir")
    public String getRootDir() {
        return rootDir;
    }

    @JsonProperty("root_dir")
    public void setRootDir(String rootDir) {
        this.rootDir = rootDir;
    }

    /**
     * Builds the running plugin. A {@code root_dir} that does not exist yet is not an error (the
     * TFTP plugin may create it later): requests get 404 and the health check says why.
     */
    public RunningHttpBoot build(PluginContext context) {
        RootDir root = new RootDir(Path.of(rootDir));
        FileService files = new FileService(root, new MappedFiles(MAPPED_FILES, MAPPED_BYTES));
        AccessLog access = new AccessLog(new HttpBootMetrics(context.metrics(), context.pluginName()));
        FileEndpoint endpoint = new FileEndpoint(files, access);
        HttpBootHandler fastPath = new HttpBootHandler(files, access, context.listeners().onHttp(),
                context.listeners().onHttps());
        return new RunningHttpBoot(root, context.listeners(),
                List.of(new BootFileResource(endpoint)), fastPath, access);
    }
}
