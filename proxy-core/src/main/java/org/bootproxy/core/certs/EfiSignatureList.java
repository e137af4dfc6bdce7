package org.bootproxy.core.certs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The UEFI {@code EFI_SIGNATURE_LIST} encoding of X.509 certificates (UEFI 2.10, section 32.4.1),
 * the form in which firmware takes the CAs it trusts for HTTPS boot (in QEMU through
 * {@code -fw_cfg name=etc/edk2/https/cacerts,file=...}; on a real machine enrolled in setup).
 *
 * <p>Each certificate becomes one list, because a list holds signatures of one size only:
 * <pre>
 *   EFI_GUID SignatureType        EFI_CERT_X509_GUID
 *   UINT32   SignatureListSize    28 + SignatureHeaderSize + SignatureSize
 *   UINT32   SignatureHeaderSize  0
 *   UINT32   SignatureSize        16 + length of the DER certificate
 *   EFI_SIGNATURE_DATA            { EFI_GUID SignatureOwner; UINT8 SignatureData[] = DER }
 * </pre>
 * All integers little-endian; a GUID is stored as UINT32, UINT16, UINT16 little-endian followed by
 * its last 8 bytes as written. Stateless.
 */
public final class EfiSignatureList {

    /** {@code EFI_CERT_X509_GUID}. */
    public static final UUID EFI_CERT_X509_GUID = UUID.fromString("a5c059a1-94e4-4aa7-87b5-ab155c2bf072");

    /** Bytes of the list header: type GUID and three UINT32. */
    public static final int HEADER_SIZE = 16 + 4 + 4 + 4;

    private EfiSignatureList() {
    }

    /** The signature lists for {@code certificates}, concatenated, all owned by {@code owner}. */
    public static byte[] of(UUID owner, List<X509Certificate> certificates) throws CertificateEncodingException {
        Objects.requireNonNull(owner, "owner");
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("an EFI signature list needs at least one certificate");
        }
        int total = 0;
        for (X509Certificate c : certificates) {
            total += HEADER_SIZE + 16 + c.getEncoded().length;
        }
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        for (X509Certificate c : certificates) {
            byte[] der = c.getEncoded();
            int signatureSize = 16 + der.length;
            b.put(guidBytes(EFI_CERT_X509_GUID));
            b.putInt(HEADER_SIZE + signatureSize);
            b.putInt(0);
            b.putInt(signatureSize);
            b.put(guidBytes(owner));
            b.put(der);
        }
        return b.array();
    }

    /** A GUID in the byte order of the UEFI {@code EFI_GUID} structure. */
    public static byte[] guidBytes(UUID guid) {
        ByteBuffer b = ByteBuffer.allocate(16);
        long msb = guid.getMostSignificantBits();
        b.order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) (msb >>> 32));
        b.putShort((short) (msb >>> 16));
        b.putShort((short) msb);
        b.order(ByteOrder.BIG_ENDIAN);
        b.putLong(guid.getLeastSignificantBits());
        return b.array();
    }

    /** The inverse of {@link #guidBytes}, reading 16 bytes at {@code offset}. */
    public static UUID guidAt(byte[] data, int offset) {
        ByteBuffer b = ByteBuffer.wrap(data, offset, 16).order(ByteOrder.LITTLE_ENDIAN);
        long d1 = b.getInt() & 0xffffffffL;
        long d2 = b.getShort() & 0xffffL;
        long d3 = b.getShort() & 0xffffL;
        b.order(ByteOrder.BIG_ENDIAN);
        return new UUID((d1 << 32) | (d2 << 16) | d3, b.getLong());
    }
}
