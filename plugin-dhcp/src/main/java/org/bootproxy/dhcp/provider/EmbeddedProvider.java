package org.bootproxy.dhcp.provider;

import java.io.IOException;
import org.bootproxy.dhcp.backend.DhcpBackend;
import org.bootproxy.dhcp.backend.embedded.EmbeddedBackend;

/**
 * {@code embedded}: the built-in DHCP server's own store in {@code state_dir}
 * ({@link EmbeddedBackend}). Its section {@code plugins.dhcp.embedded} has no keys yet.
 */
public final class EmbeddedProvider implements DhcpProvider<EmbeddedProvider.Settings> {

    /** {@code plugins.dhcp.embedded}: empty; every embedded setting is in {@code plugins.dhcp}. */
    public static final class Settings {
    }

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    /** {@code state_dir}: a directory (or one that can be created) that is no symbolic link and is writable. */
    @Override
    public java.util.List<String> check(ProviderContext context, Settings settings) {
        return org.bootproxy.spi.Checks.creatableDirectory("state_dir", context.stateDir(), true).stream().toList();
    }

    @Override
    public DhcpBackend open(ProviderContext context, Settings settings) throws IOException {
        return EmbeddedBackend.open(context.stateDir(), context.subnets(), context.clock());
    }

    @Override
    public boolean runsEmbeddedServer() {
        return true;
    }
}
