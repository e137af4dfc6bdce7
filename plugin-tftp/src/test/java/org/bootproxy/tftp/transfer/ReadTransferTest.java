package org.bootproxy.tftp.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bootproxy.tftp.transfer.RecordingSink.blocks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bootproxy.tftp.protocol.Options;
import org.bootproxy.tftp.protocol.TftpPacket;
import org.bootproxy.tftp.protocol.TftpPacket.Ack;
import org.bootproxy.tftp.protocol.TftpPacket.Data;
import org.bootproxy.tftp.protocol.TftpPacket.ErrorPacket;
import org.bootproxy.tftp.protocol.TftpPacket.OptionAck;
import org.junit.jupiter.api.Test;

class ReadTransferTest {

    private static final long SECOND = 1_000_000_000L;

    private final FakeClock clock = new FakeClock();
    private final RecordingSink sink = new RecordingSink();
    private final List<TransferOutcome> outcomes = new ArrayList<>();
    private MemorySource source;

    private static byte[] data(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private ReadTransfer transfer(byte[] data, int blksize, int windowsize, Options oack, int retries) {
        source = new MemorySource(data, blksize);
        return new ReadTransfer(new NegotiatedOptions(blksize, windowsize, SECOND, oack), source, sink, clock, retries,
                outcomes::add);
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> l = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            l.add(i);
        }
        return l;
    }

