package org.bootproxy.dhcp.server;

import ch.qos.logback.classic.Level;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.bootproxy.dhcp.DhcpConfig;
import org.bootproxy.dhcp.backend.DhcpBackend;
import org.bootproxy.dhcp.backend.DhcpBackends;
import org.bootproxy.dhcp.backend.LeaseStore;
import org.bootproxy.dhcp.boot.BootRules;
import org.bootproxy.dhcp.model.Reservation;
import org.bootproxy.dhcp.model.Subnet;
import org.bootproxy.spi.Listeners;
import org.bootproxy.spi.net.Ipv4Address;
import org.bootproxy.spi.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the embedded DHCP server alone, on the real embedded store, for live tests and the
 * benchmark: {@code LiveServerMain <dhcp.yml> [mac,ip,filename,nextServer ...]}. The YAML is a
 * {@code plugins.dhcp} section; each extra argument adds a reservation first ({@code -} for an
 * absent filename / nextServer). Prints {@code READY} when bound; runs until killed. The HTTP
 * port used by the boot rules is 8000.
 */
public final class LiveServerMain {

    private LiveServerMain() {
    }

    public static void main(String[] args) throws Exception {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.valueOf(System.getProperty("bootproxy.log", "INFO")));
        // the server's per-packet lines (drops, offers) at DEBUG, so live tests can see them
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.bootproxy.dhcp.server"))
                .setLevel(Level.valueOf(System.getProperty("bootproxy.dhcp.log", "DEBUG")));
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        DhcpConfig config = yaml.readValue(Path.of(args[0]).toFile(), DhcpConfig.class);
        List<Subnet> subnets = Subnet.fromConfig(config.getSubnets());
        DhcpBackend backend = DhcpBackends.create(config, subnets, InstantSource.system());
        for (int i = 1; i < args.length; i++) {
            String[] f = args[i].split(",", -1);
            Ipv4Address ip = Ipv4Address.parse(f[1]);
            Subnet subnet = subnets.stream().filter(s -> s.network().contains(ip)).findFirst().orElseThrow();
            backend.addReservation(new Reservation("host" + i, "host" + i + ".example.com", ip, MacAddress.parse(f[0]),
                    subnet.network(), "-".equals(f[2]) ? null : f[2], "-".equals(f[3]) ? null : f[3], List.of(), null, true));
        }
        Listeners listeners = new Listeners(8000, null, "*", true, false);
        DhcpServer server = new DhcpServer(config, (LeaseStore) backend, BootRules.from(config.getBoot(), listeners),
                listeners, new MetricRegistry());
        server.start();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            backend.close();
            done.countDown();
        }));
        System.out.println("READY " + server.boundAddresses());
        System.out.flush();
        done.await();
    }
}
