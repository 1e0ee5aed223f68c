package io.nexomatic.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** A key in a Secret in the fleet's namespace. */
public class SecretKeyRef {

  /** Name of the Secret, in the SinkFleet's namespace. */
  @JsonPropertyDescription("Name of the Secret, in the SinkFleet's namespace.")
  @Required
  @Pattern(ModelPatterns.DNS_SUBDOMAIN)
  private String name;

  /** Key within the Secret whose value is used. */
  @JsonPropertyDescription("Key within the Secret whose value is used.")
  @Required
  @Pattern(ModelPatterns.SECRET_KEY)
  private String key;

  public SecretKeyRef() {}

  public SecretKeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretKeyRef other
        && Objects.equals(name, other.name)
        && Objects.equals(key, other.key);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, key);
  }

  @Override
  public String toString() {
    return name + "/" + key;
  }
}
