package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Where the sinks connect to. */
public class HubSpec {

  /** Host name of the Hub's gRPC endpoint (use the Service name inside the cluster). */
  @JsonPropertyDescription(
      "Host name of the Hub's gRPC endpoint (use the Service name inside the cluster).")
  @Required
  @Size(min = 1, max = 253)
  private String host;

  /** Port of the Hub's gRPC endpoint. */
  @JsonPropertyDescription("Port of the Hub's gRPC endpoint.")
  @Default("50051")
  @Min(1)
  @Max(65535)
  private Integer port = 50051;

  /** Transport security towards the Hub. */
  @JsonPropertyDescription("Transport security towards the Hub.")
  @Default("{}")
  private HubTlsSpec tls = new HubTlsSpec();

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public HubTlsSpec getTls() {
    return tls;
  }

  public void setTls(HubTlsSpec tls) {
    this.tls = tls;
  }
}
