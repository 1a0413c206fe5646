package io.tracklog.testing;

import io.tracklog.log.ProcessLock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Child JVM driving {@link ProcessLock} from several threads by stdin commands: {@code HOLD f} (a
 * thread takes the lock, prints {@code HOLDING f}, keeps it until {@code RELEASE f}), {@code WANT f}
 * (a thread prints {@code WANTING f}, takes the lock, prints {@code GOT f} or {@code ERROR f ...} and
 * lets go), {@code EXIT}.
 */
public final class LockCycleChild {
  private LockCycleChild() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, CountDownLatch> releases = new ConcurrentHashMap<>();
    List<Thread> threads = new ArrayList<>();
    for (String line = ChildIo.hear(); !line.equals("EXIT"); line = ChildIo.hear()) {
      String[] cmd = line.split(" ", 2);
      String file = cmd[1];
      Runnable body =
          switch (cmd[0]) {
            case "HOLD" -> {
              CountDownLatch release = new CountDownLatch(1);
              releases.put(file, release);
              yield () ->
                  ProcessLock.withLock(
                      Path.of(file),
                      () -> {
                        ChildIo.say("HOLDING " + file);
                        try {
                          release.await();
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      });
            }
            case "WANT" -> () -> {
              ChildIo.say("WANTING " + file);
              try {
                ProcessLock.withLock(Path.of(file), () -> ChildIo.say("GOT " + file));
              } catch (RuntimeException e) {
                ChildIo.say("ERROR " + file + " " + e + " / " + e.getCause());
              }
            };
            case "RELEASE" -> {
              releases.get(file).countDown();
              yield null;
            }
            default -> throw new IllegalArgumentException(line);
          };
      if (body != null) {
        Thread t = new Thread(body, line);
        t.start();
        threads.add(t);
      }
    }
    for (Thread t : threads) {
      t.join();
    }
    ChildIo.say("BYE");
  }
}
