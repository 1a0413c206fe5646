package io.tracklog.testing;

import io.tracklog.Store;
import io.tracklog.registry.ModelRegistry;
import io.tracklog.registry.ModelVersion;
import java.nio.file.Path;

/**
 * Child JVM registering versions of one model: {@code root name count}. Prints {@code READY}, waits
 * for {@code GO}, then registers {@code count} versions (0: until killed), each followed by moving the
 * alias {@code latest-<pid>} to it, printing {@code V <version>} once both returned; then {@code DONE}.
 */
public final class RegistryChild {
  private RegistryChild() {}

  public static void main(String[] args) {
    String name = args[1];
    int count = Integer.parseInt(args[2]);
    String alias = "latest-" + ProcessHandle.current().pid();
    try (Store store = Store.open(Path.of(args[0]))) {
      ModelRegistry registry = store.registry();
      ChildIo.say("READY");
      ChildIo.expect("GO");
      for (int i = 0; count == 0 || i < count; i++) {
        ModelVersion v = registry.registerModel("s3://bucket/" + name + "/" + i, name);
        registry.setRegisteredModelAlias(name, alias, v.version());
        ChildIo.say("V " + v.version());
      }
    }
    ChildIo.say("DONE");
  }
}
