package org.bootproxy.httpboot.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.bootproxy.core.BootproxyConfiguration;
import org.bootproxy.httpboot.Attacks;
import org.bootproxy.httpboot.RawHttp;
import org.bootproxy.httpboot.TestTree;
import org.bootproxy.httpboot.serve.FileService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Path traversal and encoding tricks, sent as raw request lines so no client normalizes them,
 * against a full bootproxy. A canary file sits next to the root (and in a sibling directory whose
 * name starts with the root's); no answer may contain it or any system file, and each attack is
 * refused by Jetty (400) or httpboot (403/404).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class TraversalAttackTest {

    static final TestTree TREE = new TestTree();
    static final DropwizardAppExtension<BootproxyConfiguration> APP = TREE.app();

    @AfterAll
    static void cleanUp() throws Exception {
        TREE.delete();
    }

    static Stream<String> attacks() {
        return Attacks.traversal(TREE.base).stream();
    }

    @ParameterizedTest
    @MethodSource("attacks")
    void attack_isRefusedAndNeverLeaksOutsideTheRoot(String target) throws Exception {
        RawHttp.Reply r = RawHttp.get(APP.getLocalPort(), target);

        String body = new String(r.body(), StandardCharsets.ISO_8859_1);
        assertThat(body).doesNotContain(TREE.canary).doesNotContain("root:x:0:0").doesNotContain("set timeout");
        assertThat(r.status()).as("status of %s", target).isIn(400, 403, 404);
    }

    @Test
    void attackTable_hasAtLeastSixtyEntries() {
        assertThat(attacks().count()).isGreaterThanOrEqualTo(60);
    }

    /** The same decoding that refuses the attacks still serves ordinary requests. */
    @ParameterizedTest
    @MethodSource("benign")
    void benignSpellings_serveTheFileInsideTheRoot(String target) throws Exception {
        RawHttp.Reply r = RawHttp.get(APP.getLocalPort(), target);

        assertThat(r.status()).as("status of %s", target).isEqualTo(200);
        assertThat(r.text()).isEqualTo("set timeout=5\n");
    }

    /**
     * API.md: {@code //} in a path is treated as {@code /}. Jetty 12's default URI compliance
     * answers 400 "Ambiguous URI empty segment" before any resource runs; the core's listeners
     * must allow {@code UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT} and set the servlet
     * handler's {@code decodeAmbiguousURIs}. httpboot itself collapses empty segments of the raw
     * path (see RawPathsTest).
     */
    @ParameterizedTest
    @ValueSource(strings = {"/httpboot//grub2//grub.cfg", "/httpboot/grub2//grub.cfg", "/EFI//grub2/grub.cfg"})
    void doubleSlashes_collapse(String target) throws Exception {
        RawHttp.Reply r = RawHttp.get(APP.getLocalPort(), target);

        assertThat(r.status()).as("status of %s", target).isEqualTo(200);
        assertThat(r.text()).isEqualTo("set timeout=5\n");
    }

    /**
     * Issue 15 item 4: a name no file system can have (a segment over 255 bytes, the kernel's
     * ENAMETOOLONG; a path over 4096 characters) does not exist: 404 as any missing file, logged
     * at DEBUG, not a 500 and a WARN.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/httpboot/%s", "/httpboot/grub2/%s", "/httpboot/%s/grub.cfg", "/EFI/%s"})
    void nameNoFileCanHave_isNotFound(String pattern) throws Exception {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Logger log = (Logger) LoggerFactory.getLogger(FileService.class);
        log.addAppender(logged);
        try {
            for (String name : new String[] {"a".repeat(256), "a".repeat(1000), "%C3%A9".repeat(200),
                    "a/".repeat(30) + "b".repeat(4100)}) {
                String target = String.format(pattern, name);
                RawHttp.Reply r = RawHttp.get(APP.getLocalPort(), target);
                assertThat(r.status()).as("status of %s", target).isEqualTo(404);
                assertThat(r.text()).isEqualTo("Not found");
            }
        } finally {
            log.detachAppender(logged);
        }
        assertThat(logged.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.INFO));
    }

    /**
     * Issue 15 item 4: a path ending in {@code /} names a directory (POSIX), so after a file's
     * name it names nothing: 404, never the file. A directory with or without it stays 403.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/httpboot/grub2/grub.cfg/", "/httpboot/grub2/grub.cfg//", "/EFI/grub2/grub.cfg/",
            "/httpboot/grub2/grub%2ecfg/"})
    void trailingSlashAfterAFile_isNotFound(String target) throws Exception {
        RawHttp.Reply r = RawHttp.get(APP.getLocalPort(), target);

        assertThat(r.status()).as("status of %s", target).isEqualTo(404);
        assertThat(r.text()).doesNotContain("set timeout");
        assertThat(RawHttp.get(APP.getLocalPort(), "/httpboot/grub2/").status()).isEqualTo(403);
        assertThat(RawHttp.get(APP.getLocalPort(), "/httpboot/grub2").status()).isEqualTo(403);
    }

    static Stream<String> benign() {
        return Stream.of("/httpboot/grub2/grub.cfg", "/httpboot/grub2/grub%2ecfg", "/httpboot/grub2/%67rub.cfg", "/httpboot/%67rub2/grub.cfg",
                "/EFI/grub2/grub.cfg", "/httpboot/grub2/grub.cfg?x=../../canary.txt");
    }
}
