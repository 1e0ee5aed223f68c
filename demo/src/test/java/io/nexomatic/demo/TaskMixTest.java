package io.nexomatic.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TaskMixTest {

  @Test
  void aBatchOfAHundredFollowsTheMixAndInterleavesTheKinds() {
    var batch = TaskMix.batch(100);
    Map<TaskMix, Long> counts =
        batch.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    for (TaskMix kind : TaskMix.values()) {
      assertThat(counts.get(kind)).as(kind.module).isEqualTo(kind.percent);
    }
    assertThat(batch.subList(0, 10).stream().distinct().count())
        .as("the first ten tasks are not all of one kind")
        .isGreaterThan(2);
  }
}
