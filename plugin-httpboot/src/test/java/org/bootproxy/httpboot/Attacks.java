package org.bootproxy.httpboot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Path traversal and encoding tricks as raw request targets, for every test that puts an HTTP
 * stack in front of httpboot. None may return anything outside the root.
 */
public final class Attacks {

    private Attacks() {
    }

    /** @param base the directory holding the root and the canary file {@code canary.txt} */
    public static List<String> traversal(Path base) {
        String abs = base.resolve("canary.txt").toString();
        List<String> a = new ArrayList<>(List.of(
                // plain dot-dot
                "/httpboot/../canary.txt",
                "/httpboot/../../../../../../etc/passwd",
                "/httpboot/grub2/../../canary.txt",
                "/httpboot/grub2/..",
                "/httpboot/..",
                "/httpboot/../",
                "/httpboot/../.",
                "/httpboot/.",
                "/httpboot/./grub2/../../canary.txt",
                "/httpboot/empty/../../canary.txt",
                "/httpboot/../root-evil/canary.txt",
                "/httpboot/BOOT/../../root-evil/canary.txt",
                // percent-encoded dots and separators, any case
                "/httpboot/%2e%2e/canary.txt",
                "/httpboot/%2E%2E/canary.txt",
                "/httpboot/%2e%2E/canary.txt",
                "/httpboot/%2e./canary.txt",
                "/httpboot/.%2e/canary.txt",
                "/httpboot/%2e%2e%2fcanary.txt",
                "/httpboot/%2E%2E%2Fcanary.txt",
                "/httpboot/..%2fcanary.txt",
                "/httpboot/..%2Fcanary.txt",
                "/httpboot/%2f..%2fcanary.txt",
                "/httpboot/%2F%2E%2E%2Fcanary.txt",
                "/httpboot/grub2/..%2f..%2fcanary.txt",
                "/httpboot/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                "/httpboot/.%2e%2f.%2e%2fetc%2fpasswd",
                // double encoding: decoded once, these are literal names
                "/httpboot/%252e%252e/canary.txt",
                "/httpboot/%252e%252e%252fcanary.txt",
                "/httpboot/..%255c..%255ccanary.txt",
                "/httpboot/%25%32%65%25%32%65/canary.txt",
                // overlong UTF-8 and other invalid byte sequences
                "/httpboot/%c0%ae%c0%ae/canary.txt",
                "/httpboot/%C0%AE%C0%AE/%C0%AE%C0%AE/canary.txt",
                "/httpboot/%c0%ae%c0%ae%c0%afcanary.txt",
                "/httpboot/..%c0%afcanary.txt",
                "/httpboot/%e0%80%ae%e0%80%ae/canary.txt",
                "/httpboot/%f0%80%80%ae%f0%80%80%ae/canary.txt",
                "/httpboot/%c1%9c..%c1%9ccanary.txt",
                "/httpboot/..%c0%2fcanary.txt",
                "/httpboot/%ff%fe/canary.txt",
                "/httpboot/%ed%a0%80",
                // malformed escapes
                "/httpboot/%u002e%u002e/canary.txt",
                "/httpboot/%%32%65%%32%65/canary.txt",
                "/httpboot/%2",
                "/httpboot/%zz/canary.txt",
                "/httpboot/..%g0/canary.txt",
                // backslashes, raw and encoded
                "/httpboot/..\\canary.txt",
                "/httpboot/\\..\\canary.txt",
                "/httpboot/..%5ccanary.txt",
                "/httpboot/..%5Ccanary.txt",
                "/httpboot/%5c..%5ccanary.txt",
                "/httpboot/%2e%2e%5ccanary.txt",
                "/httpboot/..%5c..%5c..%5cetc%5cpasswd",
                // NUL and other control characters
                "/httpboot/%00",
                "/httpboot/..%00/canary.txt",
                "/httpboot/grub2/grub.cfg%00.efi",
                "/httpboot/..%09/canary.txt",
                "/httpboot/%0a",
                "/httpboot/%7f",
                // /EFI mount
                "/EFI/../canary.txt",
                "/EFI/../../canary.txt",
                "/EFI//../canary.txt",
                "/EFI/BOOT/../../canary.txt",
                "/EFI/%2e%2e/canary.txt",
                "/EFI/..%2f..%2fcanary.txt",
                "/EFI/..%5ccanary.txt",
                // absolute paths and drive letters
                "//etc/passwd",
                "/httpboot//etc/passwd",
                "/httpboot///etc/passwd",
                "/httpboot/%2fetc%2fpasswd",
                "/httpboot/" + abs,
                "/httpboot//" + abs,
                "/httpboot/C:/canary.txt",
                "/httpboot/c:%5ccanary.txt",
                "/httpboot/file:" + abs,
                "http://localhost/httpboot/../canary.txt",
                // mixed case mounts and routing tricks
                "/HTTPBOOT/../canary.txt",
                "/HttpBoot/canary.txt",
                "/efi/../canary.txt",
                "/x/../httpboot/../canary.txt",
                "/x/%2e%2e/httpboot/grub2/grub.cfg",
                // path parameters and query
                "/httpboot/..;/canary.txt",
                "/httpboot/;/../canary.txt",
                "/httpboot/..;x=y/canary.txt",
                "/httpboot/?/../canary.txt",
                // trailing dots and look-alikes: literal names that do not exist
                "/httpboot/.../canary.txt",
                "/httpboot/..../canary.txt",
                "/httpboot/..%20/canary.txt",
                "/httpboot/grub2/grub.cfg.",
                "/httpboot/grub2./grub.cfg",
                "/httpboot/%ef%bc%8e%ef%bc%8e/canary.txt",
                "/httpboot/caf%C3%A9/%E2%80%A5/canary.txt",   // non-ASCII, two-dot leader
                "/httpboot/%e2%80%ae..",
                // empty paths
                "/httpboot",
                "/httpboot/",
                "/httpboot//",
                "/EFI/"));
        return a;
    }
}
