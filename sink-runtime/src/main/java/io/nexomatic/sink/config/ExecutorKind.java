package io.nexomatic.sink.config;

/** Which interpreter runs the Action modules, derived from the Sink Type ({@code CLIENT_ID}). */
public enum ExecutorKind {
  /** Python bootstrap; every Sink Type except those ending in {@code :PWSH}. */
  PYTHON("PYTHON_INTERPRETER"),
  /** PowerShell bootstrap; Sink Types ending in {@code :PWSH}, e.g. {@code LOCAL:PWSH}. */
  POWERSHELL("PWSH_INTERPRETER");

  private final String interpreterVariable;

  ExecutorKind(String interpreterVariable) {
    this.interpreterVariable = interpreterVariable;
  }

  /** The environment variable that names this kind's interpreter. */
  public String interpreterVariable() {
    return interpreterVariable;
  }

  /** The kind serving a Sink Type. */
  public static ExecutorKind forSinkType(String sinkType) {
    return sinkType.toUpperCase(java.util.Locale.ROOT).endsWith(":PWSH") ? POWERSHELL : PYTHON;
  }
}
