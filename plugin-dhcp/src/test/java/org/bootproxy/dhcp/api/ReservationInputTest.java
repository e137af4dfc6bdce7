package org.bootproxy.dhcp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.ws.rs.WebApplicationException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What POST /dhcp/<network> refuses before any backend sees it: boot file names a DHCP server
 * configuration cannot carry as data, host names that are not DNS names of labels up to 63
 * characters, next servers that fit no sname field. 400, naming the value. (The backend here is
 * down: a value that passes validation reaches it and is a 503.)
 */
class ReservationInputTest {

    private final DhcpResource resource = new DhcpResource(new DhcpResourceBackendDownTest.DownBackend(),
            new UnusedIpFinder(new AddressProbe.None(), InstantSource.system(), new Random(1)), InstantSource.system());

    private int status(String field, String value, StringBuilder message) {
        String body = "hostname=h1.example.com&mac=aa%3Abb%3Acc%3Add%3Aee%3Aff&ip=192.0.2.10&" + field + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8);
        WebApplicationException e = catchThrowableOfType(WebApplicationException.class,
                () -> resource.create("192.0.2.0", null, body));
        message.append(e.getResponse().getEntity());
        return e.getResponse().getStatus();
    }

    @Test
    void hostileBootFileNames_are400NamingTheValue() {
        for (String bad : new String[] {"pxelinux.0,,198.51.100.66 #", "a\"b", "grub2/grub x64.efi", "a\\b",
                "x".repeat(128), "é.efi"}) {
            StringBuilder m = new StringBuilder();
            assertThat(status("filename", bad, m)).as(bad).isEqualTo(400);
            assertThat(m.toString()).as(bad).startsWith("Invalid filename").contains(bad.substring(0, 3));
        }
    }

    @Test
    void hostNamesThatAreNotDnsNames_are400NamingTheValue() {
        for (String field : new String[] {"hostname", "name"}) {
            for (String bad : new String[] {"a".repeat(64) + ".example.com", "%61%62", "h1 .example.com",
                    "-h1.example.com", "h1,x", "a".repeat(255)}) {
                StringBuilder m = new StringBuilder();
                assertThat(status(field, bad, m)).as(field + "=" + bad).isEqualTo(400);
                assertThat(m.toString()).as(bad).startsWith("Invalid " + field).contains(bad.substring(0, 3));
            }
        }
        StringBuilder m = new StringBuilder();
        assertThat(status("nextServer", "t".repeat(64), m)).isEqualTo(400);
        assertThat(m.toString()).startsWith("Invalid nextServer");
    }

    @Test
    void whatForemanSends_passesValidation() {
        for (String[] ok : new String[][] {{"filename", "grub2/grubx64.efi"}, {"filename", "pxelinux.0"},
                {"filename", "host-config/aa-bb-cc-dd-ee-ff/grub2/shimx64.efi"},
                {"filename", "http://foreman.example.com:8000/httpboot/grub2/grubx64.efi"},
                {"filename", "http://foreman.example.com/unattended/iPXE?bootstrap=1&mac=aa%3Abb"},
                {"hostname", "h1.example.com"}, {"name", "h1.example.com"}, {"nextServer", "tftp.example.com"},
                {"nextServer", "192.0.2.1"}}) {
            assertThat(status(ok[0], ok[1], new StringBuilder())).as(ok[1]).isEqualTo(503);
        }
    }
}
