package org.bootproxy.testing;

import org.bootproxy.core.http.JdkTlsPolicy;
import org.junit.jupiter.api.extension.Extension;

/**
 * Applies bootproxy's one change to the JDK's TLS policy ({@link JdkTlsPolicy}) when JUnit loads
 * its extensions, before any test of the JVM speaks TLS — as the application does at its start,
 * before anything in its process does. JSSE reads the policy once per JVM, and tests run servers
 * and clients in one JVM in any order; without this, whichever test touched TLS first would decide
 * for all of them. Registered through {@code META-INF/services} with extension auto-detection on
 * ({@code junit-platform.properties}), which proxy-core's test jar carries to the plugins' tests.
 */
public final class JdkTlsPolicyExtension implements Extension {

    static {
        JdkTlsPolicy.leaveRsaKeyExchangeToBootproxy();
    }
}
