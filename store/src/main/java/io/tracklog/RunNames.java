package io.tracklog;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Generates run names the way MLflow does: {@code <adjective>-<noun>-<0..999>}, e.g. {@code
 * brave-otter-42}. The word lists are Tracklog's own.
 */
final class RunNames {
  private static final List<String> ADJECTIVES =
      List.of(
          "able", "agile", "amber", "ample", "bold", "brave", "breezy", "bright", "brisk", "calm",
          "clever", "crisp", "curious", "daring", "eager", "earnest", "fancy", "fearless", "fierce",
          "gentle", "glad", "golden", "grand", "handsome", "happy", "hearty", "honest", "humble",
          "jolly", "keen", "kind", "lively", "loyal", "lucky", "merry", "mighty", "nimble", "noble",
          "patient", "plucky", "polite", "proud", "quick", "quiet", "rapid", "restless", "rustic",
          "serene", "sharp", "shiny", "silent", "sleek", "smart", "snappy", "steady", "sturdy",
          "sunny", "swift", "tidy", "vivid", "warm", "wise", "witty", "zesty");
  private static final List<String> NOUNS =
      List.of(
          "ant", "badger", "bat", "bear", "bee", "bison", "boar", "carp", "cat", "colt", "crab",
          "crane", "crow", "deer", "dove", "duck", "eagle", "eel", "elk", "falcon", "finch", "fox",
          "frog", "gnat", "goat", "goose", "hare", "hawk", "heron", "horse", "ibis", "jay", "koala",
          "lark", "lemur", "lynx", "mole", "moose", "moth", "mule", "newt", "otter", "owl", "panda",
          "perch", "pike", "pony", "quail", "ram", "raven", "robin", "seal", "shark", "shrew",
          "sloth", "snail", "squid", "stoat", "swan", "tern", "toad", "trout", "vole", "wasp",
          "whale", "wolf", "wren", "yak", "zebra");

  private RunNames() {}

  static String generate(RandomGenerator random) {
    return ADJECTIVES.get(random.nextInt(ADJECTIVES.size()))
        + "-"
        + NOUNS.get(random.nextInt(NOUNS.size()))
        + "-"
        + random.nextInt(1000);
  }
}
