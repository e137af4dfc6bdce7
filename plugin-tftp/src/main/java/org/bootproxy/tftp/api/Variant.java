package org.bootproxy.tftp.api;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bootproxy.spi.net.MacAddress;

/**
 * The boot-config kinds of Foreman's {@code /tftp/<variant>/...} routes, with the files each one
 * owns under the TFTP root (API.md, "Files per variant"). Paths are relative to the root, with
 * {@code /} separators. Immutable.
 */
public enum Variant {
    /** pxelinux/syslinux: {@code pxelinux.cfg/01-aa-bb-cc-dd-ee-ff}. */
    PXELINUX("PXELinux") {
        @Override
        public List<String> configFiles(MacAddress mac) {
            return List.of("pxelinux.cfg/01-" + mac.dashed());
        }

        @Override
        public List<String> defaultFiles() {
            return List.of("pxelinux.cfg/default");
        }
    },
    /** GRUB 2: both the pxelinux-style and the colon-MAC name GRUB 2 probes for. */
    PXEGRUB2("PXEGrub2") {
        @Override
        public List<String> configFiles(MacAddress mac) {
            return List.of("grub2/grub.cfg-01-" + mac.dashed(), "grub2/grub.cfg-" + mac);
        }

        @Override
        public List<String> defaultFiles() {
            return List.of("grub2/grub.cfg");
        }
    },
    /** Legacy GRUB (GRUB 0.97 / grub-efi), still posted by Foreman up to 3.16. */
    PXEGRUB("PXEGrub") {
        @Override
        public List<String> configFiles(MacAddress mac) {
            return List.of("grub/menu.lst.01" + mac.hexUpper(), "grub/01-" + mac.join("-", true));
        }

        @Override
        public List<String> defaultFiles() {
            return List.of("grub/menu.lst", "grub/efidefault");
        }
    },
    /** iPXE scripts next to the pxelinux configs. */
    IPXE("iPXE") {
        @Override
        public List<String> configFiles(MacAddress mac) {
            return List.of("pxelinux.cfg/01-" + mac.dashed() + ".ipxe");
        }

        @Override
        public List<String> defaultFiles() {
            return List.of("pxelinux.cfg/default.ipxe");
        }
    },
    /** Juniper zero-touch provisioning. */
    ZTP("ZTP") {
        @Override
        public List<String> configFiles(MacAddress mac) {
            return List.of("ztp.cfg/" + mac.hexUpper(), "ztp.cfg/" + mac.hexUpper() + ".cfg");
        }

        /**
         * Inside the directory: Foreman's DHCP filename for Junos is {@code ztp.cfg/<MAC>}, so
         * {@code ztp.cfg} must be a directory. (Upstream writes the default to a file
         * {@code ztp.cfg}, which then makes every per-MAC write fail; Foreman never sends a ZTP
         * {@code create_default}.)
         */
        @Override
        public List<String> defaultFiles() {
            return List.of("ztp.cfg/default");
        }
    },
    /** Cisco power-on auto-provisioning. */
    POAP("POAP") {
        @Override
        public List<String> configFiles(MacAddress mac) {
            return List.of("poap.cfg/" + mac.hexUpper());
        }

        /** Inside the directory, as ZTP's: Foreman's DHCP filename for NX-OS is {@code poap.cfg/<MAC>}. */
        @Override
        public List<String> defaultFiles() {
            return List.of("poap.cfg/default");
        }
    };

    private final String displayName;

    Variant(String displayName) {
        this.displayName = displayName;
    }

    /** The name Foreman uses in URLs ({@code PXELinux}, {@code PXEGrub2}...). */
    public String displayName() {
        return displayName;
    }

    /** The MAC's config files, the first being the one {@code GET} returns; never empty. */
    public abstract List<String> configFiles(MacAddress mac);

    /** The default menu files {@code create_default} writes; never empty. */
    public abstract List<String> defaultFiles();

    /**
     * The variant a URL names, case-insensitively; {@code syslinux} is an alias of PXELinux.
     *
     * @return empty for an unknown (or null) name
     */
    public static Optional<Variant> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "pxelinux", "syslinux" -> Optional.of(PXELINUX);
            case "pxegrub2" -> Optional.of(PXEGRUB2);
            case "pxegrub" -> Optional.of(PXEGRUB);
            case "ipxe" -> Optional.of(IPXE);
            case "ztp" -> Optional.of(ZTP);
            case "poap" -> Optional.of(POAP);
            default -> Optional.empty();
        };
    }

    @Override
    public String toString() {
        return displayName;
    }
}
