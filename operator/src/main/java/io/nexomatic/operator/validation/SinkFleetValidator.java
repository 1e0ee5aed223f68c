package io.nexomatic.operator.validation;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.nexomatic.operator.fleet.FleetOptions;
import io.nexomatic.operator.model.AuthMethod;
import io.nexomatic.operator.model.AuthSpec;
import io.nexomatic.operator.model.AutoscalingMode;
import io.nexomatic.operator.model.AutoscalingSpec;
import io.nexomatic.operator.model.CapacityScheduleSpec;
import io.nexomatic.operator.model.FallbackPolicy;
import io.nexomatic.operator.model.FallbackSpec;
import io.nexomatic.operator.model.ModelPatterns;
import io.nexomatic.operator.model.SecretKeyRef;
import io.nexomatic.operator.model.SinkFleetSpec;
import io.nexomatic.operator.model.SpecRules;
import io.nexomatic.operator.model.TenantSpec;
import io.nexomatic.operator.schedule.CronExpression;
import io.nexomatic.operator.sink.SinkEnv;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Enforces the SinkFleet's rules in the reconciler: the cross-field ones declared in {@link
 * SpecRules} (whose CEL text the CRD carries), with the same messages, plus the checks CEL cannot
 * afford, so clusters without CEL, and specs admitted before a rule existed, are reported rather
 * than acted upon.
 */
public final class SinkFleetValidator {

  private static final java.util.regex.Pattern SINK_TYPE =
      java.util.regex.Pattern.compile(ModelPatterns.SINK_TYPE);
  private static final java.util.regex.Pattern UUID =
      java.util.regex.Pattern.compile(ModelPatterns.UUID);
  private static final java.util.regex.Pattern DNS_SUBDOMAIN =
      java.util.regex.Pattern.compile(ModelPatterns.DNS_SUBDOMAIN);
  private static final java.util.regex.Pattern SECRET_KEY =
      java.util.regex.Pattern.compile(ModelPatterns.SECRET_KEY);

  private SinkFleetValidator() {}

  /** Every problem in {@code spec}, in field order; empty when the spec can be acted upon. */
  public static List<SpecViolation> validate(SinkFleetSpec spec) {
    var violations = new ArrayList<SpecViolation>();
    if (spec == null) {
      violations.add(new SpecViolation("spec", "spec is required"));
      return violations;
    }
    if (isBlank(spec.getSinkType())) {
      violations.add(
          new SpecViolation("spec.sinkType", "spec.sinkType is required, e.g. LOCAL:BASE"));
    } else if (!SINK_TYPE.matcher(spec.getSinkType()).matches()) {
      violations.add(
          new SpecViolation(
              "spec.sinkType",
              "spec.sinkType '"
                  + spec.getSinkType()
                  + "' is not a Sink Type: use letters, digits, '_', '.', '-' separated by ':',"
                  + " e.g. LOCAL:BASE"));
    }
    if (isBlank(spec.getImage())) {
      violations.add(new SpecViolation("spec.image", "spec.image is required"));
    }
    if (spec.getHub() == null || isBlank(spec.getHub().getHost())) {
      violations.add(
          new SpecViolation("spec.hub.host", "spec.hub.host is required: the Hub's host name"));
    }
    validateAuth(spec.getAuth(), violations);
    validateTenant(spec.getTenant(), violations);
    validateAutoscaling(spec.getAutoscaling(), violations);
    validateNetworkPolicy(spec, violations);
    validateGracePeriod(spec, violations);
    validateEnv(spec.getEnv(), violations);
    if (spec.getHub() != null
        && spec.getHub().getTls() != null
        && spec.getHub().getTls().getCaSecretRef() != null) {
      validateSecretRef(
          "spec.hub.tls.caSecretRef", spec.getHub().getTls().getCaSecretRef(), violations);
    }
    return violations;
  }

