package org.bootproxy.tftp.mina;

import com.codahale.metrics.health.HealthCheck;

/** Healthy while the TFTP server listens; the message tells where and how busy it is. */
public final class TftpHealthCheck extends HealthCheck {

    private final TftpServer server;

    public TftpHealthCheck(TftpServer server) {
        this.server = server;
    }

    @Override
    protected Result check() {
        if (!server.isRunning()) {
            return Result.unhealthy("TFTP server is not running");
        }
        return Result.healthy("listening on %s, %d active transfers", server.localAddress(), server.activeTransfers());
    }
}
