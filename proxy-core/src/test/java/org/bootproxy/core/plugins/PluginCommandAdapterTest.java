package org.bootproxy.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import net.sourceforge.argparse4j.ArgumentParsers;
import net.sourceforge.argparse4j.inf.ArgumentParser;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.bootproxy.spi.PluginCommand;
import org.bootproxy.spi.PluginConfig;
import org.junit.jupiter.api.Test;

class PluginCommandAdapterTest {

    /** A command with a positional argument of its own, as {@code dhcp-store verify|salvage}. */
    private static final class ActionCommand implements PluginCommand<PluginConfig> {
        @Override
        public String name() {
            return "thing";
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public void configure(Subparser subparser) {
            subparser.addArgument("action").choices("verify", "salvage");
        }

        @Override
        public void run(Namespace namespace, PluginConfig config, PrintStream out) {
        }
    }

    @Test
    void theCommandsPositionalArguments_comeBeforeTheConfigurationFile() throws Exception {
        ArgumentParser parser = ArgumentParsers.newFor("bootproxy").build();
        Subparser sub = parser.addSubparsers().addParser("thing");
        new PluginCommandAdapter<>(null, new ActionCommand()).configure(sub);
        Namespace ns = parser.parseArgs(new String[] {"thing", "verify", "/etc/bootproxy/bootproxy.yml"});
        assertThat(ns.getString("action")).isEqualTo("verify");
        assertThat(ns.getString("file")).isEqualTo("/etc/bootproxy/bootproxy.yml");
    }
}