  private static void validateAuth(AuthSpec auth, List<SpecViolation> violations) {
    if (auth == null) {
      violations.add(
          new SpecViolation(
              "spec.auth", "spec.auth is required: set auth.clientSecretRef or auth.entraId"));
      return;
    }
    AuthMethod method = auth.getMethod() == null ? AuthMethod.CLIENT_SECRET : auth.getMethod();
    if (method == AuthMethod.CLIENT_SECRET) {
      if (auth.getClientSecretRef() == null) {
        violations.add(
            new SpecViolation(
                "spec.auth.clientSecretRef", SpecRules.CLIENT_SECRET_REQUIRED_MESSAGE));
      } else {
        validateSecretRef("spec.auth.clientSecretRef", auth.getClientSecretRef(), violations);
      }
    }
    if (method == AuthMethod.ENTRA_ID) {
      var entra = auth.getEntraId();
      if (entra == null) {
        violations.add(new SpecViolation("spec.auth.entraId", SpecRules.ENTRA_ID_REQUIRED_MESSAGE));
      } else {
        requireUuid("spec.auth.entraId.tenantId", entra.getTenantId(), violations);
        requireUuid("spec.auth.entraId.clientId", entra.getClientId(), violations);
      }
    }
  }

  private static void validateTenant(TenantSpec tenant, List<SpecViolation> violations) {
    if (tenant == null) {
      return;
    }
    if (tenant.getSecretRef() != null && isBlank(tenant.getUuid())) {
      violations.add(new SpecViolation("spec.tenant.uuid", SpecRules.TENANT_UUID_REQUIRED_MESSAGE));
    } else if (!isBlank(tenant.getUuid())) {
      requireUuid("spec.tenant.uuid", tenant.getUuid(), violations);
    }
    if (tenant.getSecretRef() != null) {
      validateSecretRef("spec.tenant.secretRef", tenant.getSecretRef(), violations);
    }
  }

  private static void validateSchedule(
      String path, CapacityScheduleSpec schedule, List<SpecViolation> violations) {
    if (schedule == null) {
      violations.add(
          new SpecViolation(path, "a schedule needs cron, durationMinutes and minReplicas"));
      return;
    }
    if (schedule.getCron() == null) {
      violations.add(new SpecViolation(path + ".cron", "is required, e.g. \"0 8 * * MON-FRI\""));
    } else {
      try {
        CronExpression.parse(schedule.getCron());
      } catch (IllegalArgumentException e) {
        violations.add(new SpecViolation(path + ".cron", e.getMessage()));
      }
    }
    if (schedule.getTimeZone() != null) {
      try {
        ZoneId.of(schedule.getTimeZone());
      } catch (DateTimeException e) {
        violations.add(
            new SpecViolation(
                path + ".timeZone",
                "\""
                    + schedule.getTimeZone()
                    + "\" is not a time zone: use an IANA name such as Europe/Berlin or UTC"));
      }
    }
    if (schedule.getDurationMinutes() == null
        || schedule.getDurationMinutes() < 1
        || schedule.getDurationMinutes() > MAX_SCHEDULE_MINUTES) {
      violations.add(
          new SpecViolation(
              path + ".durationMinutes",
              "must be between 1 and " + MAX_SCHEDULE_MINUTES + " (7 days)"));
    }
    if (schedule.getMinReplicas() == null || schedule.getMinReplicas() < 0) {
      violations.add(new SpecViolation(path + ".minReplicas", "must be 0 or more"));
    }
  }

  /** The longest capacity window, as the schema's maximum for durationMinutes. */
  public static final int MAX_SCHEDULE_MINUTES = 10080;

  private static void validateAutoscaling(
      AutoscalingSpec autoscaling, List<SpecViolation> violations) {
    if (autoscaling == null) {
      return;
    }
    Integer min = autoscaling.getMinReplicas();
    Integer max = autoscaling.getMaxReplicas();
    if (min != null && max != null && min > max) {
      violations.add(
          new SpecViolation("spec.autoscaling.minReplicas", SpecRules.MIN_NOT_ABOVE_MAX_MESSAGE));
    }
    if (autoscaling.getMode() == AutoscalingMode.CPU && min != null && min < 1) {
      violations.add(
          new SpecViolation(
              "spec.autoscaling.minReplicas", SpecRules.CPU_MIN_AT_LEAST_ONE_MESSAGE));
    }
    Integer window = autoscaling.getScaleDownStabilizationSeconds();
    if (autoscaling.getMode() == AutoscalingMode.CPU && window != null && window > 3600) {
      violations.add(
          new SpecViolation(
              "spec.autoscaling.scaleDownStabilizationSeconds",
              SpecRules.CPU_STABILIZATION_WITHIN_HPA_LIMIT_MESSAGE));
    }
    if (autoscaling.getSchedules() != null) {
      if (!autoscaling.getSchedules().isEmpty()
          && autoscaling.getMode() != AutoscalingMode.BACKLOG) {
        violations.add(
            new SpecViolation(
                "spec.autoscaling.schedules", SpecRules.SCHEDULES_ONLY_IN_BACKLOG_MESSAGE));
      }
      for (int i = 0; i < autoscaling.getSchedules().size(); i++) {
        validateSchedule(
            "spec.autoscaling.schedules[" + i + "]", autoscaling.getSchedules().get(i), violations);
      }
    }
    FallbackSpec fallback = autoscaling.getFallback();
    if (fallback != null
        && fallback.getPolicy() == FallbackPolicy.FIXED
        && fallback.getReplicas() == null) {
      violations.add(
          new SpecViolation(
              "spec.autoscaling.fallback.replicas",
              SpecRules.FIXED_FALLBACK_NEEDS_REPLICAS_MESSAGE));
    }
  }

