package io.tracklog.testing;

import io.tracklog.Store;
import java.nio.file.Path;

/**
 * Child JVM for the set-or-create race: {@code root}. Prints {@code READY}; then for each stdin line
 * {@code SET <name>} calls {@code setExperiment(name)} at once and prints {@code ID <name> <id>}, until
 * {@code EXIT}.
 */
public final class SetExperimentChild {
  private SetExperimentChild() {}

  public static void main(String[] args) {
    try (Store store = Store.open(Path.of(args[0]))) {
      ChildIo.say("READY");
      for (String line = ChildIo.hear(); !line.equals("EXIT"); line = ChildIo.hear()) {
        if (!line.startsWith("SET ")) {
          throw new IllegalStateException("unexpected line " + line);
        }
        String name = line.substring(4);
        ChildIo.say("ID " + name + " " + store.setExperiment(name).experimentId());
      }
    }
    ChildIo.say("BYE");
  }
}
