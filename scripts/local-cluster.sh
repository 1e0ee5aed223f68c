#!/usr/bin/env bash
# local-cluster.sh - a one-node Kubernetes cluster on this machine that runs real pods.
#
#   scripts/local-cluster.sh up       start it (idempotent); prints KUBECONFIG=<path> last
#   scripts/local-cluster.sh status   exit 0 and print KUBECONFIG=<path> when it is up
#   scripts/local-cluster.sh down     stop it and remove everything it changed on this machine
#   scripts/local-cluster.sh load IMAGE...   copy images from the Docker engine into the node
#   scripts/local-cluster.sh kill NAMESPACE/POD  SIGKILL the pod's containers, as the kernel's OOM
#                                     killer or a crash would (the kubelet then restarts them)
#
# What runs (all as host processes, logs in $STATE/logs): etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler (the control plane the tests already build),
# containerd with runc and Debian's CNI bridge, kubelet, kube-proxy (iptables mode),
# CoreDNS (serving cluster.local from the host) and metrics-server (for the HPA).
# docs/local-cluster.md explains each choice; binaries come from scripts/k8s-test-binaries.sh.
#
# Network: a bridge $BRIDGE with $NODE_IP/16 is the node's address, the API server's, the pods'
# gateway and their DNS server. Pods get no default route, CoreDNS forwards nothing, and an
# nftables table drops anything forwarded from the pod network to any other network, installed
# before the first pod starts. `down` restores every sysctl kubelet and kube-proxy change and
# removes the bridge, iptables chains, cgroups, mounts and the state directory.
#
# Exit codes: 0 ok, 1 failure (the log tail is printed), 3 this machine cannot run a node
# (the reason is printed on one line starting with "cannot run a node here:").
set -euo pipefail

PROG="scripts/local-cluster.sh"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${NEXOMATIC_CLUSTER_DIR:-${HOME:?HOME is not set}/.local/state/nexomatic-cluster}"
CACHE="${NEXOMATIC_CLUSTER_CACHE:-$HOME/.cache/nexomatic/cluster}"
BRIDGE="${NEXOMATIC_CLUSTER_BRIDGE:-nexo0}"
NODE_IP="10.213.0.1"
POD_CIDR="10.213.0.0/16"
SERVICE_CIDR="10.214.0.0/24"
API_SERVICE_IP="10.214.0.1"
NODE_NAME="nexo-node"
API_PORT=6443
ETCD_PORT=23790
CGROUP_PARENT="/nexomatic-node"
PAUSE_IMAGE="localhost/nexomatic-pause:1.0"
UP_TIMEOUT="${NEXOMATIC_CLUSTER_UP_TIMEOUT:-180}"
# The sysctls kubelet and kube-proxy may write; `up` records them and `down` puts them back.
SYSCTLS=(vm/overcommit_memory kernel/panic kernel/panic_on_oops net/ipv4/ip_forward
  net/bridge/bridge-nf-call-iptables net/ipv4/conf/all/route_localnet)
NFT_TABLE="nexomatic_cluster"

log() { printf '[local-cluster] %s\n' "$*" >&2; }
die() {
  printf '[local-cluster] ERROR: %s\n' "$*" >&2
  exit 1
}
cannot() {
  printf 'cannot run a node here: %s\n' "$*" >&2
  exit 3
}

K8S_DIR=""
bins() {
  [[ -n "$K8S_DIR" ]] && return 0
  K8S_DIR="$("$ROOT/scripts/k8s-test-binaries.sh" --print-dir)" || die "scripts/k8s-test-binaries.sh failed"
}
kubectl() { command "$K8S_DIR/kubectl" --kubeconfig "$STATE/admin.kubeconfig" "$@"; }
ctr_() { ctr --address "$STATE/containerd/containerd.sock" -n k8s.io "$@"; }

