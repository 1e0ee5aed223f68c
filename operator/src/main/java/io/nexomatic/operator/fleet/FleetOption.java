package io.nexomatic.operator.fleet;

import io.nexomatic.operator.model.SinkFleetSpec;
import java.util.function.Function;

/**
 * One setting of a SinkFleet, declared once: its path in the spec, its type, the value that applies
 * when the spec leaves it unset, and what it means.
 *
 * @param key the field's path below {@code spec}, e.g. {@code autoscaling.minReplicas}
 * @param type the field's type
 * @param defaultValue what applies when the field, or a section above it, is unset
 * @param doc what the setting does, for readers of {@link FleetOptions}
 * @param reader the field's value in a spec, or null when it or a section above it is unset
 */
public record FleetOption<T>(
    String key, Class<T> type, T defaultValue, String doc, Function<SinkFleetSpec, T> reader) {

  /** The setting's value in {@code spec}: the user's, else the default. */
  public T valueIn(SinkFleetSpec spec) {
    T value = spec == null ? null : reader.apply(spec);
    return value == null ? defaultValue : value;
  }
}
