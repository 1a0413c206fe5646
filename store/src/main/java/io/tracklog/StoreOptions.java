package io.tracklog;

import java.time.InstantSource;
import java.util.Objects;

/**
 * How a {@link Store} behaves. Immutable; make one with {@link #builder()} or take {@link #defaults()}.
 *
 * @param clock where timestamps come from (tests inject a fixed one)
 * @param durability when logs are forced to disk
 * @param userName the user recorded on new runs ({@code user_id} and the {@code mlflow.user} tag)
 * @param killRunsAtShutdown end runs whose writer is still open at JVM shutdown as KILLED
 * @param compaction when runs are compacted into Arrow files without an explicit {@link Store#compact()}
 * @param segmentCompression how compacted Arrow files are compressed ({@link SegmentCompression#AUTO} by default)
 * @param sourceTags set MLflow's source tags on new runs ({@code mlflow.source.name}, {@code
 *     mlflow.source.type}, {@code mlflow.source.git.*} of the working directory); on by default
 */
public record StoreOptions(
    InstantSource clock,
    Durability durability,
    String userName,
    ShutdownPolicy killRunsAtShutdown,
    CompactionTrigger compaction,
    SegmentCompression segmentCompression,
    boolean sourceTags) {

  /** When a store compacts on its own. */
  public enum CompactionTrigger {
    /** Only when {@link Store#compact()} is called. */
    MANUAL,
    /** A run is compacted when a writer that ended it closes. The default. */
    WHEN_RUN_CLOSES
  }

  /** What happens to runs whose writers are still open when the JVM shuts down. */
  public enum ShutdownPolicy {
    /** End them as KILLED, as MLflow's atexit hook does. The default. */
    END_AS_KILLED,
    /** Leave them RUNNING (their writer lease is dropped, so {@link Store#orphanedRuns()} finds them). */
    LEAVE_RUNNING,
    /**
     * Do nothing at shutdown: whoever opened the store closes it, in its own shutdown hook (a
     * tracking server drains its requests first). Runs stay RUNNING, as with LEAVE_RUNNING.
     */
    OWNER_CLOSES
  }

  public static final Durability DEFAULT_DURABILITY = Durability.SYNC_ON_END;

  public StoreOptions {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(userName, "userName");
    Objects.requireNonNull(killRunsAtShutdown, "killRunsAtShutdown");
    Objects.requireNonNull(compaction, "compaction");
    Objects.requireNonNull(segmentCompression, "segmentCompression");
  }

  public static StoreOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A set-once builder: setting an option twice is an error. */
  public static final class Builder {
    private InstantSource clock;
    private Durability durability;
    private String userName;
    private ShutdownPolicy shutdownPolicy;
    private CompactionTrigger compaction;
    private SegmentCompression segmentCompression;
    private boolean noSourceTags;

    /** Whether new runs get MLflow's source tags (on by default; tests of exact tag sets turn it off). */
    public Builder sourceTags(boolean on) {
      this.noSourceTags = !on;
      return this;
    }

    private Builder() {}

    public Builder segmentCompression(SegmentCompression compression) {
      if (this.segmentCompression != null) {
        throw new IllegalStateException("segmentCompression was already set to " + this.segmentCompression);
      }
      this.segmentCompression = Objects.requireNonNull(compression, "compression");
      return this;
    }

    public Builder compaction(CompactionTrigger trigger) {
      if (this.compaction != null) {
        throw new IllegalStateException("compaction was already set to " + this.compaction);
      }
      this.compaction = Objects.requireNonNull(trigger, "trigger");
      return this;
    }

    public Builder clock(InstantSource clock) {
      if (this.clock != null) {
        throw new IllegalStateException("clock was already set to " + this.clock);
      }
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder durability(Durability durability) {
      if (this.durability != null) {
        throw new IllegalStateException("durability was already set to " + this.durability);
      }
      this.durability = Objects.requireNonNull(durability, "durability");
      return this;
    }

    public Builder userName(String userName) {
      if (this.userName != null) {
        throw new IllegalStateException("userName was already set to " + this.userName);
      }
      this.userName = Objects.requireNonNull(userName, "userName");
      return this;
    }

    public Builder shutdownPolicy(ShutdownPolicy policy) {
      if (this.shutdownPolicy != null) {
        throw new IllegalStateException("shutdownPolicy was already set to " + this.shutdownPolicy);
      }
      this.shutdownPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    public StoreOptions build() {
      return new StoreOptions(
          clock == null ? InstantSource.system() : clock,
          durability == null ? DEFAULT_DURABILITY : durability,
          userName == null ? System.getProperty("user.name", "unknown") : userName,
          shutdownPolicy == null ? ShutdownPolicy.END_AS_KILLED : shutdownPolicy,
          compaction == null ? CompactionTrigger.WHEN_RUN_CLOSES : compaction,
          segmentCompression == null ? SegmentCompression.AUTO : segmentCompression,
          !noSourceTags);
    }
  }
}
