package io.tracklog.testing;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand. */
public final class ManualClock implements InstantSource {
  private final AtomicLong millis;

  public ManualClock(long start) {
    millis = new AtomicLong(start);
  }

  public void set(long value) {
    millis.set(value);
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public long millis() {
    return millis.get();
  }
}
