package io.tracklog;

/**
 * When appended events are forced to the storage device.
 *
 * <p>Every log call has reached the OS page cache when it returns, whatever the setting: it survives
 * the process being killed. Only a power loss or kernel crash can lose what was not synced.
 */
public enum Durability {
  /** Never sync on its own; call {@link RunWriter#sync()} or {@link Store#sync()} where needed. */
  PAGE_CACHE,
  /** Sync a run's log when the run ends and when its writer closes. The default. */
  SYNC_ON_END,
  /** Sync after every call: power-loss safe per call, and far slower (one msync each). */
  SYNC_EACH_CALL
}
