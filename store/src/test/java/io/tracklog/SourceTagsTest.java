package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.tracklog.format.Validation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SourceTags}: MLflow's run-start source tags, from fake repositories written by hand (loose
 * refs, packed-refs, detached HEAD, worktrees, corruption) and from the JVM's launch command.
 */
class SourceTagsTest {
  private static final String C1 = "0123456789abcdef0123456789abcdef01234567";
  private static final String C2 = "fedcba9876543210fedcba9876543210fedcba98";
  private static final String C3 = "1111111111111111111111111111111111111111";
  private static final Function<String, String> NO_ENV = name -> null;

  @TempDir Path tmp;

  // ---- git -------------------------------------------------------------------------------------

  @Test
  void looseBranchRef() throws IOException {
    Path repo = repo("repo", "ref: refs/heads/main\n");
    write(repo.resolve(".git/refs/heads/main"), C1 + "\n");

    assertThat(git(repo))
        .containsEntry(SourceTags.GIT_COMMIT, C1)
        .containsEntry(SourceTags.GIT_BRANCH, "main")
        .doesNotContainKey(SourceTags.GIT_REPO_URL);
  }

  @Test
  void branchOnlyInPackedRefs() throws IOException {
    Path repo = repo("repo", "ref: refs/heads/feature/x\n");
    write(
        repo.resolve(".git/packed-refs"),
        "# pack-refs with: peeled fully-peeled sorted \n"
            + C3 + " refs/heads/feature\n"
            + C2 + " refs/heads/feature/x\n"
            + C1 + " refs/tags/v1\n"
            + "^" + C3 + "\n");

    assertThat(git(repo))
        .containsEntry(SourceTags.GIT_COMMIT, C2)
        .containsEntry(SourceTags.GIT_BRANCH, "feature/x");
  }

  @Test
  void looseRefWinsOverPackedRefs() throws IOException {
    Path repo = repo("repo", "ref: refs/heads/main");
    write(repo.resolve(".git/refs/heads/main"), C1);
    write(repo.resolve(".git/packed-refs"), C2 + " refs/heads/main\n");

    assertThat(git(repo)).containsEntry(SourceTags.GIT_COMMIT, C1);
  }

  @Test
  void detachedHeadIsTheHashAndNoBranch() throws IOException {
    Path repo = repo("repo", C2 + "\n");

    assertThat(git(repo))
        .containsEntry(SourceTags.GIT_COMMIT, C2)
        .doesNotContainKey(SourceTags.GIT_BRANCH);
  }

  @Test
  void upperCaseHashIsReadAsGitReadsIt() throws IOException {
    Path repo = repo("upper", C2.toUpperCase(java.util.Locale.ROOT));

    assertThat(git(repo)).containsEntry(SourceTags.GIT_COMMIT, C2);
  }

  @Test
  void sha256Repository() throws IOException {
    String sha256 = C1 + C1.substring(0, 24);
    Path repo = repo("repo", sha256);

    assertThat(git(repo)).containsEntry(SourceTags.GIT_COMMIT, sha256);
  }

  @Test
  void nestedSubdirectoryFindsTheRepository() throws IOException {
    Path repo = repo("repo", "ref: refs/heads/main\n");
    write(repo.resolve(".git/refs/heads/main"), C1 + "\n");
    Path deep = Files.createDirectories(repo.resolve("a/b/c"));

    assertThat(git(deep)).containsEntry(SourceTags.GIT_COMMIT, C1);
  }

  @Test
  void worktreeGitFilePointsElsewhere() throws IOException {
    // The main repository holds the branch refs; the worktree has its own HEAD and a commondir.
    Path main = repo("main", "ref: refs/heads/main\n");
    write(main.resolve(".git/refs/heads/main"), C1 + "\n");
    write(main.resolve(".git/packed-refs"), C2 + " refs/heads/topic\n");
    write(main.resolve(".git/config"), "[remote \"origin\"]\n\turl = https://example.com/r.git\n");
    Path wtGitDir = main.resolve(".git/worktrees/wt");
    write(wtGitDir.resolve("HEAD"), "ref: refs/heads/topic\n");
    write(wtGitDir.resolve("commondir"), "../..\n");
    Path worktree = Files.createDirectories(tmp.resolve("elsewhere/wt"));
    write(worktree.resolve(".git"), "gitdir: " + wtGitDir + "\n");

    assertThat(git(worktree))
        .containsEntry(SourceTags.GIT_COMMIT, C2)
        .containsEntry(SourceTags.GIT_BRANCH, "topic")
        .containsEntry(SourceTags.GIT_REPO_URL, "https://example.com/r.git");
    assertThat(git(main)).containsEntry(SourceTags.GIT_COMMIT, C1);
  }

