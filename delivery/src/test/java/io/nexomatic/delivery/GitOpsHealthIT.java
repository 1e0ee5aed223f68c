package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.nexomatic.hub.testing.RequiredTool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs delivery/gitops-health with Go: examples/argocd/health.lua under gopher-lua, the Lua Argo CD
 * embeds, opened as Argo CD opens it (no string or math library, which LuaJ's standard globals in
 * {@link ArgoCdHealthLuaTest} would hide), and every health fixture through kstatus, the library
 * Flux's kustomize-controller judges a SinkFleet with. Both tools come from the Go module proxy.
 */
class GitOpsHealthIT {
  private static final Path MODULE = Repo.ROOT.resolve("delivery/gitops-health");

  @Test
  void argoCdsLuaAndFluxsKstatusReportEveryFixtureAsExpected() {
    Path go =
        RequiredTool.require("go", "the GitOps health check builds Argo CD's Lua and kstatus");
    Processes.Result r =
        Processes.run(
            Duration.ofMinutes(10),
            null,
            List.of(go.toString(), "test", "-count=1", "-v", "./..."),
            Map.of("GOFLAGS", "-mod=readonly"),
            MODULE);

    assertThat(r.exit()).as("go test:\n%s\n%s", r.out(), r.err()).isZero();
    List<String> fixtures =
        Repo.files(Repo.ROOT.resolve("delivery/src/test/resources/argocd-health")).stream()
            .map(p -> p.getFileName().toString().replace(".yaml", ""))
            .toList();
    assertThat(fixtures).hasSizeGreaterThanOrEqualTo(14);
    for (String f : fixtures) {
      assertThat(r.out())
          .contains("--- PASS: TestArgoCdHealthUnderGopherLua/" + f)
          .contains("--- PASS: TestFluxKstatus/" + f);
    }
  }
}
