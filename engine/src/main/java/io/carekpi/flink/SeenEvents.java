package io.carekpi.flink;

/**
 * The v1 layout of the dedup stage's state, kept only so that savepoints of builds before
 * {@link io.carekpi.kpi.SeenEvents} restore: {@link EarlierBuildIds#migrate} reads it once at restore.
 * Its name, package and fields are what those savepoints name; do not change them. Remove it with
 * the last supported savepoint of that layout.
 *
 * @deprecated v1 state layout, read only by the state migration
 */
@Deprecated
public class SeenEvents {
    public long[] hashes;
    public long[] until;
    public int size;

    public SeenEvents() {}
}
