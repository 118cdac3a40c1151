/**
 * The engine's input at its edge, as immutable records shared by the formats ({@code io}), the
 * connectors and the Flink wiring: the bytes or text of one input record ({@link RawInput}), what
 * decoding it gave ({@link Decoded}: a {@link DecodedEvent} or a {@link Rejection} with its reason),
 * and the rejections themselves (dead letters and late events). Plain Java: no Flink types, and no
 * arrow back to the packages that use it.
 */
package io.carekpi.events;
