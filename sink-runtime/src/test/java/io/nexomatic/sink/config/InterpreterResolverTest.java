package io.nexomatic.sink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterpreterResolverTest {
  @TempDir Path tmp;

  private Path executable(Path p, String content) throws Exception {
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void bareNameIsFoundOnPathInOrderAndSymlinksResolved() throws Exception {
    Path real = executable(tmp.resolve("opt/pwsh-7/pwsh"), "#!/bin/sh\n");
    Path link = Files.createDirectories(tmp.resolve("bin")).resolve("pwsh");
    Files.createSymbolicLink(link, real);
    executable(tmp.resolve("later/pwsh"), "#!/bin/sh\n");
    Path got =
        new InterpreterResolver()
            .resolve(
                "pwsh",
                Map.of(
                    "PATH",
                    tmp.resolve("empty") + ":" + tmp.resolve("bin") + ":" + tmp.resolve("later")));
    assertThat(got).isEqualTo(real.toRealPath());
  }

  @Test
  void shimIsAskedOnceForTheRealInterpreter() throws Exception {
    Path real = executable(tmp.resolve("versions/3.12/bin/python3"), "#!/bin/sh\n");
    Path calls = tmp.resolve("calls");
    // A stand-in pyenv shim: answers the sys.executable question with the real path.
    executable(
        tmp.resolve("pyenv/shims/python3"),
        "#!/bin/sh\necho called >> "
            + calls
            + "\n[ \"$1\" = \"-c\" ] || exit 9\necho "
            + real
            + "\n");
    Path got =
        new InterpreterResolver()
            .resolve("python3", Map.of("PATH", tmp.resolve("pyenv/shims").toString()));
    assertThat(got).isEqualTo(real);
    assertThat(Files.readAllLines(calls)).hasSize(1);
  }

  @Test
  void failingShimIsAResolutionError() throws Exception {
    executable(
        tmp.resolve("pyenv/shims/python3"),
        "#!/bin/sh\necho 'pyenv: version not installed' >&2\nexit 1\n");
    assertThatThrownBy(
            () ->
                new InterpreterResolver()
                    .resolve("python3", Map.of("PATH", tmp.resolve("pyenv/shims").toString())))
        .isInstanceOf(InterpreterResolver.ResolutionException.class)
        .hasMessageContaining("failed to report sys.executable")
        .hasMessageContaining("version not installed");
  }

  @Test
  void missingCommandAndNonExecutablePathAreResolutionErrors() throws Exception {
    assertThatThrownBy(
            () -> new InterpreterResolver().resolve("pwsh", Map.of("PATH", tmp.toString())))
        .isInstanceOf(InterpreterResolver.ResolutionException.class)
        .hasMessageContaining("pwsh was not found on PATH");
    Path plain = tmp.resolve("plain");
    Files.writeString(plain, "");
    assertThatThrownBy(() -> new InterpreterResolver().resolve(plain.toString(), Map.of()))
        .hasMessageContaining("is not an executable file");
  }
}
