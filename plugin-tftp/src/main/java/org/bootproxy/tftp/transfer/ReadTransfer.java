package org.bootproxy.tftp.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.bootproxy.tftp.protocol.ErrorCode;
import org.bootproxy.tftp.protocol.TftpCodec;
import org.bootproxy.tftp.protocol.TftpPacket;
import org.bootproxy.tftp.protocol.TftpPacket.OptionAck;

/**
 * One read transfer (the server sends a file): OACK if options were granted, then DATA in windows
 * of {@code windowsize} blocks (RFC 7440; 1 is RFC 1350 lockstep).
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>An ACK is mapped to the absolute block it acknowledges: the latest sent block whose low 16
 *       bits match, so block numbers wrap past 65535 to 0 without ambiguity.</li>
 *   <li>A new ACK (for a block after the last acknowledged one) slides the window: blocks never
 *       sent before go out, up to {@code windowsize} blocks after the ACK. Blocks already sent are
 *       not repeated on an ACK, even one inside the window: they may still be on their way (some
 *       clients ACK every block), so only the timeout resends them.</li>
 *   <li>A duplicate or older ACK is ignored: it never makes the server send anything. Answering
 *       duplicates is the sorcerer's apprentice bug (RFC 1123 section 4.2.3.1) and is what turns
 *       EDK2's ACK bursts into a "TFTP storm".</li>
 *   <li>Only a timeout retransmits, and then only the unacknowledged blocks (or the OACK). After
 *       {@code retries} timeouts in a row without progress the transfer is abandoned.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Every entry point is {@code synchronized}: the thread receiving the peer's datagrams delivers
 * packets, the clock's timer thread delivers timeouts. The timer is lazy: progress only moves a
 * deadline field, and the one scheduled check re-arms itself for the new deadline when it fires
 * early, so a fast transfer costs no timer operation per packet.
 */
public final class ReadTransfer {

    /** Where the transfer is. */
    public enum State { WAIT_OACK_ACK, SENDING, DONE }

    private final NegotiatedOptions options;
    private final BlockSource source;
    private final PacketSink sink;
    private final TransferClock clock;
    private final int maxRetries;
    private final Consumer<TransferOutcome> onEnd;
    private final int packetCapacity;
    private final long startNanos;

    private State state;
    /** Highest absolute block acknowledged (0 before any). */
    private long acked;
    /** Highest absolute block sent. */
    private long sent;
    /** The final block (shorter than blksize), or -1 until it has been read. */
    private long finalBlock = -1;
    private long bytes;
    private long retransmits;
    private int timeoutsInARow;
    private long deadline;
    private TransferClock.Cancellable timer;
    private byte[] oackBytes;
    /** The next new block, read ahead after the last send so an ACK is answered without a file read. */
    private ByteBuffer prepared;
    private long preparedBlock = -1;
    private int preparedCount;

    /**
     * @param options negotiated options; a non-empty {@link NegotiatedOptions#oack()} is sent first
     * @param source the payload; closed when the transfer ends
     * @param sink sends to the peer
     * @param clock time and timers
     * @param maxRetries timeouts without progress before abandoning
     * @param onEnd called once, with the lock held, when the transfer ends for any reason
     */
    public ReadTransfer(NegotiatedOptions options, BlockSource source, PacketSink sink, TransferClock clock,
            int maxRetries, Consumer<TransferOutcome> onEnd) {
        this.options = options;
        this.source = source;
        this.sink = sink;
        this.clock = clock;
        this.maxRetries = maxRetries;
        this.onEnd = onEnd;
        this.packetCapacity = TftpCodec.DATA_HEADER + options.blksize();
        this.startNanos = clock.nanoTime();
        this.state = options.oack().isEmpty() ? State.SENDING : State.WAIT_OACK_ACK;
    }

