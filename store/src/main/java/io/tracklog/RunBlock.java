package io.tracklog;

/**
 * The body of a run for {@link Store#run}: the run ends FINISHED when it returns and FAILED when it
 * throws. {@code E} lets a body throw checked exceptions through unchanged.
 */
@FunctionalInterface
public interface RunBlock<E extends Exception> {
  void accept(RunWriter run) throws E;
}
