package org.bootproxy.core.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.bootproxy.testing.NetNs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EfiSignatureListTest {

    private static final UUID OWNER = UUID.fromString("11223344-5566-7788-99aa-bbccddeeff00");

    private static X509Certificate ca(String cn) {
        return Pki.certificateAuthority(cn, Pki.rsaKeyPair(2048), Duration.ofDays(1)).certificate();
    }

    @Test
    void guidBytes_areTheEfiGuidLayout() {
        assertThat(HexFormat.of().formatHex(EfiSignatureList.guidBytes(EfiSignatureList.EFI_CERT_X509_GUID)))
                .isEqualTo("a159c0a5e494a74a87b5ab155c2bf072");
        assertThat(HexFormat.of().formatHex(EfiSignatureList.guidBytes(OWNER)))
                .isEqualTo("4433221166558877" + "99aabbccddeeff00");
        assertThat(EfiSignatureList.guidAt(EfiSignatureList.guidBytes(OWNER), 0)).isEqualTo(OWNER);
    }

    @Test
    void of_oneCertificate_hasTheHeaderFieldsAndSizesOfTheSpec() throws Exception {
        X509Certificate cert = ca("esl test");
        byte[] der = cert.getEncoded();
        byte[] esl = EfiSignatureList.of(OWNER, List.of(cert));

        ByteBuffer b = ByteBuffer.wrap(esl).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(EfiSignatureList.guidAt(esl, 0)).isEqualTo(EfiSignatureList.EFI_CERT_X509_GUID);
        int listSize = b.getInt(16);
        int headerSize = b.getInt(20);
        int signatureSize = b.getInt(24);
        assertThat(headerSize).isZero();
        assertThat(signatureSize).isEqualTo(16 + der.length);
        assertThat(listSize).isEqualTo(28 + signatureSize).isEqualTo(esl.length);
        assertThat(EfiSignatureList.guidAt(esl, 28)).isEqualTo(OWNER);
        assertThat(Arrays.copyOfRange(esl, 44, esl.length)).isEqualTo(der);
    }

    @Test
    void of_twoCertificates_isTwoConsecutiveLists() throws Exception {
        X509Certificate a = ca("a");
        X509Certificate b = ca("b with a longer name");
        byte[] esl = EfiSignatureList.of(OWNER, List.of(a, b));
        ByteBuffer buf = ByteBuffer.wrap(esl).order(ByteOrder.LITTLE_ENDIAN);
        int first = buf.getInt(16);
        assertThat(first).isEqualTo(28 + 16 + a.getEncoded().length);
        assertThat(EfiSignatureList.guidAt(esl, first)).isEqualTo(EfiSignatureList.EFI_CERT_X509_GUID);
        assertThat(buf.getInt(first + 16)).isEqualTo(esl.length - first);
        assertThat(Arrays.copyOfRange(esl, first + 44, esl.length)).isEqualTo(b.getEncoded());
    }

    @Test
    void of_noCertificate_isRefused() {
        assertThatThrownBy(() -> EfiSignatureList.of(OWNER, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one certificate");
    }

    /** efitools, when installed, is the independent oracle: the same bytes as cert-to-efi-sig-list. */
    @Test
    void of_matchesEfitoolsByteForByte(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(NetNs.Shell.ok("sh", "-c", "command -v cert-to-efi-sig-list"),
                "efitools (cert-to-efi-sig-list) not installed");
        X509Certificate cert = ca("efitools oracle");
        Path pem = dir.resolve("ca.pem");
        Files.writeString(pem, Pki.pem(cert));
        Path out = dir.resolve("ca.esl");
        NetNs.Shell.Result r = NetNs.Shell.run(30, "cert-to-efi-sig-list", "-g", OWNER.toString(), pem.toString(),
                out.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(EfiSignatureList.of(OWNER, List.of(cert))).isEqualTo(Files.readAllBytes(out));
    }
}
