package io.nexomatic.sink.exec;

import io.nexomatic.protocol.v1.Parameter;
import io.nexomatic.protocol.v1.ParameterKind;
import java.util.Objects;

/**
 * A task parameter with its value resolved by the Hub; a SECRET value never shows in {@code
 * toString()}.
 *
 * @param name the parameter name
 * @param kind STATIC, DATA or SECRET (UNSPECIFIED is treated as STATIC)
 * @param value the resolved value
 */
public record ResolvedParameter(String name, ParameterKind kind, String value) {

  /** Validates the fields. */
  public ResolvedParameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(value, "value");
  }

  /** The parameter as the Hub sent it. */
  public static ResolvedParameter fromProto(Parameter p) {
    return new ResolvedParameter(p.getName(), p.getKind(), p.getValue());
  }

  /** True when the value must be masked in logs. */
  public boolean isSecret() {
    return kind == ParameterKind.SECRET;
  }

  @Override
  public String toString() {
    return "ResolvedParameter[name="
        + name
        + ", kind="
        + kind
        + ", value="
        + (isSecret() ? "***" : value)
        + "]";
  }
}
