package io.carekpi.tools.sim;

import io.carekpi.schema.Channel;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Which configured channel a contact uses: inbound contacts by a fixed weight per channel (voice
 * 30, WhatsApp 14, web chat and e-mail 12, ... any other 3), outbound ones mostly by voice, and
 * help-centre sessions on web chat and app.
 */
final class ChannelMix {
    private static final Map<Channel, Integer> INBOUND_WEIGHTS = Map.of(Channel.VOICE, 30, Channel.WHATSAPP, 14,
            Channel.WEB_CHAT, 12, Channel.EMAIL, 12, Channel.MESSENGER, 7, Channel.APP, 6, Channel.SMS, 5,
            Channel.INSTAGRAM, 5, Channel.TWITTER, 4, Channel.WECHAT, 3);

    private final List<Channel> channels;
    private final Map<Channel, Integer> weights = new EnumMap<>(Channel.class);
    private final Draws draws;

    ChannelMix(List<Channel> channels, Draws draws) {
        this.channels = channels;
        this.draws = draws;
        for (Channel c : channels) {
            weights.put(c, INBOUND_WEIGHTS.getOrDefault(c, 3));
        }
    }

    /** The channel of an inbound contact, by weight (one draw). */
    Channel pickInbound() {
        int total = 0;
        for (int w : weights.values()) {
            total += w;
        }
        int u = draws.below(total);
        for (Map.Entry<Channel, Integer> e : weights.entrySet()) {
            u -= e.getValue();
            if (u < 0) {
                return e.getKey();
            }
        }
        throw new AssertionError();
    }

    /** The channel an agent reaches out on: voice, WhatsApp, SMS or e-mail, voice most often. */
    Channel pickOutbound() {
        List<Channel> options = new ArrayList<>();
        for (Channel c : List.of(Channel.VOICE, Channel.WHATSAPP, Channel.SMS, Channel.EMAIL)) {
            if (channels.contains(c)) {
                options.add(c);
            }
        }
        if (options.isEmpty()) {
            return draws.pick(channels);
        }
        return channels.contains(Channel.VOICE) && draws.chance(0.6) ? Channel.VOICE : draws.pick(options);
    }

    /** The configured channels other than voice and e-mail. */
    List<Channel> messaging() {
        List<Channel> cs = new ArrayList<>();
        for (Channel c : channels) {
            if (c != Channel.VOICE && c != Channel.EMAIL) {
                cs.add(c);
            }
        }
        return cs;
    }

    /** Web chat and app if configured, else every messaging channel. */
    List<Channel> helpCentre() {
        List<Channel> cs = new ArrayList<>();
        for (Channel c : List.of(Channel.WEB_CHAT, Channel.APP)) {
            if (channels.contains(c)) {
                cs.add(c);
            }
        }
        return cs.isEmpty() ? messaging() : cs;
    }

    /** The channel a survey is sent on: {@code preferred} if configured, else voice. */
    Channel surveyChannel(Channel preferred) {
        return channels.contains(preferred) ? preferred : Channel.VOICE;
    }
}