# ------------------------------------------------------------ prerequisites --
preflight() {
  [[ "$(id -u)" == 0 ]] || cannot "a kubelet needs root (mounts, cgroups, network namespaces); run as root"
  local c
  for c in containerd runc ctr ip nft iptables openssl gcc; do
    command -v "$c" >/dev/null 2>&1 ||
      cannot "$c is not installed (Debian: apt-get install containerd runc iproute2 nftables iptables openssl gcc libc6-dev containernetworking-plugins)"
  done
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] ||
    cannot "the CNI plugins are missing from /usr/lib/cni (Debian: apt-get install containernetworking-plugins)"
  [[ -d /sys/fs/cgroup/memory && -w /sys/fs/cgroup/memory ]] ||
    cannot "no writable cgroup v1 memory hierarchy at /sys/fs/cgroup/memory (this script drives the cgroupfs driver on cgroup v1)"
  ip link add nexo-probe0 type bridge 2>/dev/null || cannot "cannot create a bridge (ip link add type bridge): no CAP_NET_ADMIN?"
  ip link del nexo-probe0
  local taken
  taken="$(ip -4 route show | grep -E '^10\.21[34]\.' | grep -v "dev $BRIDGE" || true)"
  [[ -z "$taken" ]] || cannot "the node's networks ($POD_CIDR, $SERVICE_CIDR) are already routed on this machine: $taken"
}

# ------------------------------------------------------------------- state --
pidfile() { printf '%s/pids/%s.pid' "$STATE" "$1"; }
alive() {
  local f
  f="$(pidfile "$1")"
  [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null
}
start() {
  local name="$1"
  shift
  mkdir -p "$STATE/pids" "$STATE/logs"
  setsid "$@" >>"$STATE/logs/$name.log" 2>&1 </dev/null 8>&- &
  echo $! >"$(pidfile "$name")"
}
stop() {
  local name="$1" pid i
  [[ -f "$(pidfile "$name")" ]] || return 0
  pid="$(cat "$(pidfile "$name")")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pidfile "$name")"
}

# Wait until a command succeeds, failing with the named component's log tail.
await() {
  local what="$1" logname="$2" deadline=$((SECONDS + UP_TIMEOUT))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then
      log "timed out after ${UP_TIMEOUT}s waiting for $what; last lines of $STATE/logs/$logname.log:"
      tail -n 25 "$STATE/logs/$logname.log" >&2 || true
      die "$what did not come up (scripts/local-cluster.sh down, then up again; logs in $STATE/logs)"
    fi
    if [[ -n "$logname" ]] && ! alive "$logname"; then
      log "$logname exited; last lines of $STATE/logs/$logname.log:"
      tail -n 25 "$STATE/logs/$logname.log" >&2 || true
      die "$logname exited while starting (logs in $STATE/logs)"
    fi
    sleep 0.2
  done
}

# --------------------------------------------------------------------- PKI --
cert() { # name subject ca-name [san]
  local name="$1" subj="$2" ca="$3" san="${4:-}" ext="$STATE/pki/$1.ext"
  openssl genrsa -out "$STATE/pki/$name.key" 2048 2>/dev/null
  openssl req -new -key "$STATE/pki/$name.key" -subj "$subj" -out "$STATE/pki/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n "$san" ]]; then
      echo "extendedKeyUsage=serverAuth"
      echo "subjectAltName=$san"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl x509 -req -in "$STATE/pki/$name.csr" -CA "$STATE/pki/$ca.crt" -CAkey "$STATE/pki/$ca.key" \
    -CAcreateserial -days 30 -extfile "$ext" -out "$STATE/pki/$name.crt" 2>/dev/null
  rm -f "$STATE/pki/$name.csr" "$ext"
}
ca() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$2" \
    -keyout "$STATE/pki/$1.key" -out "$STATE/pki/$1.crt" 2>/dev/null
}
kubeconfig() { # file user cert
  local f="$STATE/$1"
  cat >"$f" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: nexomatic-local
  cluster:
    server: https://$NODE_IP:$API_PORT
    certificate-authority: $STATE/pki/ca.crt
users:
- name: $2
  user:
    client-certificate: $STATE/pki/$3.crt
    client-key: $STATE/pki/$3.key
contexts:
- name: nexomatic-local
  context: {cluster: nexomatic-local, user: $2}
current-context: nexomatic-local
EOF
  chmod 600 "$f"
}
make_pki() {
  mkdir -p "$STATE/pki"
  chmod 700 "$STATE/pki"
  ca ca nexomatic-local-ca
  ca front-proxy-ca nexomatic-local-front-proxy-ca
  cert apiserver "/CN=kube-apiserver" ca \
    "IP:$NODE_IP,IP:$API_SERVICE_IP,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  cert admin "/O=system:masters/CN=nexomatic-local-admin" ca
  cert node "/O=system:nodes/CN=system:node:$NODE_NAME" ca
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" ca
  cert front-proxy-client "/CN=front-proxy-client" front-proxy-ca
  openssl genrsa -out "$STATE/pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$STATE/pki/sa.key" -pubout -out "$STATE/pki/sa.pub" 2>/dev/null
  kubeconfig admin.kubeconfig admin admin
  kubeconfig node.kubeconfig "system:node:$NODE_NAME" node
}

