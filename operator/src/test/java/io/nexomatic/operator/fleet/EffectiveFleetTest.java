package io.nexomatic.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.nexomatic.operator.model.SinkFleetSpec;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class EffectiveFleetTest {

  /** The packages that act on a fleet once it is validated. */
  private static final List<Path> CONSUMERS =
      Stream.of("children", "scaling", "hub")
          .map(p -> Path.of("src/main/java/io/nexomatic/operator", p))
          .toList();

  /**
   * Reads that share a getter name with an option but are not of a defaulted field: a Deployment's
   * replicas, a pending scale-down's, the Fixed fallback's count (no default) and a capacity
   * schedule's floor.
   */
  private static final Pattern NOT_THE_FLEETS =
      Pattern.compile(
          "\\b(d|actual|created|desired)\\.getSpec\\(\\)\\.getReplicas\\(\\)"
              + "|\\bpending\\.getReplicas\\(\\)"
              + "|getFallback\\(\\)\\.getReplicas\\(\\)"
              + "|\\bs\\.getMinReplicas\\(\\)");

  /** Instances made only to read the model's field initialisers as defaults. */
  private static final Pattern DEFAULT_INSTANCE =
      Pattern.compile(
          "new (Autoscaling|Runtime|Ephemeral|Fallback|Hub|HubTls|Disruption|Auth|Tenant)Spec\\(\\)");

  @Test
  void aSpecWithoutItsSectionsGetsEveryDefault() throws Exception {
    var spec = new SinkFleetSpec();
    for (FleetOption<?> option : FleetOptions.ALL) {
      field(SinkFleetSpec.class, option.key().split("\\.")[0]).set(spec, null);
    }

    var effective = EffectiveFleet.of(spec);

    for (FleetOption<?> option : FleetOptions.ALL) {
      assertThat(effective.get(option)).as(option.key()).isEqualTo(option.defaultValue());
    }
    assertThat(effective.terminationGracePeriodSeconds())
        .as("the drain timeout plus the margin")
        .isEqualTo(120L + EffectiveFleet.GRACE_BEYOND_DRAIN_SECONDS);
  }

  @Test
  void aSpecWhoseSectionsLeaveEveryFieldUnsetGetsEveryDefault() throws Exception {
    var spec = new SinkFleetSpec();
    for (FleetOption<?> option : FleetOptions.ALL) {
      set(spec, option.key(), null);
    }

    var effective = EffectiveFleet.of(spec);

    for (FleetOption<?> option : FleetOptions.ALL) {
      assertThat(effective.get(option)).as(option.key()).isEqualTo(option.defaultValue());
    }
  }

  @Test
  void everyValueTheUserSetIsKept() throws Exception {
    var spec = new SinkFleetSpec();
    var chosen = new ArrayList<Object>();
    for (FleetOption<?> option : FleetOptions.ALL) {
      Object value = notTheDefault(option);
      set(spec, option.key(), value);
      chosen.add(value);
    }
    spec.setTerminationGracePeriodSeconds(900L);

    var effective = EffectiveFleet.of(spec);

    for (int i = 0; i < FleetOptions.ALL.size(); i++) {
      FleetOption<?> option = FleetOptions.ALL.get(i);
      assertThat(effective.get(option)).as(option.key()).isEqualTo(chosen.get(i));
    }
    assertThat(effective.terminationGracePeriodSeconds()).isEqualTo(900L);
  }

  @Test
  void theGracePeriodFollowsTheDrainTimeoutTheUserSet() {
    var spec = new SinkFleetSpec();
    spec.getRuntime().setDrainTimeoutSeconds(200);

    assertThat(EffectiveFleet.of(spec).terminationGracePeriodSeconds()).isEqualTo(215L);
  }

  @Test
  void everyDefaultIsTheOneTheCrdSchemaDeclares() throws Exception {
    var withoutSchemaDefault = new ArrayList<String>();
    for (FleetOption<?> option : FleetOptions.ALL) {
      Field leaf = leafField(option.key());
      assertThat(leaf.getType()).as(option.key()).isEqualTo(option.type());
      Default schema = leaf.getAnnotation(Default.class);
      if (schema == null) {
        withoutSchemaDefault.add(option.key());
        continue;
      }
      String declared = Serialization.asJson(option.defaultValue()).replace("\"", "");
      assertThat(declared).as(option.key()).isEqualTo(schema.value());
    }
    assertThat(withoutSchemaDefault)
        .as("only the operator's own defaults lack a schema default")
        .containsExactly(FleetOptions.TENANT_UUID.key());
  }

  @Test
  void noDependentAutoscalerOrHubReaderReadsAFieldEffectiveFleetDefaults() throws IOException {
    var getters =
        FleetOptions.ALL.stream()
            .map(o -> o.key().substring(o.key().lastIndexOf('.') + 1))
            .map(leaf -> "get" + Character.toUpperCase(leaf.charAt(0)) + leaf.substring(1))
            .distinct()
            .toList();
    var raw = Pattern.compile("\\.(" + String.join("|", getters) + ")\\(\\)");
    var offenders = new ArrayList<String>();
    for (Path dir : CONSUMERS) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          // Joined, so a call chain broken over lines still reads as one.
          String source = NOT_THE_FLEETS.matcher(joined(file)).replaceAll("");
          var m = raw.matcher(source);
          while (m.find()) {
            offenders.add(file.getFileName() + ": " + m.group(1));
          }
          var d = DEFAULT_INSTANCE.matcher(source);
          while (d.find()) {
            offenders.add(file.getFileName() + ": " + d.group());
          }
        }
      }
    }
    assertThat(offenders).as("read these through EffectiveFleet").isEmpty();
  }

  @Test
  void theScanFindsARawReadOfADefaultedField() {
    // Keeps the scan above honest: the same patterns catch the reads it was written against.
    String before = "int min = Objects.requireNonNullElse(autoscaling\n    .getMinReplicas(), 1);";
    var getters = Pattern.compile("\\.(getMinReplicas)\\(\\)");
    assertThat(getters.matcher(before.replaceAll("\\s*\\n\\s*", "")).find()).isTrue();
    assertThat(DEFAULT_INSTANCE.matcher("var defaults = new AutoscalingSpec();").find()).isTrue();
    assertThat(NOT_THE_FLEETS.matcher("actual.getSpec().getReplicas()").find()).isTrue();
  }

  private static String joined(Path file) throws IOException {
    return Files.readString(file).replaceAll("\\s*\\n\\s*", "");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object notTheDefault(FleetOption<?> option) {
    Object d = option.defaultValue();
    if (d instanceof Integer i) {
      return i + 7;
    }
    if (d instanceof Long l) {
      return l + 7;
    }
    if (d instanceof Boolean b) {
      return !b;
    }
    if (d instanceof String) {
      return "5b7e3c1a-0000-4000-8000-000000000001";
    }
    if (d instanceof Enum<?> e) {
      return Arrays.stream(((Class<Enum>) e.getDeclaringClass()).getEnumConstants())
          .filter(c -> c != e)
          .findFirst()
          .orElseThrow();
    }
    throw new AssertionError("no other value for " + option.key() + " of " + d.getClass());
  }

  /** Sets the field at {@code key} below {@code spec}, creating the sections above it. */
  private static void set(SinkFleetSpec spec, String key, Object value) throws Exception {
    String[] path = key.split("\\.");
    Object section = spec;
    for (int i = 0; i < path.length - 1; i++) {
      Field f = field(section.getClass(), path[i]);
      Object next = f.get(section);
      if (next == null) {
        next = f.getType().getDeclaredConstructor().newInstance();
        f.set(section, next);
      }
      section = next;
    }
    field(section.getClass(), path[path.length - 1]).set(section, value);
  }

  private static Field leafField(String key) throws NoSuchFieldException {
    Class<?> type = SinkFleetSpec.class;
    Field f = null;
    for (String segment : key.split("\\.")) {
      f = field(type, segment);
      type = f.getType();
    }
    return f;
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    Field f = type.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }
}
