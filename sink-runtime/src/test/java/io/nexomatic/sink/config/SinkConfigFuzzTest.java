package io.nexomatic.sink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random sink environments, seeded so a failure can be replayed: whatever the values, the loader
 * either returns a configuration or lists problems that each start with the variable they are
 * about; it never throws anything else, and never repeats a secret it was given.
 */
class SinkConfigFuzzTest {
  private static final int ENVIRONMENTS = 3_000;
  private static final long SEED = Long.getLong("fuzz.seed", 20261202L);
  private static final String SECRET_MARK = "s3cr3t-";

  @TempDir Path tmp;

  /** Values that have broken parsers before: empty, blank, signs, units, overflow, paths, URLs. */
  private List<String> interestingValues() throws IOException {
    Path file = Files.writeString(tmp.resolve("file.txt"), "content\n");
    Path dir = Files.createDirectories(tmp.resolve("dir"));
    return List.of(
        "",
        " ",
        "0",
        "1",
        "-1",
        "4",
        "65536",
        "99999999999999999999",
        "1.5",
        "abc",
        "true",
        "false",
        "yes",
        "TRUE",
        "30s",
        "250ms",
        "2m",
        "1h",
        "-5s",
        "10x",
        "1e3",
        "é€😀",
        "a".repeat(600),
        "LOCAL:BASE",
        "LOCAL:PWSH",
        UUID.randomUUID().toString(),
        "https://hub.example.com:50051",
        "hub.example.com",
        "[::1]",
        "json",
        "text",
        "debug",
        "client_secret",
        "entra_id",
        "A,B,,c d",
        "/nonexistent/path",
        file.toString(),
        dir.toString(),
        "relative/path");
  }

  @Test
  void everyRandomEnvironmentEndsInAConfigurationOrNamedProblemsWithoutEchoingASecret()
      throws IOException {
    Random random = new Random(SEED);
    List<String> values = interestingValues();
    Path modules = Files.createDirectories(tmp.resolve("modules"));
    List<String> names = new ArrayList<>(new TreeMap<>(asMap(SinkVariables.ALL)).keySet());
    names.add("TASK_ENV_FOO");
    names.add("TASK_ENV_CLIENT_SECRET");
    names.add("TASK_ENV_");
    int configs = 0;
    int refused = 0;
    for (int n = 0; n < ENVIRONMENTS; n++) {
      Map<String, String> env = new TreeMap<>();
      List<String> secrets = new ArrayList<>();
      // Not the machine's PATH: a pyenv shim there would be asked for its interpreter each time.
      env.put("PATH", "/usr/bin:/bin");
      // A third start valid and change a little, so near-misses are covered, not only chaos.
      boolean nearValid = random.nextInt(3) == 0;
      if (nearValid) {
        String secret = SECRET_MARK + Long.toHexString(random.nextLong());
        secrets.add(secret);
        env.put("HUB_HOST", "hub.example.com");
        env.put("CLIENT_ID", "LOCAL:BASE");
        env.put("CLIENT_SECRET", secret);
        env.put("MODULES_PATH", modules.toString());
      }
      for (String name : names) {
        if (random.nextInt(nearValid ? 20 : 3) != 0) {
          continue;
        }
        String value;
        if (name.contains("SECRET") && !name.endsWith("_FILE") && random.nextBoolean()) {
          value = SECRET_MARK + Long.toHexString(random.nextLong());
          secrets.add(value);
        } else if (name.endsWith("SECRET_FILE") && random.nextBoolean()) {
          String secret = SECRET_MARK + Long.toHexString(random.nextLong());
          secrets.add(secret);
          value = Files.writeString(tmp.resolve("secret-" + n + "-" + name), secret).toString();
        } else {
          value = values.get(random.nextInt(values.size()));
        }
        env.put(name, value);
      }
      String replay = "environment " + n + " of seed " + SEED + " (-Dfuzz.seed=" + SEED + ")";
      try {
        SinkConfig config = new SinkConfigLoader(new InterpreterResolver()).parse(env);
        configs++;
        for (String secret : secrets) {
          assertThat(config.toString()).as(replay).doesNotContain(secret);
        }
      } catch (ConfigException e) {
        refused++;
        assertThat(e.problems()).as(replay).isNotEmpty();
        for (String problem : e.problems()) {
          String variable = problem.split(" ", 2)[0];
          assertThat(SinkVariables.ALL.contains(variable) || variable.startsWith("TASK_ENV_"))
              .as("%s: \"%s\" names no variable", replay, problem)
              .isTrue();
          for (String secret : secrets) {
            assertThat(problem).as(replay).doesNotContain(secret);
          }
        }
      } catch (RuntimeException e) {
        fail(replay + " threw " + e, e);
      }
    }
    System.out.printf(
        "[config-fuzz] %d environments (seed %d): %d loaded, %d refused with named problems%n",
        ENVIRONMENTS, SEED, configs, refused);
    assertThat(configs)
        .as("some environments are valid, or the generator is too harsh")
        .isPositive();
  }

  private static Map<String, Boolean> asMap(java.util.Set<String> names) {
    Map<String, Boolean> map = new TreeMap<>();
    names.forEach(name -> map.put(name, true));
    return map;
  }
}
