package io.nexomatic.operator.hub;

/** The Hub's queue statistics could not be read; {@link #authRejected()} tells whose fault. */
public final class HubReadException extends Exception {

  private static final long serialVersionUID = 1L;

  private final boolean authRejected;

  public HubReadException(String message, boolean authRejected, Throwable cause) {
    super(message, cause);
    this.authRejected = authRejected;
  }

  /** Whether the Hub answered and refused the fleet's credentials. */
  public boolean authRejected() {
    return authRejected;
  }
}
