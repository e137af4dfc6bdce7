package org.bootproxy.core;

import io.dropwizard.lifecycle.Managed;
import java.util.Optional;
import org.bootproxy.core.http.TlsReloader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code systemctl reload bootproxy} (the unit's {@code ExecReload} sends SIGHUP): re-reads the
 * HTTPS listener's PEM files ({@link TlsReloader}). Nothing else is re-read: listeners, ports,
 * plugins, {@code conf.d} and plugin settings are built once at start (README, "Reload").
 *
 * <p>The JVM's own SIGHUP handler runs the shutdown hooks and exits; {@link #start()} replaces it
 * for the server only (the CLI commands never start this, so a SIGHUP still ends them) and
 * {@link #stop()} puts it back. The handler is {@code sun.misc.Signal} from the
 * {@code jdk.unsupported} module: that module is exported to class-path code without flags and is
 * the one JEP 260 keeps for exactly this until a supported replacement exists, whereas
 * {@code jdk.internal.misc.Signal} would need {@code --add-exports} at compile and run time.
 * A SIGHUP that was ignored when the JVM started ({@code nohup}) stays ignored: the JVM refuses to
 * handle it, and {@link #start()} says so at WARN.
 *
 * <p>Threading: the JVM runs each signal's handler on a new thread; {@link #reload()} may be
 * called from any thread and reloads are serialized by the {@link TlsReloader}.
 */
public final class HangupReload implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(HangupReload.class);
    static final String SIGNAL = "HUP";

    private final Optional<TlsReloader> tls;
    private SignalHandler previous;   // guarded by this; the handler start() replaced
    private boolean listening;        // guarded by this

    public HangupReload(Optional<TlsReloader> tls) {
        this.tls = tls;
    }

    /**
     * Called by {@code main} for {@code bootproxy server}, before anything else: from then on a
     * SIGHUP no longer ends the process while it starts (the JVM's own handler would exit with 129,
     * which systemd counts as a failure; a {@code Type=exec} unit takes {@code systemctl reload} as
     * soon as the JVM runs). Such a SIGHUP is logged and otherwise ignored: the files it would
     * re-read are read by the start itself. {@link #start()} then installs the reload, and
     * {@link #stop()} puts this one back for the rest of the shutdown. Does nothing when SIGHUP
     * cannot be handled or was ignored at start ({@link #start()} says so).
     */
    public static void ignoreWhileStarting() {
        try {
            Signal.handle(new Signal(SIGNAL), signal -> LOG.info("Reload: SIGHUP while the server starts or"
                    + " stops: nothing reloaded (a start reads the files)"));
        } catch (IllegalArgumentException e) {
            // -Xrs: start() says so
        }
    }

    /** What SIGHUP does: the TLS files are re-read, or the log says there is nothing to reload. */
    public TlsReloader.Outcome reload() {
        if (tls.isEmpty()) {
            LOG.info("Reload: nothing to reload (no HTTPS listener; reload re-reads only ssl_certificate, "
                    + "ssl_private_key and ssl_ca_file, everything else needs a restart)");
            return new TlsReloader.NothingToReload("no HTTPS listener");
        }
        return tls.get().reload();
    }

    /** Whether a SIGHUP to this process reaches {@link #reload()} now. */
    public synchronized boolean listening() {
        return listening;
    }

    @Override
    public synchronized void start() {
        Signal hup = new Signal(SIGNAL);
        try {
            previous = Signal.handle(hup, signal -> reload());
        } catch (IllegalArgumentException e) {
            // -Xrs: the JVM leaves SIGHUP alone and does not let Java code handle it either
            LOG.warn("SIGHUP cannot be handled in this JVM ({}): reload by restarting", e.getMessage());
            return;
        }
        if (previous == SignalHandler.SIG_IGN) {
            LOG.warn("SIGHUP was ignored when this process started (nohup?) and stays ignored: reload by "
                    + "restarting");
            return;
        }
        listening = true;
    }

    @Override
    public synchronized void stop() {
        if (previous != null) {
            Signal.handle(new Signal(SIGNAL), previous);
            previous = null;
        }
        listening = false;
    }
}