  @Test
  void relativeGitdirIsResolvedFromTheFolderOfTheFile() throws IOException {
    // A submodule's .git file: "gitdir: ../.git/modules/sub".
    Path parent = repo("parent", C1);
    Path modules = parent.resolve(".git/modules/sub");
    write(modules.resolve("HEAD"), C3);
    Path sub = Files.createDirectories(parent.resolve("sub"));
    write(sub.resolve(".git"), "gitdir: ../.git/modules/sub");

    assertThat(git(sub)).containsEntry(SourceTags.GIT_COMMIT, C3);
  }

  @Test
  void notARepository() throws IOException {
    Path plain = Files.createDirectories(tmp.resolve("plain/sub"));

    assertThat(SourceTags.readGit(plain)).isNull();
    assertThat(git(plain)).containsOnlyKeys(SourceTags.SOURCE_NAME, SourceTags.SOURCE_TYPE);
  }

  @Test
  void missingWorkingDirectoryOrNone() {
    assertThat(SourceTags.detect(tmp.resolve("does/not/exist"), "Main", "cp", NO_ENV))
        .containsOnlyKeys(SourceTags.SOURCE_NAME, SourceTags.SOURCE_TYPE);
    assertThat(SourceTags.detect(null, "Main", "cp", NO_ENV))
        .containsOnlyKeys(SourceTags.SOURCE_NAME, SourceTags.SOURCE_TYPE);
  }

  @Test
  void corruptHeadGivesNoCommit() throws IOException {
    for (String head :
        new String[] {
          "", "garbage\n", C1.substring(0, 39), C1 + "0", "ref:", "ref: HEAD",
          "ref: refs/heads/../../../../etc/passwd", "ref: refs/heads/", "\u0000\u0001\u00ff",
        }) {
      Path repo = repo("corrupt" + Math.abs(head.hashCode()), head);
      write(repo.resolve(".git/refs/heads/main"), C1);

      assertThat(git(repo)).as("HEAD %s", head).doesNotContainKeys(SourceTags.GIT_COMMIT);
    }
  }

  @Test
  void invalidUtf8HeadGivesNoCommit() throws IOException {
    Path repo = repo("bytes", "");
    Files.write(repo.resolve(".git/HEAD"), new byte[] {(byte) 0xff, (byte) 0xfe, 'r', 'e', 'f'});

    assertThat(git(repo)).doesNotContainKeys(SourceTags.GIT_COMMIT, SourceTags.GIT_BRANCH);
  }

  @Test
  void branchWithoutCommitsOrWithACorruptRef() throws IOException {
    Path unborn = repo("unborn", "ref: refs/heads/main\n");
    assertThat(git(unborn))
        .doesNotContainKey(SourceTags.GIT_COMMIT)
        .containsEntry(SourceTags.GIT_BRANCH, "main");

    Path badRef = repo("badref", "ref: refs/heads/main\n");
    write(badRef.resolve(".git/refs/heads/main"), "not a hash\n");
    assertThat(git(badRef)).doesNotContainKey(SourceTags.GIT_COMMIT);

    Path badPacked = repo("badpacked", "ref: refs/heads/main\n");
    write(badPacked.resolve(".git/packed-refs"), "zz refs/heads/main\n");
    assertThat(git(badPacked)).doesNotContainKey(SourceTags.GIT_COMMIT);
  }

  @Test
  void symbolicRefChainsAndLoopsEnd() throws IOException {
    Path chain = repo("chain", "ref: refs/heads/a\n");
    write(chain.resolve(".git/refs/heads/a"), "ref: refs/heads/b\n");
    write(chain.resolve(".git/refs/heads/b"), C2);
    assertThat(git(chain)).containsEntry(SourceTags.GIT_COMMIT, C2);

    Path loop = repo("loop", "ref: refs/heads/a\n");
    write(loop.resolve(".git/refs/heads/a"), "ref: refs/heads/b\n");
    write(loop.resolve(".git/refs/heads/b"), "ref: refs/heads/a\n");
    assertThat(git(loop)).doesNotContainKey(SourceTags.GIT_COMMIT);
  }