    /**
     * Sends the OACK or the first window and arms the timer. Does nothing when the transfer was
     * aborted before it started.
     */
    public synchronized void start() {
        if (state == State.DONE) {
            return;
        }
        if (state == State.WAIT_OACK_ACK) {
            oackBytes = TftpCodec.encode(new OptionAck(options.oack()));
            sendOack();
        } else {
            sendFrom(1);
        }
        if (state != State.DONE) {
            arm();
            prepareNext();
        }
    }

    /** A packet from the transfer's peer (the adapter has checked the TID). */
    public synchronized void onPacket(TftpPacket packet) {
        if (state == State.DONE) {
            return;
        }
        switch (packet.opcode()) {
            case ACK -> onAckLocked(((TftpPacket.Ack) packet).block());
            case ERROR -> {
                TftpPacket.ErrorPacket e = (TftpPacket.ErrorPacket) packet;
                end(new TransferOutcome(TransferOutcome.Result.CLIENT_ABORTED, bytes, elapsed(), retransmits,
                        "client sent ERROR " + e.code() + " '" + TftpCodec.printable(e.message()) + "'"));
            }
            default -> {
                // RRQ/WRQ/DATA/OACK from our own peer make no sense mid-transfer; ignoring them
                // keeps the transfer going (RFC 1350 section 7 only requires ERROR 5 for strangers)
            }
        }
    }

    /** An ACK from the transfer's peer: the same as {@code onPacket(new Ack(block))}, without the object. */
    public synchronized void onAck(int block) {
        if (state != State.DONE) {
            onAckLocked(block);
        }
    }

    /** Ends the transfer because the server stops; sends nothing. */
    public synchronized void abort(String reason) {
        if (state != State.DONE) {
            end(new TransferOutcome(TransferOutcome.Result.SERVER_STOPPED, bytes, elapsed(), retransmits, reason));
        }
    }

    /**
     * Ends the transfer because its client asked for another file from the transfer's address and
     * port: it has moved on. Sends nothing. When every block had gone out, the client most likely
     * has the file and only its final ACK was lost: {@link TransferOutcome.Result#UNCONFIRMED}, as
     * after the retries; otherwise as {@link #abort}.
     */
    public synchronized void supersede(String reason) {
        if (state == State.DONE) {
            return;
        }
        if (everyBlockSent()) {
            end(unconfirmed(reason));
        } else {
            abort(reason);
        }
    }

    public synchronized State state() {
        return state;
    }

    public synchronized long retransmits() {
        return retransmits;
    }

    private void onAckLocked(int wireBlock) {
        if (state == State.WAIT_OACK_ACK) {
            if (wireBlock != 0) {
                return; // not the ACK of the OACK: ignore, the timer resends the OACK
            }
            state = State.SENDING;
            progress();
            sendFrom(1);
            prepareNext();
            return;
        }
        long abs = sent - ((sent - wireBlock) & 0xFFFF);
        if (abs <= acked) {
            return; // duplicate or stale ACK: never answered (sorcerer's apprentice)
        }
        acked = abs;
        source.acknowledged(abs);
        if (abs == finalBlock) {
            end(new TransferOutcome(TransferOutcome.Result.COMPLETED, bytes, elapsed(), retransmits, ""));
            return;
        }
        progress();
        // slide the window: only blocks never sent go out now. Blocks after an ACK inside the
        // window may still be in flight (a client that ACKs every block); if they were lost,
        // the timeout resends them. Resending them here would multiply traffic by the window.
        sendFrom(sent + 1);
        prepareNext();
    }

    private void progress() {
        timeoutsInARow = 0;
        deadline = clock.nanoTime() + options.timeoutNanos();
    }

    /** Sends blocks {@code from..acked+windowsize}, stopping after the final block. */
    private void sendFrom(long from) {
        long last = acked + options.windowsize();
        for (long n = from; n <= last; n++) {
            if (finalBlock >= 0 && n > finalBlock) {
                break;
            }
            if (!sendBlock(n)) {
                return;
            }
        }
    }

