package io.nexomatic.operator.sink;

import java.util.List;

/** Names of the environment variables and files the operator hands to the sink runtime. */
public final class SinkEnv {

  public static final String HUB_HOST = "HUB_HOST";
  public static final String HUB_PORT = "HUB_PORT";
  public static final String CLIENT_ID = "CLIENT_ID";
  public static final String TENANT_UUID = "TENANT_UUID";
  public static final String MAX_LOG_BYTES = "MAX_LOG_BYTES";
  public static final String TASK_TIMEOUT = "TASK_TIMEOUT";
  public static final String BACKPRESSURE_THRESHOLD = "BACKPRESSURE_THRESHOLD";
  public static final String CONCURRENCY = "CONCURRENCY";
  public static final String PREFETCH = "PREFETCH";
  public static final String MAX_TASKS = "MAX_TASKS";
  public static final String DRAIN_TIMEOUT = "DRAIN_TIMEOUT";
  public static final String TLS_ENABLED = "TLS_ENABLED";
  public static final String TLS_CA_FILE = "TLS_CA_FILE";
  public static final String TLS_SERVER_NAME = "TLS_SERVER_NAME";
  public static final String WORK_DIR = "WORK_DIR";
  public static final String LOG_FORMAT = "LOG_FORMAT";
  public static final String POD_NAME = "POD_NAME";
  public static final String NODE_NAME = "NODE_NAME";
  public static final String CLIENT_SECRET = "CLIENT_SECRET";
  public static final String TENANT_SECRET = "TENANT_SECRET";
  public static final String CLIENT_SECRET_FILE = "CLIENT_SECRET_FILE";
  public static final String TENANT_SECRET_FILE = "TENANT_SECRET_FILE";
  public static final String READINESS_FILE = "READINESS_FILE";
  public static final String LIVENESS_FILE = "LIVENESS_FILE";
  public static final String AUTH_METHOD = "AUTH_METHOD";
  public static final String AZURE_TENANT_ID = "AZURE_TENANT_ID";
  public static final String AZURE_CLIENT_ID = "AZURE_CLIENT_ID";

  /**
   * Variables a user's spec.env may not set: the operator's own, plus the plain-text secret
   * variables, which would put a credential into the pod spec.
   */
  public static final List<String> RESERVED =
      List.of(
          HUB_HOST,
          HUB_PORT,
          CLIENT_ID,
          TENANT_UUID,
          MAX_LOG_BYTES,
          TASK_TIMEOUT,
          BACKPRESSURE_THRESHOLD,
          CONCURRENCY,
          PREFETCH,
          MAX_TASKS,
          DRAIN_TIMEOUT,
          TLS_ENABLED,
          TLS_CA_FILE,
          TLS_SERVER_NAME,
          WORK_DIR,
          LOG_FORMAT,
          POD_NAME,
          NODE_NAME,
          CLIENT_SECRET_FILE,
          TENANT_SECRET_FILE,
          READINESS_FILE,
          LIVENESS_FILE,
          AUTH_METHOD,
          AZURE_TENANT_ID,
          AZURE_CLIENT_ID,
          "AZURE_FEDERATED_TOKEN_FILE",
          CLIENT_SECRET,
          TENANT_SECRET);

  /** Where the Hub's CA bundle is mounted. */
  public static final String CA_DIR = "/var/run/secrets/nexomatic-ca";

  public static final String CA_FILE_PATH = CA_DIR + "/ca.crt";
  public static final String WORK_PATH = "/work";
  public static final String TMP_PATH = "/tmp";
  public static final String READINESS_PATH = "/tmp/nexomatic/ready";
  public static final String LIVENESS_PATH = "/tmp/nexomatic/alive";

  private SinkEnv() {}
}