  @Test
  void brokenGitFileOrGitDirWithoutHead() throws IOException {
    Path broken = Files.createDirectories(tmp.resolve("broken"));
    write(broken.resolve(".git"), "gitdir: /nowhere/at/all\n");
    assertThat(SourceTags.readGit(broken)).isNull();

    // A .git folder without HEAD is not a repository; discovery goes on to the parent.
    Path outer = repo("outer", C1);
    Files.createDirectories(outer.resolve("inner/.git"));
    assertThat(git(outer.resolve("inner"))).containsEntry(SourceTags.GIT_COMMIT, C1);
  }

  @Test
  void repoUrlIsTheFirstRemoteWithoutCredentials() throws IOException {
    Path repo = repo("remotes", C1);
    write(
        repo.resolve(".git/config"),
        "[core]\n"
            + "\tbare = false\n"
            + "\turl = not-a-remote\n"
            + "[Remote \"upstream\"] # comment\n"
            + "\tURL = \"https://alice:s3cret@git.example.com/team/repo.git\" ; comment\n"
            + "\tfetch = +refs/heads/*:refs/remotes/upstream/*\n"
            + "[remote \"origin\"]\n"
            + "\turl = git@github.com:org/repo.git\n");

    assertThat(git(repo))
        .containsEntry(SourceTags.GIT_REPO_URL, "https://git.example.com/team/repo.git");
  }

  @Test
  void credentialsAreStrippedOnlyFromSchemeUrls() {
    assertThat(SourceTags.stripCredentials("https://tok@host/p?q=1"))
        .isEqualTo("https://host/p?q=1");
    assertThat(SourceTags.stripCredentials("ssh://git@host:22/p.git")).isEqualTo("ssh://host:22/p.git");
    assertThat(SourceTags.stripCredentials("git@github.com:org/repo.git"))
        .isEqualTo("git@github.com:org/repo.git");
    assertThat(SourceTags.stripCredentials("/srv/git/repo.git")).isEqualTo("/srv/git/repo.git");
    assertThat(SourceTags.stripCredentials("https://host/p@x")).isEqualTo("https://host/p@x");
  }

  @Test
  void configValuesWithContinuationsAndOldSectionSyntax() throws IOException {
    Path repo = repo("oldsyntax", C1);
    write(repo.resolve(".git/config"), "[remote.origin]\n  url = https://example.com/a\\\n/b.git\n");

    assertThat(git(repo)).containsEntry(SourceTags.GIT_REPO_URL, "https://example.com/a/b.git");
  }

  @Test
  void aTooLongValueIsSkippedNotTruncated() throws IOException {
    Path repo = repo("long", C1);
    String longUrl = "https://example.com/" + "x".repeat(Validation.MAX_TAG_VALUE_LENGTH);
    write(repo.resolve(".git/config"), "[remote \"origin\"]\n\turl = " + longUrl + "\n");

    assertThat(git(repo))
        .containsEntry(SourceTags.GIT_COMMIT, C1)
        .doesNotContainKey(SourceTags.GIT_REPO_URL);

    String longClass = "a".repeat(Validation.MAX_TAG_VALUE_LENGTH + 1);
    assertThat(SourceTags.detect(null, longClass, null, NO_ENV))
        .doesNotContainKey(SourceTags.SOURCE_NAME)
        .containsEntry(SourceTags.SOURCE_TYPE, SourceTags.LOCAL);
  }

  // ---- source name and type --------------------------------------------------------------------

  @Test
  void sourceNameIsTheMainClass() {
    assertThat(SourceTags.sourceName("com.example.Train --epochs 3", "target/classes:lib/a.jar"))
        .isEqualTo("com.example.Train");
    assertThat(SourceTags.sourceName("com.example.Train", null)).isEqualTo("com.example.Train");
    // -m module/class
    assertThat(SourceTags.sourceName("my.mod/com.example.Train x", "")).isEqualTo("com.example.Train");
  }

  @Test
  void sourceNameIsTheJarWhenLaunchedWithJar() {
    assertThat(SourceTags.sourceName("build/train.jar --lr 0.1", "build/train.jar"))
        .isEqualTo("build/train.jar");
    // the class path tells where a jar path with spaces ends
    assertThat(SourceTags.sourceName("my jobs/train.jar a b", "my jobs/train.jar"))
        .isEqualTo("my jobs/train.jar");
    assertThat(SourceTags.sourceName("/opt/app/Train.JAR", "/opt/app/Train.JAR"))
        .isEqualTo("/opt/app/Train.JAR");
    // class path unknown or rewritten (as Surefire does): the first word, if it is a jar
    assertThat(SourceTags.sourceName("/tmp/booter.jar 1 2", "a:b")).isEqualTo("/tmp/booter.jar");
  }