# -------------------------------------------------------------- the guard --
record_sysctls() {
  local s
  : >"$STATE/sysctls.orig"
  for s in "${SYSCTLS[@]}"; do
    [[ -r "/proc/sys/$s" ]] && printf '%s %s\n' "$s" "$(cat "/proc/sys/$s")" >>"$STATE/sysctls.orig"
  done
}
restore_sysctls() {
  local s v
  [[ -f "$STATE/sysctls.orig" ]] || return 0
  while read -r s v; do
    [[ "$(cat "/proc/sys/$s" 2>/dev/null)" == "$v" ]] || echo "$v" >"/proc/sys/$s" 2>/dev/null ||
      log "could not restore $s to $v"
  done <"$STATE/sysctls.orig"
}
network_up() {
  # Nothing forwarded out of the pod network, and no IPv6 from the bridge at all; in place
  # before the bridge carries a packet.
  nft -f - <<EOF
table inet $NFT_TABLE {
  chain forward {
    type filter hook forward priority filter - 10; policy accept;
    ip saddr $POD_CIDR ip daddr != $POD_CIDR counter drop comment "pods reach nothing outside the node"
    meta nfproto ipv6 iifname "$BRIDGE" counter drop
    meta nfproto ipv6 oifname "$BRIDGE" counter drop
  }
}
EOF
  ip link add "$BRIDGE" type bridge
  echo 1 >"/proc/sys/net/ipv6/conf/$BRIDGE/disable_ipv6" 2>/dev/null || true
  ip addr add "$NODE_IP/16" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  echo 1 >/proc/sys/net/ipv4/ip_forward
  if [[ -w /proc/sys/net/bridge/bridge-nf-call-iptables ]]; then echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables; fi
  mkdir -p "$STATE/cni/net.d" "$STATE/cni/ipam"
  cat >"$STATE/cni/net.d/10-nexomatic.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "nexomatic",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "isDefaultGateway": false,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$STATE/cni/ipam",
        "ranges": [[{"subnet": "$POD_CIDR", "rangeStart": "10.213.1.1", "rangeEnd": "10.213.255.254", "gateway": "$NODE_IP"}]],
        "routes": [{"dst": "$SERVICE_CIDR"}]
      }
    }
  ]
}
EOF
}
network_down() {
  local ns
  # Pod network namespaces containerd made (cni-<uuid>); deleting one removes its veth pair.
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^cni-' || true); do
    if ip netns exec "$ns" ip -4 addr 2>/dev/null | grep -q "inet 10\.213\."; then
      ip netns delete "$ns" 2>/dev/null || true
    fi
  done
  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE"; fi
  if nft list table inet "$NFT_TABLE" >/dev/null 2>&1; then nft delete table inet "$NFT_TABLE"; fi
  if [[ -n "$K8S_DIR" && -x "$K8S_DIR/kube-proxy" ]]; then
    "$K8S_DIR/kube-proxy" --cleanup >>"$STATE/logs/kube-proxy-cleanup.log" 2>&1 || true
  fi
  remove_kube_chains iptables
  remove_kube_chains ip6tables
}
# kubelet's and kube-proxy's KUBE-* chains and the rules that jump to them.
remove_kube_chains() {
  local ipt="$1" t rule chain
  command -v "$ipt" >/dev/null 2>&1 || return 0
  for t in filter nat mangle raw; do
    { "$ipt-save" -t "$t" 2>/dev/null || true; } | { grep -E '^-A [A-Z]+ .*-j KUBE-' || true; } | while read -r rule; do
      # shellcheck disable=SC2086
      eval "$ipt -t $t -D ${rule#-A }" 2>/dev/null || true
    done
    for chain in $("$ipt-save" -t "$t" 2>/dev/null | sed -n 's/^:\(KUBE-[^ ]*\) .*/\1/p'); do
      "$ipt" -t "$t" -F "$chain" 2>/dev/null || true
    done
    for chain in $("$ipt-save" -t "$t" 2>/dev/null | sed -n 's/^:\(KUBE-[^ ]*\) .*/\1/p'); do
      "$ipt" -t "$t" -X "$chain" 2>/dev/null || true
    done
  done
}

