package io.tracklog.registry;

import java.util.Objects;

/**
 * One entry of a registered model's audit trail ({@link ModelRegistry#history}): one event of the
 * registry log, as it was written.
 *
 * @param timeMs when the change was made (epoch ms)
 * @param user who made it ({@code StoreOptions.userName()} of the writing store)
 * @param name the model's name when the change was made (before a later rename)
 * @param version the version changed, or null for a change to the model itself
 * @param kind what changed, in lower-case words: {@code model created}, {@code version created},
 *     {@code stage transitioned}, {@code alias set}…
 * @param details the change's values in short {@code key=value} form, e.g. {@code stage=Production
 *     archive_existing_versions=true}
 */
public record RegistryChange(long timeMs, String user, String name, Integer version, String kind, String details) {
  public RegistryChange {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(details, "details");
  }
}