  private static void validateNetworkPolicy(SinkFleetSpec spec, List<SpecViolation> violations) {
    var policy = spec.getNetworkPolicy();
    if (policy == null
        || !Boolean.TRUE.equals(policy.getEnabled())
        || (policy.getHubPeers() != null && !policy.getHubPeers().isEmpty())
        || spec.getHub() == null
        || isBlank(spec.getHub().getHost())) {
      return;
    }
    if (isClusterServiceName(spec.getHub().getHost())) {
      violations.add(
          new SpecViolation(
              "spec.networkPolicy.hubPeers", SpecRules.NETWORK_POLICY_NEEDS_HUB_PEERS_MESSAGE));
    }
  }

  /**
   * A Service name: a NetworkPolicy cannot allow it by address, since its ClusterIP is rewritten to
   * a pod's address before most network plugins apply the policy.
   */
  static boolean isClusterServiceName(String host) {
    return !host.contains(":")
        && (!host.contains(".") || host.endsWith(".svc") || host.contains(".svc."));
  }

  private static void validateGracePeriod(SinkFleetSpec spec, List<SpecViolation> violations) {
    Long grace = spec.getTerminationGracePeriodSeconds();
    if (grace != null && grace <= FleetOptions.DRAIN_TIMEOUT_SECONDS.valueIn(spec)) {
      violations.add(
          new SpecViolation(
              "spec.terminationGracePeriodSeconds", SpecRules.GRACE_ABOVE_DRAIN_MESSAGE));
    }
  }

  /**
   * Not a CEL rule: a CEL check over an unbounded list of strings would exceed the API server's
   * cost budget, so only the reconciler enforces it.
   */
  private static void validateEnv(List<EnvVar> env, List<SpecViolation> violations) {
    if (env == null) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < env.size(); i++) {
      String name = env.get(i) == null ? null : env.get(i).getName();
      String field = "spec.env[" + i + "]";
      if (isBlank(name)) {
        violations.add(new SpecViolation(field + ".name", "environment variable needs a name"));
      } else if (SinkEnv.RESERVED.contains(name)) {
        violations.add(
            new SpecViolation(
                field + ".name",
                "spec.env must not set "
                    + name
                    + ": the operator manages it; use the matching SinkFleet field instead"
                    + " (see docs/sinkfleet-reference.md)"));
      } else if (!seen.add(name)) {
        violations.add(
            new SpecViolation(field + ".name", "spec.env sets " + name + " more than once"));
      }
    }
  }

  private static void validateSecretRef(
      String field, SecretKeyRef ref, List<SpecViolation> violations) {
    if (isBlank(ref.getName()) || !DNS_SUBDOMAIN.matcher(ref.getName()).matches()) {
      violations.add(
          new SpecViolation(field + ".name", field + ".name must name a Secret in this namespace"));
    }
    if (isBlank(ref.getKey()) || !SECRET_KEY.matcher(ref.getKey()).matches()) {
      violations.add(
          new SpecViolation(field + ".key", field + ".key must name a key of that Secret"));
    }
  }

  private static void requireUuid(String field, String value, List<SpecViolation> violations) {
    if (isBlank(value) || !UUID.matcher(value).matches()) {
      violations.add(
          new SpecViolation(
              field, field + " must be a UUID such as 8c3a0f7e-4b5d-4e2a-9f1c-0d6b7a8e9f10"));
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
