package io.nexomatic.operator.children;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.SinkFleet;
import io.nexomatic.operator.sink.SinkEnv;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The one-task pods of an Ephemeral fleet: the fleet's sink pod, told to take exactly one task. */
public final class EphemeralPods {

  /** Marks the pods the operator starts one per task, and selects them. */
  public static final String EPHEMERAL_LABEL = "sinks.nexomatic.io/ephemeral";

  /** What makes a sink ephemeral: one slot, no prefetch, and a budget of one task. */
  static final Map<String, String> ONE_TASK_ENV =
      Map.of(SinkEnv.CONCURRENCY, "1", SinkEnv.PREFETCH, "0", SinkEnv.MAX_TASKS, "1");

  private EphemeralPods() {}

  /** Whether {@code fleet} runs one-task pods instead of a Deployment: Ephemeral, not suspended. */
  public static boolean runFor(SinkFleet fleet) {
    return AutoscalingMode.EPHEMERAL.activeFor(fleet);
  }

  /** The labels that select {@code fleet}'s one-task pods. */
  public static Map<String, String> selector(SinkFleet fleet) {
    var labels = new LinkedHashMap<>(FleetLabels.selector(fleet));
    labels.put(EPHEMERAL_LABEL, "true");
    return labels;
  }

  /**
   * A new one-task pod for {@code fleet}: a generated name, owned (as controller) by the fleet so
   * it goes when the fleet goes, and never restarted, since its sink exits 0 once its one task is
   * delivered.
   */
  public static Pod build(SinkFleet fleet, FleetInputs inputs) {
    var template = SinkPodTemplate.podTemplate(fleet, inputs);
    var labels = new LinkedHashMap<>(template.getMetadata().getLabels());
    labels.putAll(selector(fleet));
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withGenerateName(fleet.getMetadata().getName() + "-task-")
            .withNamespace(fleet.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(template.getMetadata().getAnnotations())
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(HasMetadata.getApiVersion(SinkFleet.class))
                    .withKind(HasMetadata.getKind(SinkFleet.class))
                    .withName(fleet.getMetadata().getName())
                    .withUid(fleet.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .endMetadata()
            .withSpec(template.getSpec())
            .build();
    pod.getSpec().setRestartPolicy("Never");
    for (var container : pod.getSpec().getContainers()) {
      container.setEnv(oneTask(container.getEnv()));
    }
    return pod;
  }

  private static List<EnvVar> oneTask(List<EnvVar> env) {
    Set<String> replaced = ONE_TASK_ENV.keySet();
    var result = new ArrayList<EnvVar>();
    for (var variable : env) {
      if (!replaced.contains(variable.getName())) {
        result.add(variable);
      }
    }
    ONE_TASK_ENV.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> result.add(new EnvVar(e.getKey(), e.getValue(), null)));
    return result;
  }
}