  @Test
  void sourceNameIsTheFileInSourceFileMode() {
    assertThat(
            SourceTags.sourceName("jdk.compiler/com.sun.tools.javac.launcher.Main Train.java 1 2", "."))
        .isEqualTo("Train.java");
    assertThat(
            SourceTags.sourceName(
                "jdk.compiler/com.sun.tools.javac.launcher.SourceLauncher my dir/Train.java x", "."))
        .isEqualTo("my dir/Train.java");
  }

  @Test
  void sourceNameIsConsoleWhenTheJvmDoesNotSay() {
    assertThat(SourceTags.sourceName(null, null)).isEqualTo("<console>");
    assertThat(SourceTags.sourceName("  ", "x.jar")).isEqualTo("<console>");
  }

  @Test
  void sourceTypeIsLocalUnlessAJobIsNamed() {
    assertThat(SourceTags.detect(null, "com.example.Train", "cp", NO_ENV))
        .containsExactly(
            entry(SourceTags.SOURCE_NAME, "com.example.Train"),
            entry(SourceTags.SOURCE_TYPE, "LOCAL"));

    Map<String, String> env =
        Map.of(SourceTags.JOB_ID_ENV, "42", SourceTags.JOB_RUN_ID_ENV, " 7 ", "CI", "true");
    assertThat(SourceTags.detect(null, "com.example.Train", "cp", env::get))
        .containsExactly(
            entry(SourceTags.SOURCE_NAME, "jobs/42/run/7"), entry(SourceTags.SOURCE_TYPE, "JOB"));

    // one of the two is not a job, nor is a blank value
    Map<String, String> half = Map.of(SourceTags.JOB_ID_ENV, "42", SourceTags.JOB_RUN_ID_ENV, "");
    assertThat(SourceTags.detect(null, "com.example.Train", "cp", half::get))
        .containsEntry(SourceTags.SOURCE_TYPE, "LOCAL")
        .containsEntry(SourceTags.SOURCE_NAME, "com.example.Train");
  }

  @Test
  void failingEnvironmentLookupIsNoFailure() {
    Function<String, String> throwing =
        name -> {
          throw new SecurityException("no");
        };
    assertThat(SourceTags.detect(null, "Main", null, throwing))
        .containsEntry(SourceTags.SOURCE_TYPE, "LOCAL");
  }

  @Test
  void allTagsTogetherInOrderAndUnmodifiable() throws IOException {
    Path repo = repo("all", "ref: refs/heads/main\n");
    write(repo.resolve(".git/refs/heads/main"), C1);
    write(repo.resolve(".git/config"), "[remote \"origin\"]\n\turl = https://example.com/r.git\n");

    Map<String, String> tags = SourceTags.detect(repo, "train.jar x", "train.jar", NO_ENV);

    assertThat(tags)
        .containsExactly(
            entry("mlflow.source.name", "train.jar"),
            entry("mlflow.source.type", "LOCAL"),
            entry("mlflow.source.git.commit", C1),
            entry("mlflow.source.git.branch", "main"),
            entry("mlflow.source.git.repoURL", "https://example.com/r.git"));
    assertThat(tags).doesNotContainKey(SystemTags.USER);
    for (Map.Entry<String, String> e : tags.entrySet()) {
      Validation.tagKey(e.getKey());
      Validation.tagValue(e.getKey(), e.getValue());
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> tags.put("k", "v"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void currentReadsThisJvm() {
    Map<String, String> tags = SourceTags.current();

    assertThat(tags).containsKeys(SourceTags.SOURCE_NAME, SourceTags.SOURCE_TYPE);
    assertThat(tags.get(SourceTags.SOURCE_NAME)).isNotBlank();
    assertThat(SourceTags.current()).isSameAs(tags);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** A work tree named {@code name} with a {@code .git} folder whose HEAD holds {@code head}. */
  private Path repo(String name, String head) throws IOException {
    Path repo = Files.createDirectories(tmp.resolve(name));
    Files.createDirectories(repo.resolve(".git/refs/heads"));
    Files.createDirectories(repo.resolve(".git/objects"));
    write(repo.resolve(".git/HEAD"), head);
    return repo;
  }

  private static Map<String, String> git(Path workingDirectory) {
    return SourceTags.detect(workingDirectory, "Main", null, NO_ENV);
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