    @Test
    void lockstep_sendsEachBlockOnItsAck_andCompletes() {
        byte[] d = data(1300);
        ReadTransfer t = transfer(d, 512, 1, Options.NONE, 5);
        t.start();
        assertThat(sink.drain()).containsExactly(new Data(1, Arrays.copyOfRange(d, 0, 512)));
        t.onPacket(new Ack(1));
        assertThat(sink.drain()).containsExactly(new Data(2, Arrays.copyOfRange(d, 512, 1024)));
        t.onPacket(new Ack(2));
        assertThat(sink.drain()).containsExactly(new Data(3, Arrays.copyOfRange(d, 1024, 1300)));
        t.onPacket(new Ack(3));
        assertThat(sink.drain()).isEmpty();
        assertThat(t.state()).isEqualTo(ReadTransfer.State.DONE);
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(TransferOutcome.Result.COMPLETED);
            assertThat(o.bytes()).isEqualTo(1300);
            assertThat(o.retransmits()).isZero();
        });
        assertThat(source.closed).isTrue();
        assertThat(clock.pending()).isZero();
    }

    @Test
    void fileOfWholeBlocks_endsWithAnEmptyBlock() {
        ReadTransfer t = transfer(data(1024), 512, 4, Options.NONE, 5);
        t.start();
        List<TftpPacket> first = sink.drain();
        assertThat(blocks(first)).containsExactly(1, 2, 3);
        assertThat(((Data) first.get(2)).payload()).isEmpty();
        t.onPacket(new Ack(3));
        assertThat(outcomes).singleElement().extracting(TransferOutcome::bytes).isEqualTo(1024L);
    }

    @Test
    void emptyFile_isOneEmptyBlock() {
        ReadTransfer t = transfer(new byte[0], 512, 1, Options.NONE, 5);
        t.start();
        assertThat(sink.drain()).containsExactly(new Data(1, new byte[0]));
        t.onPacket(new Ack(1));
        assertThat(outcomes).singleElement().extracting(TransferOutcome::result)
                .isEqualTo(TransferOutcome.Result.COMPLETED);
    }

    @Test
    void options_sendOackFirst_dataOnlyAfterAck0_andTimeoutResendsTheOack() {
        Options oack = Options.of("blksize", "8", "tsize", "20");
        ReadTransfer t = transfer(data(20), 8, 1, oack, 5);
        t.start();
        assertThat(sink.drain()).containsExactly(new OptionAck(oack));
        t.onPacket(new Ack(1)); // not the OACK's ACK
        assertThat(sink.drain()).isEmpty();
        clock.advance(SECOND);
        assertThat(sink.drain()).containsExactly(new OptionAck(oack));
        assertThat(t.retransmits()).isEqualTo(1);
        t.onPacket(new Ack(0));
        assertThat(blocks(sink.drain())).containsExactly(1);
        t.onPacket(new Ack(0)); // duplicate ACK of the OACK: nothing
        assertThat(sink.drain()).isEmpty();
    }

    @Test
    void duplicateAckStorm_neverResendsAnything() {
        ReadTransfer t = transfer(data(512 * 20), 512, 4, Options.NONE, 5);
        t.start();
        assertThat(blocks(sink.drain())).containsExactly(1, 2, 3, 4);
        t.onPacket(new Ack(4));
        assertThat(blocks(sink.drain())).containsExactly(5, 6, 7, 8);
        for (int i = 0; i < 1000; i++) {
            t.onPacket(new Ack(4));   // EDK2's burst of duplicates
            t.onPacket(new Ack(2));   // and stale ones
            clock.advance(SECOND / 2000);
        }
        assertThat(sink.drain()).isEmpty();
        assertThat(t.retransmits()).isZero();
    }

    @Test
    void lockstepDuplicateAck_sorcerersApprentice_sendsNothing() {
        ReadTransfer t = transfer(data(512 * 10), 512, 1, Options.NONE, 5);
        t.start();
        t.onPacket(new Ack(1));
        assertThat(blocks(sink.drain())).containsExactly(1, 2);
        t.onPacket(new Ack(1));
        t.onPacket(new Ack(1));
        assertThat(sink.drain()).isEmpty();
    }

    @Test
    void ackInsideTheWindow_sendsOnlyNewBlocks_andTimeoutResendsOnlyTheUnackedTail() {
        ReadTransfer t = transfer(data(512 * 40), 512, 8, Options.NONE, 5);
        t.start();
        assertThat(blocks(sink.drain())).isEqualTo(range(1, 8));
        t.onPacket(new Ack(5));
        assertThat(blocks(sink.drain())).isEqualTo(range(9, 13));
        clock.advance(SECOND - 1);
        assertThat(sink.drain()).isEmpty();
        clock.advance(1);
        assertThat(blocks(sink.drain())).isEqualTo(range(6, 13));
        assertThat(t.retransmits()).isEqualTo(8);
        t.onPacket(new Ack(13));
        assertThat(blocks(sink.drain())).isEqualTo(range(14, 21));
    }

    @Test
    void retriesAreBounded_thenTheTransferIsAbandoned() {
        ReadTransfer t = transfer(data(512 * 10), 512, 2, Options.NONE, 3);
        t.start();
        assertThat(blocks(sink.drain())).containsExactly(1, 2);
        for (int i = 0; i < 3; i++) {
            clock.advance(SECOND);
            assertThat(blocks(sink.drain())).containsExactly(1, 2);
        }
        clock.advance(SECOND);
        List<TftpPacket> last = sink.drain();
        assertThat(last).singleElement().isInstanceOfSatisfying(ErrorPacket.class, e -> assertThat(e.code()).isZero());
        assertThat(t.state()).isEqualTo(ReadTransfer.State.DONE);
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(TransferOutcome.Result.TIMED_OUT);
            assertThat(o.retransmits()).isEqualTo(6);
        });
        clock.advance(100 * SECOND);
        assertThat(sink.drain()).isEmpty();
        assertThat(clock.pending()).isZero();
        assertThat(source.closed).isTrue();
    }

    @Test
    void progress_resetsTheRetryCount() {
        ReadTransfer t = transfer(data(512 * 10), 512, 1, Options.NONE, 1);
        t.start();
        clock.advance(SECOND);
        assertThat(blocks(sink.drain())).containsExactly(1, 1);
        t.onPacket(new Ack(1));
        clock.advance(SECOND);
        assertThat(blocks(sink.drain())).containsExactly(2, 2);
        assertThat(t.state()).isEqualTo(ReadTransfer.State.SENDING);
        clock.advance(SECOND);
        assertThat(t.state()).isEqualTo(ReadTransfer.State.DONE);
        assertThat(outcomes).singleElement().extracting(TransferOutcome::result)
                .isEqualTo(TransferOutcome.Result.TIMED_OUT);
    }

    @Test
    void steadyProgress_neverRetransmits_andKeepsOneTimer() {
        ReadTransfer t = transfer(data(512 * 50 - 1), 512, 1, Options.NONE, 5);
        t.start();
        for (int b = 1; b <= 50; b++) {
            clock.advance(SECOND * 9 / 10);
            t.onPacket(new Ack(b));
            assertThat(clock.pending()).isLessThanOrEqualTo(1);
        }
        assertThat(t.retransmits()).isZero();
        assertThat(outcomes).singleElement().extracting(TransferOutcome::result)
                .isEqualTo(TransferOutcome.Result.COMPLETED);
    }

    @Test
    void blockNumbersWrapPast65535ToZero_lockstep() {
        int blocks = 70000;
        byte[] d = data(8 * (blocks - 1) + 3);
        ReadTransfer t = transfer(d, 8, 1, Options.NONE, 5);
        t.start();
        List<Integer> wire = new ArrayList<>();
        long abs = 0;
        while (t.state() != ReadTransfer.State.DONE) {
            List<TftpPacket> out = sink.drain();
            assertThat(out).hasSize(1);
            Data data = (Data) out.get(0);
            abs++;
            int from = (int) ((abs - 1) * 8);
            assertThat(data.payload()).isEqualTo(Arrays.copyOfRange(d, from, Math.min(from + 8, d.length)));
            if (abs >= 65534 && abs <= 65538) {
                wire.add(data.block());
            }
            t.onPacket(new Ack(data.block()));
        }
        assertThat(abs).isEqualTo(blocks);
        assertThat(wire).containsExactly(65534, 65535, 0, 1, 2);
        assertThat(outcomes).singleElement().extracting(TransferOutcome::bytes).isEqualTo((long) d.length);
    }

    @Test
    void blockNumbersWrap_windowed_ackAfterTheWrapMapsForward() {
        byte[] d = data(8 * 65600);
        ReadTransfer t = transfer(d, 8, 16, Options.NONE, 5);
        t.start();
        long acked = 0;
        while (acked < 65520) {
            List<Integer> b = blocks(sink.drain());
            int last = b.get(b.size() - 1);
            acked += b.size();
            t.onPacket(new Ack(last));
        }
        List<Integer> window = blocks(sink.drain());
        assertThat(window).containsExactly(65521, 65522, 65523, 65524, 65525, 65526, 65527, 65528, 65529, 65530,
                65531, 65532, 65533, 65534, 65535, 0);
        t.onPacket(new Ack(0)); // block 65536
        assertThat(blocks(sink.drain())).isEqualTo(range(1, 16));
        t.onPacket(new Ack(65535)); // stale, from before the wrap: ignored
        assertThat(sink.drain()).isEmpty();
    }

    @Test
    void clientError_endsTheTransferQuietly() {
        ReadTransfer t = transfer(data(5000), 512, 1, Options.of("tsize", "5000"), 5);
        t.start();
        sink.drain();
        t.onPacket(new ErrorPacket(0, "tsize only"));
        assertThat(sink.drain()).isEmpty();
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(TransferOutcome.Result.CLIENT_ABORTED);
            assertThat(o.detail()).contains("tsize only");
        });
        t.onPacket(new Ack(0));
        clock.advance(10 * SECOND);
        assertThat(sink.drain()).isEmpty();
        assertThat(outcomes).hasSize(1);
    }

    @Test
    void unexpectedPacketsFromThePeer_areIgnored() {
        ReadTransfer t = transfer(data(5000), 512, 1, Options.NONE, 5);
        t.start();
        sink.drain();
        t.onPacket(new Data(1, new byte[3]));
        t.onPacket(new OptionAck(Options.of("blksize", "8")));
        assertThat(sink.drain()).isEmpty();
        t.onPacket(new Ack(1));
        assertThat(blocks(sink.drain())).containsExactly(2);
    }

    @Test
    void abort_endsWithoutSending() {
        ReadTransfer t = transfer(data(5000), 512, 1, Options.NONE, 5);
        t.start();
        sink.drain();
        t.abort("stopping");
        assertThat(sink.drain()).isEmpty();
        assertThat(outcomes).singleElement().extracting(TransferOutcome::result)
                .isEqualTo(TransferOutcome.Result.SERVER_STOPPED);
        assertThat(clock.pending()).isZero();
    }

    @Test
    void clientMovingOnAfterEveryBlockWentOut_endsUnconfirmed_withoutSending() {
        ReadTransfer t = transfer(data(1000), 512, 1, Options.NONE, 5);
        t.start();
        t.onAck(1);
        assertThat(blocks(sink.drain())).containsExactly(1, 2);
        t.supersede("the client started another request from the same port");
        assertThat(sink.drain()).isEmpty();
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(TransferOutcome.Result.UNCONFIRMED);
            assertThat(o.bytes()).isEqualTo(1000);
            assertThat(o.detail()).contains("every block was sent").contains("block 1 of 2")
                    .contains("the client started another request from the same port");
        });
        assertThat(clock.pending()).isZero();
    }

    @Test
    void clientMovingOnWithBlocksStillUnsent_endsAsBefore() {
        ReadTransfer t = transfer(data(1500), 512, 1, Options.NONE, 5);
        t.start();
        t.onAck(1);
        sink.drain();
        t.supersede("the client started another request from the same port");
        assertThat(sink.drain()).isEmpty();
        assertThat(outcomes).singleElement().extracting(TransferOutcome::result)
                .isEqualTo(TransferOutcome.Result.SERVER_STOPPED);
    }

    @Test
    void readError_sendsError0_andEnds() {
        BlockSource failing = new BlockSource() {
            @Override
            public int read(long block, ByteBuffer dst) throws IOException {
                if (block == 2) {
                    throw new IOException("disk on fire");
                }
                dst.put(new byte[8]);
                return 8;
            }

            @Override
            public void close() {
            }
        };
        ReadTransfer t = new ReadTransfer(new NegotiatedOptions(8, 1, SECOND, Options.NONE), failing, sink, clock, 5,
                outcomes::add);
        t.start();
        sink.drain();
        t.onPacket(new Ack(1));
        assertThat(sink.drain()).singleElement().isInstanceOf(ErrorPacket.class);
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(TransferOutcome.Result.READ_ERROR);
            assertThat(o.detail()).contains("disk on fire");
        });
    }

    @Test
    void onAckInt_isTheSameAsAnAckPacket() {
        ReadTransfer t = transfer(data(512 * 3 + 1), 512, 2, Options.NONE, 5);
        t.start();
        assertThat(blocks(sink.drain())).containsExactly(1, 2);
        t.onAck(2);
        assertThat(blocks(sink.drain())).containsExactly(3, 4);
        t.onAck(2);
        assertThat(sink.drain()).isEmpty();
        t.onAck(4);
        assertThat(outcomes).singleElement().extracting(TransferOutcome::result)
                .isEqualTo(TransferOutcome.Result.COMPLETED);
    }

    @Test
    void lostFinalAck_endsUnconfirmedAfterRetries_sayingEveryBlockWentOut() {
        ReadTransfer t = transfer(data(1000), 512, 1, Options.NONE, 2);
        t.start();
        t.onAck(1);
        assertThat(blocks(sink.drain())).containsExactly(1, 2);
        clock.advance(2 * SECOND);
        assertThat(blocks(sink.drain())).as("the final block, resent on each timeout").containsExactly(2, 2);
        assertThat(outcomes).isEmpty();
        clock.advance(SECOND);
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(TransferOutcome.Result.UNCONFIRMED);
            assertThat(o.bytes()).isEqualTo(1000);
            assertThat(o.retransmits()).isEqualTo(2);
            assertThat(o.detail()).contains("every block was sent").contains("block 1 of 2");
        });
    }

    @Test
    void silenceWithBlocksStillUnsent_isTimedOut_notUnconfirmed() {
        ReadTransfer t = transfer(data(1500), 512, 1, Options.NONE, 2);
        t.start();
        t.onAck(1);
        clock.advance(3 * SECOND);
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.result()).isEqualTo(TransferOutcome.Result.TIMED_OUT);
            assertThat(o.detail()).contains("last acknowledged block 1");
        });
    }
}