# ----------------------------------------------------------------- cgroups --
cgroup_dirs() {
  local d
  for d in /sys/fs/cgroup/*/; do
    d="${d%/}"
    [[ -L "$d" ]] && continue
    [[ -f "$d/cgroup.procs" ]] && printf '%s\n' "$d$CGROUP_PARENT"
  done
}
cgroups_up() {
  local d
  for d in $(cgroup_dirs); do
    mkdir -p "$d"
    if [[ -f "$d/cpuset.cpus" ]]; then
      cat "$(dirname "$d")/cpuset.cpus" >"$d/cpuset.cpus"
      cat "$(dirname "$d")/cpuset.mems" >"$d/cpuset.mems"
    fi
  done
}
cgroups_down() {
  local d sub pid
  for d in $(cgroup_dirs); do
    [[ -d "$d" ]] || continue
    # Anything still in a pod cgroup belongs to this node: kill it, then remove leaves first.
    for sub in $(find "$d" -depth -type d); do
      for pid in $(cat "$sub/cgroup.procs" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    done
  done
  sleep 0.5
  for d in $(cgroup_dirs); do
    [[ -d "$d" ]] || continue
    find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    [[ -d "$d" ]] && log "could not remove cgroup $d (a process is still in it)"
  done
  return 0
}

# -------------------------------------------------------------- containerd --
containerd_up() {
  mkdir -p "$STATE/containerd"
  cat >"$STATE/containerd/config.toml" <<EOF
version = 2
root = "$STATE/containerd/root"
state = "$STATE/containerd/state"
disabled_plugins = ["io.containerd.internal.v1.tracing", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$STATE/containerd/containerd.sock"
[ttrpc]
  address = "$STATE/containerd/containerd.sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # No CAP_SYS_RESOURCE here: runc may lower oom_score_adj only.
  restrict_oom_score_adj = true
  disable_apparmor = true
  stream_server_address = "127.0.0.1"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = "$(command -v runc)"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$STATE/containerd/certs.d"
EOF
  mkdir -p "$STATE/containerd/certs.d"
  start containerd containerd --config "$STATE/containerd/config.toml"
  await containerd containerd ctr_ version
  load_pause
}

load_pause() {
  # A FROM-scratch image with one static binary, written as a docker-archive by hand.
  local dir="$CACHE/pause-1.0" layer config diff
  if [[ ! -f "$dir/image.tar" ]]; then
    rm -rf "$dir"
    mkdir -p "$dir/build/rootfs"
    gcc -static -Os -o "$dir/build/rootfs/pause" "$ROOT/scripts/node/pause.c"
    strip "$dir/build/rootfs/pause"
    tar --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$dir/build/rootfs" -cf "$dir/build/layer.tar" pause
    diff="$(sha256sum "$dir/build/layer.tar" | cut -d' ' -f1)"
    cat >"$dir/build/config.json" <<EOF
{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/pause"],"User":"65535:65535"},"rootfs":{"type":"layers","diff_ids":["sha256:$diff"]},"history":[{"created_by":"scripts/local-cluster.sh from scripts/node/pause.c"}]}
EOF
    config="$(sha256sum "$dir/build/config.json" | cut -d' ' -f1)"
    mv "$dir/build/config.json" "$dir/build/$config.json"
    mkdir -p "$dir/build/$diff"
    mv "$dir/build/layer.tar" "$dir/build/$diff/layer.tar"
    printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]\n' "$config" "$PAUSE_IMAGE" "$diff" >"$dir/build/manifest.json"
    tar -C "$dir/build" -cf "$dir/image.tar.tmp" manifest.json "$config.json" "$diff"
    mv "$dir/image.tar.tmp" "$dir/image.tar"
    rm -rf "$dir/build"
  fi
  ctr_ images import "$dir/image.tar" >/dev/null
}

containers_down() {
  local id
  [[ -S "$STATE/containerd/containerd.sock" ]] && alive containerd || return 0
  for id in $(ctr_ tasks ls -q 2>/dev/null || true); do
    ctr_ tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
  done
}

# ----------------------------------------------------------- control plane --
control_plane_up() {
  start etcd "$K8S_DIR/etcd" --name local --data-dir "$STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 10))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 10))" \
    --initial-cluster "local=http://127.0.0.1:$((ETCD_PORT + 10))" --unsafe-no-fsync --log-level warn
  local p="$STATE/pki"
  start kube-apiserver "$K8S_DIR/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address "$NODE_IP" --advertise-address "$NODE_IP" --secure-port "$API_PORT" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --client-ca-file "$p/ca.crt" --tls-cert-file "$p/apiserver.crt" --tls-private-key-file "$p/apiserver.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$p/sa.pub" --service-account-signing-key-file "$p/sa.key" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --kubelet-client-certificate "$p/apiserver-kubelet-client.crt" --kubelet-client-key "$p/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP \
    --requestheader-client-ca-file "$p/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$p/front-proxy-client.crt" --proxy-client-key-file "$p/front-proxy-client.key" \
    --enable-aggregator-routing=true --allow-privileged=true --profiling=false \
    --cert-dir "$STATE/apiserver-certs"
  await "the API server" kube-apiserver kubectl get --raw /readyz
  start kube-controller-manager "$K8S_DIR/kube-controller-manager" \
    --kubeconfig "$STATE/admin.kubeconfig" --authentication-kubeconfig "$STATE/admin.kubeconfig" \
    --authorization-kubeconfig "$STATE/admin.kubeconfig" --bind-address 127.0.0.1 --leader-elect=false \
    --use-service-account-credentials=true --service-account-private-key-file "$p/sa.key" \
    --root-ca-file "$p/ca.crt" --cluster-cidr "$POD_CIDR" --service-cluster-ip-range "$SERVICE_CIDR" \
    --horizontal-pod-autoscaler-sync-period 5s --cert-dir "$STATE/kcm-certs" --profiling=false
  start kube-scheduler "$K8S_DIR/kube-scheduler" \
    --kubeconfig "$STATE/admin.kubeconfig" --authentication-kubeconfig "$STATE/admin.kubeconfig" \
    --authorization-kubeconfig "$STATE/admin.kubeconfig" --bind-address 127.0.0.1 --leader-elect=false --profiling=false
}

# -------------------------------------------------------------------- node --
node_up() {
  : >"$STATE/resolv.conf" # pods with dnsPolicy Default get no upstream DNS either
  mkdir -p "$STATE/kubelet" "$STATE/pod-logs"
  cat >"$STATE/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: $CGROUP_PARENT
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $STATE/pki/ca.crt}
authorization: {mode: Webhook}
clusterDNS: [$NODE_IP]
clusterDomain: cluster.local
resolvConf: $STATE/resolv.conf
containerRuntimeEndpoint: unix://$STATE/containerd/containerd.sock
podLogsDir: $STATE/pod-logs
failSwapOn: false
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
maxPods: 110
nodeStatusUpdateFrequency: 4s
syncFrequency: 10s
EOF
  start kubelet "$K8S_DIR/kubelet" --config "$STATE/kubelet.yaml" --kubeconfig "$STATE/node.kubeconfig" \
    --root-dir "$STATE/kubelet" --cert-dir "$STATE/kubelet-certs" --hostname-override "$NODE_NAME" \
    --node-ip "$NODE_IP" --v 1
  cat >"$STATE/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $STATE/admin.kubeconfig}
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
nodePortAddresses: [$NODE_IP/32]
iptables: {localhostNodePorts: false}
# Leave the machine's conntrack settings alone.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s, udpTimeout: 0s, udpStreamTimeout: 0s}
EOF
  start kube-proxy "$K8S_DIR/kube-proxy" --config "$STATE/kube-proxy.yaml"
  cat >"$STATE/Corefile" <<EOF
cluster.local:53 in-addr.arpa:53 {
  bind $NODE_IP
  errors
  kubernetes cluster.local in-addr.arpa {
    kubeconfig $STATE/admin.kubeconfig
    pods insecure
  }
}
.:53 {
  bind $NODE_IP
  # Nothing is forwarded off this machine.
  template ANY ANY {
    rcode NXDOMAIN
  }
}
EOF
  start coredns "$K8S_DIR/coredns" -conf "$STATE/Corefile"
  await "the node to register" kubelet kubectl get node "$NODE_NAME"
  await "the node to be Ready" kubelet node_ready
}
node_ready() {
  [[ "$(kubectl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]
}

metrics_up() {
  start metrics-server "$K8S_DIR/metrics-server" --kubeconfig "$STATE/admin.kubeconfig" \
    --authentication-kubeconfig "$STATE/admin.kubeconfig" --authorization-kubeconfig "$STATE/admin.kubeconfig" \
    --bind-address "$NODE_IP" --secure-port 4443 --cert-dir "$STATE/metrics-server-certs" \
    --kubelet-insecure-tls --kubelet-preferred-address-types InternalIP --metric-resolution 10s --kubelet-request-timeout 5s
  kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Service
metadata: {name: metrics-server, namespace: kube-system}
spec:
  ports: [{name: https, port: 443, targetPort: 4443}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: metrics-server-host
  namespace: kube-system
  labels: {kubernetes.io/service-name: metrics-server, endpointslice.kubernetes.io/managed-by: nexomatic-local-cluster}
addressType: IPv4
ports: [{name: https, port: 4443, protocol: TCP}]
endpoints: [{addresses: ["$NODE_IP"], conditions: {ready: true}}]
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io}
spec:
  service: {name: metrics-server, namespace: kube-system, port: 443}
  group: metrics.k8s.io
  version: v1beta1
  insecureSkipTLSVerify: true
  groupPriorityMinimum: 100
  versionPriority: 100
---
# Hub data and other claims: hostPath volumes in the state directory, bound on first use.
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-hostpath
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
EOF
  local i
  for i in 1 2 3 4; do
    mkdir -p "$STATE/volumes/pv$i"
    chmod 0777 "$STATE/volumes/pv$i"
    kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: PersistentVolume
metadata: {name: local-pv$i}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local-hostpath
  hostPath: {path: $STATE/volumes/pv$i, type: Directory}
EOF
  done
  await "metrics-server" metrics-server metrics_available
}
metrics_available() {
  [[ "$(kubectl get apiservice v1beta1.metrics.k8s.io -o jsonpath='{.status.conditions[?(@.type=="Available")].status}')" == True ]]
}

# ------------------------------------------------------------------ images --
load_images() {
  local image tar
  [[ $# -gt 0 ]] || die "load needs image names (e.g. localhost/nexomatic-sink-local:0.1.0)"
  command -v docker >/dev/null 2>&1 || die "load copies images from the Docker engine, but docker is not installed"
  if [[ -z "${DOCKER_HOST:-}" ]]; then
    eval "$("$ROOT/scripts/images.sh" env)"
    export DOCKER_HOST
  fi
  mkdir -p "$STATE/images"
  for image in "$@"; do
    tar="$STATE/images/$(printf '%s' "$image" | tr '/:' '__').tar"
    docker save -o "$tar" "$image" || die "docker save $image failed (build it first: scripts/images.sh build)"
    ctr_ images import "$tar" >/dev/null || die "ctr images import of $image failed"
    rm -f "$tar"
    log "loaded $image into the node"
  done
}

kill_pod() {
  local ns="${1%%/*}" pod="${1#*/}" id n=0
  [[ "$1" == */* ]] || die "kill needs NAMESPACE/POD, got '$1'"
  for id in $(kubectl -n "$ns" get pod "$pod" -o jsonpath='{.status.containerStatuses[*].containerID}'); do
    ctr_ tasks kill -s SIGKILL "${id#containerd://}" >/dev/null || die "ctr tasks kill ${id#containerd://} failed"
    n=$((n + 1))
  done
  ((n > 0)) || die "pod $1 has no running container"
  log "sent SIGKILL to $n container(s) of $1"
}

# ---------------------------------------------------------------- commands --
is_up() {
  [[ -f "$STATE/admin.kubeconfig" ]] || return 1
  local c
  for c in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy coredns metrics-server; do
    alive "$c" || return 1
  done
  bins
  kubectl get --raw /readyz >/dev/null 2>&1 && node_ready
}

cmd_up() {
  preflight
  mkdir -p "$(dirname "$STATE")"
  exec 8>"${STATE%/}.lock"
  flock 8
  if is_up; then
    log "already up"
    printf 'KUBECONFIG=%s\n' "$STATE/admin.kubeconfig"
    return 0
  fi
  bins
  [[ -d "$STATE" ]] && cmd_down_locked
  local start_s=$SECONDS
  mkdir -p "$STATE/logs"
  record_sysctls
  make_pki
  network_up
  cgroups_up
  control_plane_up
  containerd_up
  node_up
  metrics_up
  log "up in $((SECONDS - start_s))s: node $NODE_NAME at $NODE_IP, API https://$NODE_IP:$API_PORT, logs in $STATE/logs"
  printf 'KUBECONFIG=%s\n' "$STATE/admin.kubeconfig"
}

cmd_down_locked() {
  [[ -d "$STATE" ]] || return 0
  bins 2>/dev/null || true
  stop metrics-server
  stop kubelet
  containers_down
  stop coredns
  stop kube-proxy
  stop containerd
  stop kube-scheduler
  stop kube-controller-manager
  stop kube-apiserver
  stop etcd
  # containerd-shim processes outlive containerd; they sit in its state directory.
  pkill -KILL -f "containerd-shim-runc-v2 .*-address $STATE/containerd/containerd.sock" 2>/dev/null || true
  cgroups_down
  network_down
  unmount_under "$STATE"
  unmount_under /run/containerd/io.containerd.runtime.v2.task/k8s.io
  find /var/log/containers -maxdepth 1 -type l -lname "$STATE/*" -delete 2>/dev/null || true
  restore_sysctls
  # Only once nothing is mounted below it, so removing it cannot reach into a volume's source.
  if findmnt -rn -o TARGET | grep -q "^$STATE/"; then
    die "mounts remain under $STATE; not removing it (findmnt -R $STATE)"
  fi
  rm -rf "$STATE"
}
unmount_under() {
  local m
  for m in $(findmnt -rn -o TARGET | grep "^$1/" | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
}
cmd_down() {
  [[ -d "$STATE" ]] || {
    log "not up"
    return 0
  }
  mkdir -p "$(dirname "$STATE")"
  exec 8>"${STATE%/}.lock"
  flock 8
  cmd_down_locked
  log "down; this machine is as it was"
}

cmd_status() {
  if is_up; then
    printf 'KUBECONFIG=%s\n' "$STATE/admin.kubeconfig"
    kubectl get nodes -o wide >&2
    return 0
  fi
  log "not up (scripts/local-cluster.sh up)"
  return 1
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  load)
    shift
    is_up || die "the cluster is not up (scripts/local-cluster.sh up)"
    load_images "$@"
    ;;
  kill)
    is_up || die "the cluster is not up (scripts/local-cluster.sh up)"
    kill_pod "${2:?kill needs NAMESPACE/POD}"
    ;;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