    private boolean sendBlock(long n) {
        ByteBuffer b;
        int count;
        if (n == preparedBlock) {
            b = prepared;
            count = preparedCount;
            prepared = null;
            preparedBlock = -1;
        } else {
            b = sink.buffer(packetCapacity);
            try {
                count = fill(b, n);
            } catch (IOException e) {
                sendError(ErrorCode.NOT_DEFINED, "read error");
                end(new TransferOutcome(TransferOutcome.Result.READ_ERROR, bytes, elapsed(), retransmits,
                        "reading block " + n + ": " + e));
                return false;
            }
        }
        sink.send(b);
        if (n > sent) {
            sent = n;
            bytes += count;
        }
        return true;
    }

    /** Builds DATA {@code n} in {@code b} (flipped, ready to send); notes the final block. */
    private int fill(ByteBuffer b, long n) throws IOException {
        b.clear();
        TftpCodec.putDataHeader(b, (int) (n & 0xFFFF));
        int count = source.read(n, b);
        b.flip();
        if (count < options.blksize()) {
            finalBlock = n;
        }
        return count;
    }

    /**
     * Reads the next new block ahead, after the window went out: the file read then happens
     * while the client works, not between its ACK and the server's answer (lockstep latency).
     */
    private void prepareNext() {
        long n = sent + 1;
        if (state != State.SENDING || preparedBlock == n || (finalBlock >= 0 && n > finalBlock)) {
            return;
        }
        ByteBuffer b = sink.buffer(packetCapacity);
        try {
            preparedCount = fill(b, n);
        } catch (IOException e) {
            return; // read again, and reported, when the block is due
        }
        prepared = b;
        preparedBlock = n;
    }

    private void sendOack() {
        ByteBuffer b = sink.buffer(oackBytes.length);
        b.clear();
        b.put(oackBytes);
        b.flip();
        sink.send(b);
    }

    private void sendError(ErrorCode code, String message) {
        byte[] e = TftpCodec.encode(new TftpPacket.ErrorPacket(code, message));
        ByteBuffer b = sink.buffer(e.length);
        b.clear();
        b.put(e);
        b.flip();
        sink.send(b);
    }

    private void arm() {
        deadline = clock.nanoTime() + options.timeoutNanos();
        if (timer == null) {
            timer = clock.schedule(this::onTimer, options.timeoutNanos());
        }
    }

    private synchronized void onTimer() {
        timer = null;
        if (state == State.DONE) {
            return;
        }
        long now = clock.nanoTime();
        if (now < deadline) {
            // progress since this check was scheduled: check again at the new deadline
            timer = clock.schedule(this::onTimer, deadline - now);
            return;
        }
        if (++timeoutsInARow > maxRetries) {
            sendError(ErrorCode.NOT_DEFINED, "timed out");
            // a lost final ACK: the client most likely has the file (and is running it)
            if (everyBlockSent()) {
                end(unconfirmed("the client may have started the file at once"));
            } else {
                end(new TransferOutcome(TransferOutcome.Result.TIMED_OUT, bytes, elapsed(), retransmits,
                        "no ACK after " + maxRetries + " retransmissions, last acknowledged block " + acked));
            }
            return;
        }
        if (state == State.WAIT_OACK_ACK) {
            retransmits++;
            sendOack();
        } else {
            // only the unacknowledged part of the window
            for (long n = acked + 1; n <= sent; n++) {
                retransmits++;
                if (!sendBlock(n)) {
                    return;
                }
            }
        }
        arm();
    }

    private boolean everyBlockSent() {
        return finalBlock >= 0 && sent == finalBlock;
    }

    private TransferOutcome unconfirmed(String why) {
        return new TransferOutcome(TransferOutcome.Result.UNCONFIRMED, bytes, elapsed(), retransmits,
                "every block was sent but the final ACK never came (last ACK: block " + acked + " of " + finalBlock
                        + "); " + why);
    }

    private long elapsed() {
        return clock.nanoTime() - startNanos;
    }

    private void end(TransferOutcome outcome) {
        state = State.DONE;
        prepared = null;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        source.close();
        onEnd.accept(outcome);
    }
}
