package org.bootproxy.tftp.transfer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A hand-driven clock: time moves only in {@link #advance}, which runs the tasks that fall due. */
final class FakeClock implements TransferClock {

    private long now = 1_000_000_000L;
    private final List<Task> tasks = new ArrayList<>();

    private final class Task implements Cancellable {
        final long due;
        final Runnable r;
        boolean cancelled;

        Task(long due, Runnable r) {
            this.due = due;
            this.r = r;
        }

        @Override
        public void cancel() {
            cancelled = true;
            tasks.remove(this);
        }
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        Task t = new Task(now + delayNanos, task);
        tasks.add(t);
        return t;
    }

    /** Moves time forward, running due tasks in order (tasks they schedule run too if due). */
    void advance(long nanos) {
        long target = now + nanos;
        while (true) {
            Task next = tasks.stream().filter(t -> t.due <= target).min(Comparator.comparingLong(t -> t.due))
                    .orElse(null);
            if (next == null) {
                break;
            }
            tasks.remove(next);
            now = Math.max(now, next.due);
            next.r.run();
        }
        now = target;
    }

    int pending() {
        return tasks.size();
    }
}
