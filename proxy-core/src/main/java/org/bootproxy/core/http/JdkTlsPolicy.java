package org.bootproxy.core.http;

import java.security.Security;
import java.util.ArrayList;
import java.util.List;

/**
 * The one change bootproxy makes to the JDK's TLS policy: recent JDK 17 updates (17.0.21 in Debian)
 * list {@code TLS_RSA_*} in {@code jdk.tls.disabledAlgorithms}, which would silently take away the
 * RSA key-exchange suites that {@code tls_rsa_key_exchange} offers to UEFI firmware (EDK2/OVMF
 * HTTPS Boot speaks only those, or DHE). bootproxy's own policy decides instead: the HTTPS
 * connector excludes them when {@code tls_rsa_key_exchange: false}, and offers the AES-GCM ones
 * after every forward-secret suite otherwise (see {@link PemHttpsConnectorFactory}). Every other
 * entry of the JDK's list stays.
 *
 * <p>JSSE reads the property once, when its algorithm constraints are first used, so this runs
 * before anything in the process speaks TLS: from {@code BootproxyApplication}'s class
 * initialisation.
 */
public final class JdkTlsPolicy {

    static final String PROPERTY = "jdk.tls.disabledAlgorithms";
    private static volatile String removed;

    private JdkTlsPolicy() {
    }

    /** Removes {@code TLS_RSA_*} from {@code jdk.tls.disabledAlgorithms}; idempotent. */
    public static synchronized void leaveRsaKeyExchangeToBootproxy() {
        String value = Security.getProperty(PROPERTY);
        if (value == null) {
            return;
        }
        List<String> kept = new ArrayList<>();
        boolean changed = false;
        for (String entry : value.split(",")) {
            String e = entry.trim();
            if (e.equals("TLS_RSA_*")) {
                changed = true;
            } else if (!e.isEmpty()) {
                kept.add(e);
            }
        }
        if (changed) {
            Security.setProperty(PROPERTY, String.join(", ", kept));
            removed = "TLS_RSA_*";
        }
    }

    /** What was removed from the JDK's list, for the start log; null when nothing was. */
    public static String removed() {
        return removed;
    }
}
