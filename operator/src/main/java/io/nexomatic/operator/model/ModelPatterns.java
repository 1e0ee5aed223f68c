package io.nexomatic.operator.model;

/** Regular expressions shared by the schema and the reconciler's validator. */
public final class ModelPatterns {

  /** A Kubernetes object name (RFC 1123 subdomain). */
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A key in a Secret's data. */
  public static final String SECRET_KEY = "^[-._a-zA-Z0-9]+$";

  /** A Sink Type such as {@code LOCAL:BASE}. */
  public static final String SINK_TYPE = "^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*$";

  /** A UUID in its canonical textual form. */
  public static final String UUID =
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

  private ModelPatterns() {}
}
