package io.nexomatic.sink.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a secret from {@code NAME} or from the file named by {@code NAME_FILE}. Problems name the
 * variables and files, never the value.
 */
final class SecretSettings {
  private SecretSettings() {}

  /** The secret in {@code name} or {@code name_FILE}; exactly one of them when required. */
  static Optional<Secret> read(EnvReader r, String name, boolean required) {
    String fileVar = name + "_FILE";
    Optional<String> direct = r.optional(name);
    Optional<String> file = r.optional(fileVar);
    if (direct.isPresent() && file.isPresent()) {
      r.problem(name, "and " + fileVar + " are both set; set only one of them");
      return Optional.empty();
    }
    if (direct.isPresent()) {
      return Optional.of(Secret.of(direct.get()));
    }
    if (file.isPresent()) {
      return fromFile(r, fileVar, file.get());
    }
    if (required) {
      String why =
          name.equals("CLIENT_SECRET")
              ? "is required when AUTH_METHOD=client_secret"
              : "is required when TENANT_UUID is set";
      r.problem(name, why + "; set " + name + " or " + fileVar);
    }
    return Optional.empty();
  }

  private static Optional<Secret> fromFile(EnvReader r, String fileVar, String file) {
    try {
      String content = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      // Secret files usually end with a newline from `echo` or an editor; it is not part of it.
      int end = content.length();
      while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
        end--;
      }
      if (end == 0) {
        r.problem(fileVar, "names " + file + ", which is empty; put the secret in it");
        return Optional.empty();
      }
      return Optional.of(Secret.of(content.substring(0, end)));
    } catch (IOException | InvalidPathException e) {
      r.problem(
          fileVar,
          "names "
              + file
              + ", which cannot be read ("
              + e.getClass().getSimpleName()
              + "); mount the secret file there");
      return Optional.empty();
    }
  }
}
