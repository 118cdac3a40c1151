package io.carekpi.tools.sim;

import io.carekpi.io.EventJson;
import io.carekpi.schema.Channel;
import io.carekpi.schema.EventType;
import io.carekpi.schema.InteractionEvent;
import io.carekpi.schema.Survey;
import io.carekpi.schema.SurveyKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns planned events into what a source would deliver: arrival order with bounded disorder
 * (each event arrives a random delay of at most {@code maxDisorder} after its {@code occurredAt}),
 * exact re-sent copies of a fraction of events, and, for JSON Lines, invalid lines mixed in at
 * random positions. Deterministic for a given {@link DeliveryOptions#seed()}.
 */
public final class Delivery {
    private Delivery() {}

    private record Arrival(long at, int index, int copy, InteractionEvent event) {}

    public static DeliveredTraffic deliver(List<InteractionEvent> events, List<Channel> channels,
                                           DeliveryOptions options) {
        return deliver(events, List.of(), channels, options);
    }

    /**
     * As {@link #deliver(List, List, DeliveryOptions)}, plus {@code lateCopies} of some of the events,
     * each arriving {@link LateCopy#after()} after its original (counted as duplicates).
     */
    public static DeliveredTraffic deliver(List<InteractionEvent> events, List<LateCopy> lateCopies,
                                           List<Channel> channels, DeliveryOptions options) {
        SplittableRandom rnd = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + 0x5DEECE66DL);
        long disorder = options.maxDisorder().toMillis();
        List<Arrival> arrivals = new ArrayList<>(events.size());
        long duplicates = 0;
        long[] arrivedAt = new long[events.size()];
        for (int i = 0; i < events.size(); i++) {
            InteractionEvent e = events.get(i);
            long t = e.getOccurredAt().toEpochMilli();
            arrivedAt[i] = t + rnd.nextLong(disorder + 1);
            arrivals.add(new Arrival(arrivedAt[i], i, 0, e));
            if (options.duplicateFraction() > 0 && rnd.nextDouble() < options.duplicateFraction()) {
                arrivals.add(new Arrival(t + rnd.nextLong(disorder + 1), i, 1, e));
                duplicates++;
            }
        }
        duplicates += addLateCopies(events, lateCopies, arrivedAt, arrivals);
        arrivals.sort(Comparator.comparingLong(Arrival::at).thenComparingInt(Arrival::index)
                .thenComparingInt(Arrival::copy));

        List<InteractionEvent> ordered = new ArrayList<>(arrivals.size());
        List<String> lines = new ArrayList<>(arrivals.size() + options.invalidLines());
        List<InvalidLine.Kind> kinds = new ArrayList<>(arrivals.size() + options.invalidLines()); // null: valid
        for (Arrival a : arrivals) {
            ordered.add(a.event());
            lines.add(EventJson.encode(a.event()));
            kinds.add(null);
        }
        for (int k = 0; k < options.invalidLines(); k++) {
            InvalidLine.Kind kind = InvalidLine.Kind.values()[k % InvalidLine.Kind.values().length];
            String text = invalidLine(kind, k, events, channels, rnd);
            int pos = rnd.nextInt(lines.size() + 1);
            lines.add(pos, text);
            kinds.add(pos, kind);
        }
        List<InvalidLine> bad = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (kinds.get(i) != null) {
                bad.add(new InvalidLine(i + 1, kinds.get(i), lines.get(i)));
            }
        }
        return new DeliveredTraffic(ordered, lines, duplicates, bad);
    }

    /** Each copy after its original's arrival, ordered after it on a tie; returns their number. */
    private static int addLateCopies(List<InteractionEvent> events, List<LateCopy> lateCopies, long[] arrivedAt,
                                     List<Arrival> arrivals) {
        if (lateCopies.isEmpty()) {
            return 0;
        }
        Map<InteractionEvent, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            index.put(events.get(i), i);
        }
        int copy = 2;
        for (LateCopy c : lateCopies) {
            Integer i = index.get(c.original());
            if (i == null) {
                throw new IllegalArgumentException("a late copy of an event that is not delivered: " + c.original());
            }
            arrivals.add(new Arrival(arrivedAt[i] + c.after().toMillis(), i, copy++, c.copy()));
        }
        return lateCopies.size();
    }

    private static String invalidLine(InvalidLine.Kind kind, int k, List<InteractionEvent> events,
                                      List<Channel> channels, SplittableRandom rnd) {
        String eventId = String.format("bad-%04d", k);
        InteractionEvent near = events.isEmpty() ? null : events.get(rnd.nextInt(events.size()));
        Instant at = near != null ? near.getOccurredAt() : Instant.parse("2026-03-02T12:00:00Z");
        switch (kind) {
            case MALFORMED_JSON -> {
                if (near == null || rnd.nextBoolean()) {
                    return "<html><body>502 Bad Gateway</body></html> #" + k;
                }
                InteractionEvent copy = InteractionEvent.newBuilder(near).setEventId(eventId).build();
                String json = EventJson.encode(copy);
                return json.substring(0, json.length() / 3 + rnd.nextInt(json.length() / 2)); // cut short
            }
            case OPENED_WITHOUT_CUSTOMER -> {
                return EventJson.encode(InteractionEvent.newBuilder()
                        .setEventId(eventId)
                        .setOccurredAt(at)
                        .setConversationId(String.format("orphan-%04d", k))
                        .setCustomerId(null)
                        .setChannel(channels.get(rnd.nextInt(channels.size())))
                        .setType(EventType.CONVERSATION_OPENED)
                        .build());
            }
            default -> {
                SurveyKind surveyKind = SurveyKind.values()[rnd.nextInt(4)];
                Survey survey = switch (surveyKind) {
                    case CSAT -> rnd.nextBoolean() ? new Survey(surveyKind, 6, null) : new Survey(surveyKind, 0, 5);
                    case NPS -> new Survey(surveyKind, 11, rnd.nextBoolean() ? null : 10);
                    case CES -> new Survey(surveyKind, 8, null);
                    default -> new Survey(surveyKind, 11, 10);
                };
                String conversation = near != null && near.getType() != EventType.ARTICLE_VIEWED
                        ? near.getConversationId() : String.format("orphan-%04d", k);
                Channel channel = near != null ? near.getChannel() : channels.get(0);
                return EventJson.encode(InteractionEvent.newBuilder()
                        .setEventId(eventId)
                        .setOccurredAt(at.plusMillis(1))
                        .setConversationId(conversation)
                        .setCustomerId(near != null ? near.getCustomerId() : null)
                        .setChannel(channel)
                        .setType(EventType.SURVEY_RESPONSE)
                        .setSurvey(survey)
                        .build());
            }
        }
    }
}
