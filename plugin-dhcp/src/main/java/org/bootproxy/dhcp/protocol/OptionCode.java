package org.bootproxy.dhcp.protocol;

/** The DHCP option codes bootproxy reads or writes (RFC 2132, 3004, 4578; iPXE's 175). */
public final class OptionCode {
    public static final int PAD = 0;
    public static final int SUBNET_MASK = 1;
    public static final int ROUTERS = 3;
    public static final int DOMAIN_NAME_SERVERS = 6;
    public static final int HOST_NAME = 12;
    public static final int DOMAIN_NAME = 15;
    public static final int INTERFACE_MTU = 26;
    public static final int NTP_SERVERS = 42;
    public static final int VENDOR_SPECIFIC = 43;
    public static final int REQUESTED_IP = 50;
    public static final int LEASE_TIME = 51;
    public static final int OVERLOAD = 52;
    public static final int MESSAGE_TYPE = 53;
    public static final int SERVER_ID = 54;
    public static final int PARAMETER_REQUEST_LIST = 55;
    public static final int MESSAGE = 56;
    public static final int MAX_MESSAGE_SIZE = 57;
    public static final int RENEWAL_TIME = 58;
    public static final int REBINDING_TIME = 59;
    public static final int VENDOR_CLASS = 60;
    public static final int CLIENT_ID = 61;
    public static final int TFTP_SERVER_NAME = 66;
    public static final int BOOTFILE_NAME = 67;
    public static final int USER_CLASS = 77;
    /** Relay agent information (RFC 3046): echoed unchanged, as the last option, in replies. */
    public static final int RELAY_AGENT_INFO = 82;
    public static final int CLIENT_ARCH = 93;
    public static final int CLIENT_NDI = 94;
    public static final int CLIENT_UUID = 97;
    /** iPXE's encapsulated options (sub-option 176 {@code no-pxedhcp}). */
    public static final int IPXE_ENCAP = 175;
    public static final int IPXE_NO_PXEDHCP = 176;
    public static final int END = 255;

    private OptionCode() {
    }
}
