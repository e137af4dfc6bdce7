package org.bootproxy.dhcp.boot;

import java.util.Locale;

/**
 * What kind of network-boot client sent a request (NETBOOT.md, "Vendor class"). iPXE also says
 * {@code PXEClient}; it is recognised by its user class or option 175 and takes precedence, so it is
 * never handed the iPXE binary again (the boot loop).
 */
public enum ClientKind {
    /** Option 60 starts with {@code PXEClient}: PXE firmware fetching over TFTP. */
    PXE_CLIENT("PXEClient"),
    /** Option 60 starts with {@code HTTPClient}: UEFI HTTP Boot, wants an absolute URL. */
    HTTP_CLIENT("HTTPClient"),
    /** User class {@code iPXE} or option 175 present: iPXE, wants its script. */
    IPXE("iPXE"),
    /** Anything else (an OS's DHCP client). */
    OTHER("other");

    private final String configName;

    ClientKind(String configName) {
        this.configName = configName;
    }

    /** The name used in {@code plugins.dhcp.boot.rules[].client}. */
    public String configName() {
        return configName;
    }

    /**
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    public static ClientKind parse(String name) {
        for (ClientKind k : values()) {
            if (k.configName.toLowerCase(Locale.ROOT).equals(name.trim().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown boot client kind '" + name
                + "' (expected PXEClient, HTTPClient, iPXE or other)");
    }
}
