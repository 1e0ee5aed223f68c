package io.nexomatic.sink.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nexomatic.protocol.v1.TaskState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The result a bootstrap writes to {@code NEXOMATIC_RESULT_FILE}: a side channel separate from
 * stdout, so nothing a module prints can forge or corrupt it.
 *
 * <p>Format: {@code {"state": "SUCCESS"|"WARNING"|"ERROR", "result_code": n, "messages": [..],
 * "data": {..}|null}}. A bootstrap that is about to hand control to code that may end the whole
 * interpreter (PowerShell's {@code exit} inside a function) first writes {@code {"pending": true,
 * "exit_code_is_result": true, "messages": [..]}}: the process exit code then is the result code.
 *
 * @param state SUCCESS, WARNING or ERROR
 * @param resultCode the result code
 * @param messages result messages
 * @param dataJson returned data as JSON, empty when none
 */
public record ModuleResult(
    TaskState state, int resultCode, List<String> messages, String dataJson) {
  /** Results larger than this are refused rather than read into memory. */
  static final long MAX_RESULT_BYTES = 4L * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Copies the messages. */
  public ModuleResult {
    messages = List.copyOf(messages);
  }

  /**
   * Reads the result file after the process exited with {@code exitCode}; empty when the bootstrap
   * wrote none (killed, {@code os._exit}).
   */
  public static Optional<ModuleResult> read(Path file, int exitCode) {
    JsonNode root;
    try {
      long size = Files.size(file);
      if (size > MAX_RESULT_BYTES) {
        return Optional.of(
            error(
                exitCode,
                "result too large: " + size + " bytes (at most " + MAX_RESULT_BYTES + ")"));
      }
      try (InputStream in = Files.newInputStream(file)) {
        root = JSON.readTree(in);
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(
          error(exitCode, "unreadable result from the bootstrap: " + e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      return Optional.of(error(exitCode, "malformed result from the bootstrap: not an object"));
    }
    List<String> messages = new ArrayList<>();
    for (JsonNode m : root.path("messages")) {
      messages.add(m.isTextual() ? m.asText() : m.toString());
    }
    if (root.path("pending").asBoolean(false)) {
      if (!root.path("exit_code_is_result").asBoolean(false)) {
        return Optional.empty();
      }
      if (exitCode == 0) {
        return Optional.of(new ModuleResult(TaskState.SUCCESS, 0, messages, ""));
      }
      messages.add("exited with code " + exitCode);
      return Optional.of(new ModuleResult(TaskState.ERROR, exitCode, messages, ""));
    }
    TaskState state;
    switch (root.path("state").asText("")) {
      case "SUCCESS" -> state = TaskState.SUCCESS;
      case "WARNING" -> state = TaskState.WARNING;
      case "ERROR" -> state = TaskState.ERROR;
      default -> {
        return Optional.of(
            error(exitCode, "malformed result from the bootstrap: state " + root.path("state")));
      }
    }
    int code = root.path("result_code").isInt() ? root.path("result_code").asInt() : exitCode;
    JsonNode data = root.path("data");
    String dataJson = data.isMissingNode() || data.isNull() ? "" : data.toString();
    return Optional.of(new ModuleResult(state, code, messages, dataJson));
  }

  private static ModuleResult error(int exitCode, String message) {
    return new ModuleResult(TaskState.ERROR, exitCode == 0 ? 1 : exitCode, List.of(message), "");
  }
}
