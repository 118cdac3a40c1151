package io.carekpi.flink;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Base of the stateful stages that must see each key's elements in event-time order: elements wait
 * in a buffer until the watermark passes their instant, then {@link #fire} gets all elements of
 * that instant (in {@link #tieOrder()}) followed by the key's own deadlines due then. One timer per
 * distinct element instant plus one for the key's next deadline, which moves as the state changes.
 *
 * <p>The same code is exact in BATCH execution, where the element timers fire at the end of each
 * key in timestamp order and deadlines are run in between (timers registered then are ignored by
 * Flink): results depend on event time and input position alone.
 */
public abstract class EventTimeOrderedFunction<T, OUT> extends KeyedProcessFunction<String, T, OUT> {
    private static final long serialVersionUID = 1L;

    /** Deadlines after this instant never fire at the end of the input (a replay's as-of instant). */
    private final long asOf;

    private transient MapState<Long, List<T>> buffer;
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
        if (stored != null) {
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
        buffer = getRuntimeContext().getMapState(
                new MapStateDescriptor<>(bufferStateName(), Types.LONG, Types.LIST(elementType())));
        deadline = getRuntimeContext().getState(new ValueStateDescriptor<>("deadline", Types.LONG));
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
        List<T> at = buffer.get(t);
        if (at == null) {
            at = new ArrayList<>(2);
            ctx.timerService().registerEventTimeTimer(t);
        }
        at.add(element);
        buffer.put(t, at);
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<OUT> out) throws Exception {
        Long stored = deadline.value();
        long next = stored == null ? Long.MAX_VALUE : stored;
        boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
        List<T> due = buffer.get(t);
        if (endOfInput && due == null && next != t) {
            // A deadline timer that a later one replaced without deleting it (timers are not deleted
            // at the end of the input): the deadlines it stood for are run by the element timers
            // and the end-of-input loop below, up to the as-of instant.
            return;
        }
        // Deadlines before this instant whose timers did not fire (BATCH execution ignores timers
        // registered while it drains a key at the end of input) come first, in order.
        while (next < t) {
            next = fire(next, List.of(), ctx, out);
        }
        if (due != null) {
            buffer.remove(t);
            if (due.size() > 1) {
                due.sort(tieOrder());
            }
            next = fire(t, due, ctx, out);
        } else if (next == t) {
            next = fire(t, List.of(), ctx, out);
        }
        // (the buffer asked only when a deadline is due: on RocksDB isEmpty seeks past every
        // element removed, 20 % of a profiled bounded run's end of input)
        if (endOfInput && next != Long.MAX_VALUE && next <= asOf && buffer.isEmpty()) {
            while (next != Long.MAX_VALUE && next <= asOf) {
                next = fire(next, List.of(), ctx, out);
            }
        }
        moveDeadline(stored, next, ctx, endOfInput);
    }

    private void moveDeadline(Long stored, long next, OnTimerContext ctx, boolean endOfInput) throws Exception {
        if (stored != null && stored == next) {
            return;
        }
        if (stored != null && !endOfInput) {
            ctx.timerService().deleteEventTimeTimer(stored);
        }
        if (next == Long.MAX_VALUE) {
            deadline.clear();
        } else {
            deadline.update(next);
            if (!endOfInput) {
                ctx.timerService().registerEventTimeTimer(next);
            }
        }
    }
}
