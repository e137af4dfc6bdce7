package org.bootproxy.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.Security;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JdkTlsPolicyTest {

    @Test
    void leaveRsaKeyExchangeToBootproxy_removesOnlyTheRsaBan() {
        String before = Security.getProperty(JdkTlsPolicy.PROPERTY);
        try {
            Security.setProperty(JdkTlsPolicy.PROPERTY, "SSLv3, TLSv1, RC4, TLS_RSA_*, rsa_pkcs1_sha1 usage HandshakeSignature");
            JdkTlsPolicy.leaveRsaKeyExchangeToBootproxy();
            assertThat(Arrays.stream(Security.getProperty(JdkTlsPolicy.PROPERTY).split(",")).map(String::trim))
                    .containsExactly("SSLv3", "TLSv1", "RC4", "rsa_pkcs1_sha1 usage HandshakeSignature");
            assertThat(JdkTlsPolicy.removed()).isEqualTo("TLS_RSA_*");
        } finally {
            Security.setProperty(JdkTlsPolicy.PROPERTY, before);
        }
    }
}
