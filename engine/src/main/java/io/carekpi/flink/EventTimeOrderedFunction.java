package io.carekpi.flink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Base of the stateful stages that must see each key's elements in event-time order: elements wait
 * in a buffer until the watermark passes their instant, then {@link #fire} gets all elements of
 * that instant (in {@link #tieOrder()}) followed by the key's own deadlines due then.
 *
 * <p>Two timers per key at most: one at the earliest instant buffered (the instants are kept in
 * order beside the buffer, so a key whose events wait at many instants still holds one timer, and
 * one firing runs every instant the watermark has passed, with the deadlines between them in
 * order) and one at the key's next deadline, which moves as the state changes. Timers are one per
 * key and instant, so the two may be the same timer: neither is deleted while the other needs it.
 * State of a build that kept one timer per buffered instant is restored as is: its instants are
 * listed at open ({@link #migrate}), and its extra timers find nothing due.
 *
 * <p>The same code is exact in BATCH execution, where the timers fire at the end of each key (the
 * watermark then at its end) and the first runs everything in timestamp order; timers registered
 * then are ignored by Flink: results depend on event time and input position alone.
 */
public abstract class EventTimeOrderedFunction<T, OUT> extends KeyedProcessFunction<String, T, OUT>
        implements MigratesKeyedState {
    private static final long serialVersionUID = 1L;

    /** Deadlines after this instant never fire at the end of the input (a replay's as-of instant). */
    private final long asOf;

    private transient MapStateDescriptor<Long, List<T>> bufferDescriptor;
    private transient MapState<Long, List<T>> buffer;
    /** The instants of {@link #buffer}, ascending (null: none). */
    private transient ValueState<long[]> instants;
    private transient ValueState<Long> deadline;

    /** Every deadline fires, at the end of the input too. */
    protected EventTimeOrderedFunction() {
        this(Long.MAX_VALUE);
    }

    /**
     * @param asOf at the end of the input only the deadlines at or before this instant fire: a
     *     backfill up to it says what was known then (verdicts pending, clocks running)
     */
    protected EventTimeOrderedFunction(long asOf) {
        this.asOf = asOf;
    }

    protected abstract TypeInformation<T> elementType();

    protected abstract long timeOf(T element);

    /** Order of elements at one instant. */
    protected abstract Comparator<T> tieOrder();

    /**
     * Handles the elements at instant {@code t} (possibly none), then the deadlines due at or
     * before {@code t}. Returns the key's next deadline, or {@link Long#MAX_VALUE} for none.
     */
    protected abstract long fire(long t, List<T> elements, OnTimerContext ctx, Collector<OUT> out) throws Exception;

    /**
     * False for elements that touch no keyed state and so need no ordering: they are handled at
     * once by {@link #processNow} (after the same lateness check as every element).
     */
    protected boolean needsOrdering(T element) {
        return true;
    }

    /** Handles an element that {@link #needsOrdering} exempts from the buffer. */
    protected void processNow(T element, Collector<OUT> out) throws Exception {
        throw new UnsupportedOperationException("every element of " + getClass().getSimpleName() + " is ordered");
    }

    /**
     * Called first for every element, in arrival order: false drops it (a repeat, for example).
     * Every element is admitted unless a subclass says otherwise.
     */
    protected boolean admit(T element, Context ctx) throws Exception {
        return true;
    }

    /**
     * Makes the key's deadline timer fire no later than {@code t}, for state that {@link #admit}
     * keeps before {@link #fire} sees the key: {@code fire} then runs at {@code t} with no elements.
     */
    protected void deadlineNoLaterThan(long t, Context ctx) throws Exception {
        Long stored = deadline.value();
        if (stored != null && stored <= t) {
            return;
        }
        if (stored != null && stored != first(instants.value())) {
            ctx.timerService().deleteEventTimeTimer(stored);
        }
        ctx.timerService().registerEventTimeTimer(t);
        deadline.update(t);
    }

    /** An element whose instant the watermark has already passed: it cannot be placed in order. */
    protected abstract void late(T element, Context ctx, Collector<OUT> out) throws Exception;

    /** The name of the buffer's state: a new name when the element type changes (see {@link MigratesKeyedState}). */
    protected String bufferStateName() {
        return "buffer";
    }

    /** The elements waiting for the watermark, by instant (for a state migration). */
    protected MapState<Long, List<T>> buffer() {
        return buffer;
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        bufferDescriptor = new MapStateDescriptor<>(bufferStateName(), Types.LONG, Types.LIST(elementType()));
        buffer = getRuntimeContext().getMapState(bufferDescriptor);
        instants = getRuntimeContext().getState(new ValueStateDescriptor<>("bufferedInstants",
                PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        deadline = getRuntimeContext().getState(new ValueStateDescriptor<>("deadline", Types.LONG));
    }

    /**
     * Lists the buffered instants of every key with elements waiting, from the buffer itself: state
     * of a build that kept no list (one timer per instant) goes on with one timer; for state of this
     * build it lists them again. Subclasses that move older state into the buffer do so first.
     */
    @Override
    public void migrate(KeyedStateMigration migration) throws Exception {
        migration.forEachKey(bufferDescriptor, waiting -> {
            long[] at = KeyedStateMigration.sortedKeys(waiting);
            instants.update(at.length == 0 ? null : at);
        });
    }

    @Override
    public void processElement(T element, Context ctx, Collector<OUT> out) throws Exception {
        if (!admit(element, ctx)) {
            return;
        }
        long t = timeOf(element);
        if (t <= ctx.timerService().currentWatermark()) {
            late(element, ctx, out);
            return;
        }
        if (!needsOrdering(element)) {
            processNow(element, out);
            return;
        }
        // The instants are the buffer's keys: an instant not among them needs no read of the buffer
        // (on RocksDB a lookup per element; most elements arrive at an instant of their own).
        long[] waiting = instants.value();
        List<T> at = waiting != null && Arrays.binarySearch(waiting, t) >= 0 ? buffer.get(t) : null;
        if (at == null) {
            at = new ArrayList<>(2);
            long earliest = first(waiting);
            instants.update(insert(waiting, t));
            if (t < earliest) {
                ctx.timerService().registerEventTimeTimer(t);
                if (earliest != Long.MAX_VALUE && !Objects.equals(deadline.value(), earliest)) {
                    ctx.timerService().deleteEventTimeTimer(earliest);
                }
            }
        }
        at.add(element);
        buffer.put(t, at);
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<OUT> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        boolean endOfInput = watermark == Long.MAX_VALUE;
        Long stored = deadline.value();
        long next = stored == null ? Long.MAX_VALUE : stored;
        long[] waiting = instants.value();
        int done = 0;
        // Every instant the watermark has passed, in order, each after the deadlines before it.
        while (waiting != null && done < waiting.length && waiting[done] <= watermark) {
            long at = waiting[done++];
            while (next < at) {
                next = fire(next, List.of(), ctx, out);
            }
            List<T> due = buffer.get(at);
            if (due != null) {
                buffer.remove(at);
                if (due.size() > 1) {
                    due.sort(tieOrder());
                }
                next = fire(at, due, ctx, out);
            }
        }
        // Then the deadlines due: up to the watermark, or at the end of the input up to the as-of instant.
        long until = endOfInput ? asOf : watermark;
        while (next != Long.MAX_VALUE && next <= until) {
            next = fire(next, List.of(), ctx, out);
        }
        long earliest = Long.MAX_VALUE;
        if (done > 0) {
            if (done == waiting.length) {
                instants.clear();
            } else {
                earliest = waiting[done];
                instants.update(Arrays.copyOfRange(waiting, done, waiting.length));
            }
        } else {
            earliest = first(waiting);
        }
        if (stored == null || stored != next) {
            if (next == Long.MAX_VALUE) {
                deadline.clear();
            } else {
                deadline.update(next);
            }
        }
        if (endOfInput) {
            return; // no timer fires after the end of the input (and BATCH ignores them)
        }
        if (done > 0 && earliest != Long.MAX_VALUE) {
            ctx.timerService().registerEventTimeTimer(earliest);
        }
        if (stored == null || stored != next) {
            if (stored != null && stored > watermark && stored != earliest) {
                ctx.timerService().deleteEventTimeTimer(stored);
            }
            if (next != Long.MAX_VALUE) {
                ctx.timerService().registerEventTimeTimer(next);
            }
        }
    }

    private static long first(long[] instants) {
        return instants == null || instants.length == 0 ? Long.MAX_VALUE : instants[0];
    }

    /** {@code instants} (ascending, may be null) with {@code t} added in order. */
    private static long[] insert(long[] instants, long t) {
        if (instants == null) {
            return new long[] {t};
        }
        int i = Arrays.binarySearch(instants, t);
        if (i >= 0) {
            return instants;
        }
        int at = -i - 1;
        long[] grown = new long[instants.length + 1];
        System.arraycopy(instants, 0, grown, 0, at);
        grown[at] = t;
        System.arraycopy(instants, at, grown, at + 1, instants.length - at);
        return grown;
    }
}
