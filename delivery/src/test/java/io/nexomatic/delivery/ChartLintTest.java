package io.nexomatic.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

/** helm lint --strict: warnings fail too. */
class ChartLintTest {

  @Test
  void theChartLintsCleanInStrictMode() {
    LintResult result = new Helm(Repo.CHART).lint().strict().call();

    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .as("only the informational note about a chart icon is allowed")
        .allMatch(m -> m.startsWith("[INFO]"));
  }
}
