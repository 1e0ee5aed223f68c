{{/* The chart's name. */}}
{{- define "nexomatic.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name, used for every object of the operator itself. */}}
{{- define "nexomatic.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "nexomatic.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object this chart renders. */}}
{{- define "nexomatic.labels" -}}
helm.sh/chart: {{ include "nexomatic.chart" . }}
{{ include "nexomatic.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: nexomatic
{{- end }}

{{- define "nexomatic.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nexomatic.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "nexomatic.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "nexomatic.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "nexomatic.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion (toString .Values.image.tag)) }}
{{- end }}
{{- end }}

{{/*
The operator's rules on SinkFleets and their children; the same as
operator/src/main/kubernetes/rbac.yaml. Every verb is one the operator issues:
  - SinkFleets are only read; their status is written with server-side apply (patch). The
    operator never writes spec and adds no finalizer.
  - Children are written with server-side apply (patch; create for the first apply). Only the
    HPA is ever deleted (leaving Cpu mode); everything else goes with its fleet by garbage
    collection through ownerReferences.
  - Secrets are read and watched so a fleet notices a referenced Secret appearing or rotating.
  - Events are created on condition transitions.
*/}}
{{- define "nexomatic.operatorRules" -}}
- apiGroups: ["sinks.nexomatic.io"]
  resources: ["sinkfleets"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["sinks.nexomatic.io"]
  resources: ["sinkfleets/status"]
  verbs: ["patch"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["secrets", "serviceaccounts"]
  verbs: ["get", "list", "watch", "create", "patch"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "patch", "create", "delete"]
{{- end }}

{{/*
Translates one of the seed's sub-chart values (internal-python-sink / internal-pwsh-sink) into a
SinkFleet spec, printed as YAML. Input: dict with key, values, sinkType (default CLIENT_ID),
repository (default image repository) and root (the chart's top-level context).
Known variables become SinkFleet fields; every other variable is passed through in spec.env.
*/}}
{{- define "nexomatic.seedSpec" -}}
{{- $key := .key }}
{{- $v := .values }}
{{- $root := .root }}
{{- $spec := dict }}
{{- $hub := dict "host" "nexomatic-hub" }}
{{- $tls := dict }}
{{- $auth := dict }}
{{- $entra := dict }}
{{- $tenant := dict }}
{{- $runtime := dict }}
{{- $env := list }}
{{- $sinkType := .sinkType }}
{{- range $i, $e := ($v.env | default list) }}
{{- $name := $e.name }}
{{- $value := "" }}
{{- if hasKey $e "value" }}{{ $value = toString $e.value }}{{ end }}
{{- $ref := dig "valueFrom" "secretKeyRef" dict $e }}
{{- $where := printf "%s.env[%d] (%s)" $key $i $name }}
{{- if eq $name "HUB_HOST" }}
  {{- if $value }}{{ $_ := set $hub "host" $value }}{{ end }}
{{- else if eq $name "HUB_PORT" }}
  {{- if $value }}{{ $_ := set $hub "port" (include "nexomatic.seedInt" (dict "where" $where "value" $value "unit" "port") | int) }}{{ end }}
{{- else if eq $name "CLIENT_ID" }}
  {{- if $value }}{{ $sinkType = $value }}{{ end }}
{{- else if eq $name "CLIENT_SECRET" }}
  {{- if $ref }}
    {{- $_ := set $auth "clientSecretRef" (dict "name" $ref.name "key" $ref.key) }}
  {{- else if $value }}
    {{- fail (printf "%s: a plain-text client secret cannot be migrated; put it in a Secret (kubectl create secret generic nexomatic-sink-secrets --from-literal=client-secret=...) and use valueFrom.secretKeyRef" $where) }}
  {{- end }}
{{- else if eq $name "CLIENT_SECRET_FILE" }}
  {{- fail (printf "%s: the operator passes the client secret to the sinks itself; use CLIENT_SECRET with valueFrom.secretKeyRef instead" $where) }}
{{- else if eq $name "TENANT_UUID" }}
  {{- if $value }}{{ $_ := set $tenant "uuid" $value }}{{ end }}
{{- else if eq $name "TENANT_SECRET" }}
  {{- if $ref }}
    {{- $_ := set $tenant "secretRef" (dict "name" $ref.name "key" $ref.key) }}
  {{- else if $value }}
    {{- fail (printf "%s: a plain-text tenant secret cannot be migrated; put it in a Secret and use valueFrom.secretKeyRef" $where) }}
  {{- end }}
{{- else if eq $name "AUTH_METHOD" }}
  {{- $m := lower $value }}
  {{- if eq $m "entra_id" }}{{ $_ := set $auth "method" "EntraId" }}
  {{- else if or (eq $m "client_secret") (eq $m "") }}{{ $_ := set $auth "method" "ClientSecret" }}
  {{- else }}{{ fail (printf "%s: AUTH_METHOD must be client_secret or entra_id, got %q" $where $value) }}
  {{- end }}
{{- else if eq $name "AZURE_TENANT_ID" }}
  {{- if $value }}{{ $_ := set $entra "tenantId" $value }}{{ end }}
{{- else if eq $name "AZURE_CLIENT_ID" }}
  {{- if $value }}{{ $_ := set $entra "clientId" $value }}{{ end }}
{{- else if eq $name "AZURE_FEDERATED_TOKEN_FILE" }}
  {{- /* injected by the Azure Workload Identity webhook; nothing to carry over */}}
{{- else if eq $name "MAX_LOG_BYTES" }}
  {{- if $value }}{{ $_ := set $runtime "maxLogBytes" (include "nexomatic.seedBytes" (dict "where" $where "value" $value) | int64) }}{{ end }}
{{- else if eq $name "TASK_TIMEOUT" }}
  {{- if $value }}{{ $_ := set $runtime "taskTimeoutSeconds" (include "nexomatic.seedSeconds" (dict "where" $where "value" $value) | int64) }}{{ end }}
{{- else if eq $name "DRAIN_TIMEOUT" }}
  {{- if $value }}{{ $_ := set $runtime "drainTimeoutSeconds" (include "nexomatic.seedSeconds" (dict "where" $where "value" $value) | int64) }}{{ end }}
{{- else if eq $name "BACKPRESSURE_THRESHOLD" }}
  {{- if $value }}{{ $_ := set $runtime "backpressureThreshold" (include "nexomatic.seedInt" (dict "where" $where "value" $value "unit" "count") | int64) }}{{ end }}
{{- else if eq $name "CONCURRENCY" }}
  {{- if $value }}{{ $_ := set $runtime "concurrency" (include "nexomatic.seedInt" (dict "where" $where "value" $value "unit" "count") | int64) }}{{ end }}
{{- else if eq $name "PREFETCH" }}
  {{- if $value }}{{ $_ := set $runtime "prefetch" (include "nexomatic.seedInt" (dict "where" $where "value" $value "unit" "count") | int64) }}{{ end }}
{{- else if eq $name "TLS_ENABLED" }}
  {{- if $value }}{{ $_ := set $tls "enabled" (has (lower $value) (list "true" "1" "yes")) }}{{ end }}
{{- else if eq $name "TLS_SERVER_NAME" }}
  {{- if $value }}{{ $_ := set $tls "serverName" $value }}{{ end }}
{{- else if eq $name "TLS_CA_FILE" }}
  {{- fail (printf "%s: the operator mounts the Hub's CA bundle from a Secret; set %s.sinkFleet.hub.tls.caSecretRef {name, key} instead" $where $key) }}
{{- else if has $name (list "WORK_DIR" "LOG_FORMAT" "POD_NAME" "NODE_NAME" "TENANT_SECRET_FILE" "READINESS_FILE" "LIVENESS_FILE") }}
  {{- /* set by the operator on every sink pod; the seed's value is not carried over */}}
{{- else }}
  {{- $env = append $env $e }}
{{- end }}
{{- end }}
{{- /* serviceAccount.azureWorkloadIdentity: the managed identity's client id (Workload Identity). */}}
{{- $wi := dig "serviceAccount" "azureWorkloadIdentity" "" $v }}
{{- if $wi }}
  {{- if and (hasKey $entra "clientId") (ne (get $entra "clientId") $wi) }}
    {{- fail (printf "%s: serviceAccount.azureWorkloadIdentity (%s) and AZURE_CLIENT_ID (%s) name different identities" $key $wi (get $entra "clientId")) }}
  {{- end }}
  {{- $_ := set $entra "clientId" $wi }}
  {{- $_ := set $auth "method" "EntraId" }}
{{- end }}
{{- if eq (get $auth "method") "EntraId" }}
  {{- if not (hasKey $entra "tenantId") }}
    {{- fail (printf "%s: Workload Identity needs the Entra ID tenant: add {name: AZURE_TENANT_ID, value: <azure-tenant-id>} to %s.env" $key $key) }}
  {{- end }}
  {{- if not (hasKey $entra "clientId") }}
    {{- fail (printf "%s: Workload Identity needs the managed identity's client id: set %s.serviceAccount.azureWorkloadIdentity" $key $key) }}
  {{- end }}
  {{- $_ := set $auth "entraId" $entra }}
  {{- $_ := unset $auth "clientSecretRef" }}
{{- else if not (hasKey $auth "clientSecretRef") }}
  {{- fail (printf "%s: no client secret: add {name: CLIENT_SECRET, valueFrom: {secretKeyRef: {name: <secret>, key: <key>}}} to %s.env, or use Workload Identity (serviceAccount.azureWorkloadIdentity)" $key $key) }}
{{- end }}
{{- if $tls }}{{ $_ := set $hub "tls" $tls }}{{ end }}
{{- $_ := set $spec "sinkType" $sinkType }}
{{- $image := $v.image | default dict }}
{{- $tag := default $root.Chart.AppVersion (toString (default "" $image.tag)) }}
{{- $_ := set $spec "image" (printf "%s:%s" (default .repository $image.repository) $tag) }}
{{- if $image.pullPolicy }}{{ $_ := set $spec "imagePullPolicy" $image.pullPolicy }}{{ end }}
{{- with $v.imagePullSecrets }}{{ $_ := set $spec "imagePullSecrets" . }}{{ end }}
{{- $_ := set $spec "hub" $hub }}
{{- $_ := set $spec "auth" $auth }}
{{- if $tenant }}{{ $_ := set $spec "tenant" $tenant }}{{ end }}
{{- if $runtime }}{{ $_ := set $spec "runtime" $runtime }}{{ end }}
{{- $as := $v.autoscaling | default dict }}
{{- if $as.enabled }}
  {{- $a := dict "mode" "Cpu" }}
  {{- if hasKey $as "minReplicas" }}{{ $_ := set $a "minReplicas" ($as.minReplicas | int64) }}{{ end }}
  {{- if hasKey $as "maxReplicas" }}{{ $_ := set $a "maxReplicas" ($as.maxReplicas | int64) }}{{ end }}
  {{- if hasKey $as "targetCPUUtilizationPercentage" }}{{ $_ := set $a "targetCPUUtilizationPercentage" ($as.targetCPUUtilizationPercentage | int64) }}{{ end }}
  {{- $_ := set $spec "autoscaling" $a }}
{{- else if hasKey $v "replicaCount" }}
  {{- $_ := set $spec "replicas" ($v.replicaCount | int64) }}
{{- end }}
{{- range $field := list "resources" "nodeSelector" "tolerations" "affinity" "topologySpreadConstraints" "priorityClassName" "podAnnotations" "podLabels" "terminationGracePeriodSeconds" }}
  {{- with (get $v $field) }}{{ $_ := set $spec $field . }}{{ end }}
{{- end }}
{{- if $env }}{{ $_ := set $spec "env" $env }}{{ end }}
{{- /* sinkFleet: SinkFleet spec fields the sub-charts never had; each top-level field replaces the translated one. */}}
{{- range $field, $val := ($v.sinkFleet | default dict) }}
  {{- $_ := set $spec $field $val }}
{{- end }}
{{- toYaml $spec }}
{{- end }}

{{/* A whole number from a seed env value, or fail naming where it came from. */}}
{{- define "nexomatic.seedInt" -}}
{{- if not (regexMatch "^[0-9]+$" (trim .value)) }}
{{- fail (printf "%s: expected a whole number, got %q" .where .value) }}
{{- end }}
{{- trim .value }}
{{- end }}

{{/* Seconds from a seed env value: 90, 90s, 5m or 1h, as the sink runtime accepts them. */}}
{{- define "nexomatic.seedSeconds" -}}
{{- $v := lower (trim .value) }}
{{- if not (regexMatch "^[0-9]+[smh]?$" $v) }}
{{- fail (printf "%s: expected seconds (90, 90s, 5m or 1h), got %q" .where .value) }}
{{- end }}
{{- $n := regexFind "^[0-9]+" $v | int64 }}
{{- if hasSuffix "m" $v }}{{ mul $n 60 }}{{ else if hasSuffix "h" $v }}{{ mul $n 3600 }}{{ else }}{{ $n }}{{ end }}
{{- end }}

{{/* Bytes from a seed env value: plain bytes or K/KB/KiB, M/MB/MiB, G/GB/GiB, all 1024-based like the sink runtime. */}}
{{- define "nexomatic.seedBytes" -}}
{{- $v := lower (replace " " "" (trim .value)) }}
{{- if not (regexMatch "^[0-9]+(k|kb|kib|m|mb|mib|g|gb|gib)?$" $v) }}
{{- fail (printf "%s: expected bytes (e.g. 5242880 or 5MB), got %q" .where .value) }}
{{- end }}
{{- $n := regexFind "^[0-9]+" $v | int64 }}
{{- if hasSuffix "g" (trimSuffix "b" (trimSuffix "i" (trimSuffix "b" $v))) }}{{ mul $n 1073741824 }}
{{- else if hasSuffix "m" (trimSuffix "b" (trimSuffix "i" (trimSuffix "b" $v))) }}{{ mul $n 1048576 }}
{{- else if hasSuffix "k" (trimSuffix "b" (trimSuffix "i" (trimSuffix "b" $v))) }}{{ mul $n 1024 }}
{{- else }}{{ $n }}{{ end }}
{{- end }}
