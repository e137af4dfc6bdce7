package org.bootproxy.tftp.api;

import java.util.Optional;

/**
 * What Foreman 3.14+ sends with a PXEGrub2 config so the proxy can prepare the host's own boot
 * directory {@code host-config/<mac-dashed>/grub2/}: the operating system, its release, the
 * architecture and the boot file suffix ({@code x64}, {@code aa64}...). Each value becomes one path
 * segment under {@code bootloader-universe/pxegrub2/} or part of a file name under {@code grub2/},
 * so each must be a plain name: no separator, no {@code .}/{@code ..}, no control character.
 *
 * @param targetos operating system, e.g. {@code redhat}
 * @param release release, e.g. {@code 9.4}
 * @param arch architecture, e.g. {@code x86_64}
 * @param bootfileSuffix boot loader suffix, e.g. {@code x64}
 */
public record HostBootloader(String targetos, String release, String arch, String bootfileSuffix) {

    /** Longest accepted value; a path segment longer than this is not a name Foreman sends. */
    public static final int MAX_LENGTH = 128;

    public HostBootloader {
        check("targetos", targetos);
        check("release", release);
        check("arch", arch);
        check("bootfile_suffix", bootfileSuffix);
    }

    /**
     * The host boot loader when all four parameters are present and non-blank, as upstream
     * requires; empty when any is missing.
     *
     * @throws IllegalArgumentException when all are present but one is not a plain name
     */
    public static Optional<HostBootloader> of(String targetos, String release, String arch, String bootfileSuffix) {
        if (blank(targetos) || blank(release) || blank(arch) || blank(bootfileSuffix)) {
            return Optional.empty();
        }
        return Optional.of(new HostBootloader(targetos, release, arch, bootfileSuffix));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static void check(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Invalid " + name + ": empty");
        }
        boolean bad = value.length() > MAX_LENGTH || value.equals(".") || value.equals("..");
        for (int i = 0; i < value.length() && !bad; i++) {
            char c = value.charAt(i);
            bad = c < 0x20 || c == 0x7f || c == '/' || c == '\\';
        }
        if (bad) {
            throw new IllegalArgumentException("Invalid " + name + ": " + printable(value));
        }
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < MAX_LENGTH; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return s.length() > MAX_LENGTH ? sb + "..." : sb.toString();
    }
}
