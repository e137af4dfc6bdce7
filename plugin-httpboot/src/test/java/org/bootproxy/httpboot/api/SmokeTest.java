package org.bootproxy.httpboot.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.bootproxy.httpboot.RawHttp;
import org.bootproxy.httpboot.StandInApp;
import org.bootproxy.httpboot.TestTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DropwizardExtensionsSupport.class)
class SmokeTest {
    static final TestTree TREE = new TestTree();
    static final DropwizardAppExtension<StandInApp.Config> APP = new DropwizardAppExtension<>(StandInApp.class,
            ResourceHelpers.resourceFilePath("standin.yml"), ConfigOverride.config("httpboot.root_dir", TREE.root.toString()));

    @Test
    void smoke() throws Exception {
        int port = APP.getLocalPort();
        for (String t : new String[] {"/EFI/BOOT/BOOTX64.EFI", "/httpboot/big.img", "/httpboot/grub2/", "/httpboot/nope", "/httpboot/../x", "/httpboot/a/../grub2/grub.cfg", "/httpboot", "/httpboot/", "/httpboot/%2e%2e/canary.txt"}) {
            RawHttp.Reply r = RawHttp.get(port, t);
            System.out.println(t + " -> " + r.status() + " " + r.headers() + " len=" + r.body().length + " " + (r.body().length < 200 ? r.text() : ""));
        }
        try (RawHttp h = new RawHttp(port, 3000)) {
            RawHttp.Reply a = h.exchange("HEAD /httpboot/big.img HTTP/1.1\r\nHost: x\r\n\r\n", true);
            System.out.println("HEAD -> " + a.status() + " " + a.headers());
            RawHttp.Reply b = h.exchange("GET /httpboot/big.img HTTP/1.1\r\nHost: x\r\nRange: bytes=10-19\r\n\r\n", false);
            System.out.println("GET range -> " + b.status() + " " + b.headers() + " " + b.body().length);
            RawHttp.Reply c = h.exchange("GET /httpboot/big.img HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + b.header("etag") + "\r\n\r\n", false);
            System.out.println("GET inm -> " + c.status() + " " + c.headers() + " " + c.body().length);
            RawHttp.Reply d = h.exchange("GET /httpboot/big.img HTTP/1.1\r\nHost: x\r\nRange: bytes=99999999-\r\n\r\n", false);
            System.out.println("GET 416 -> " + d.status() + " " + d.headers() + " " + d.text());
        }
        assertThat(port).isPositive();
    }
}
