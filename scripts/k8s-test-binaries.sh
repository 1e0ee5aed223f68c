#!/usr/bin/env bash
# k8s-test-binaries.sh - build and cache the Kubernetes control-plane binaries
# that the operator integration tests run against (DESIGN.md section 8).
#
# WHAT IT BUILDS, AND FROM WHERE
#   Everything is built from source fetched through the Go module proxy; no
#   release tarball or prebuilt binary is downloaded.
#   * kube-apiserver, kube-controller-manager, kube-scheduler, kubectl
#       A throwaway wrapper module (generated under the cache dir, never in the
#       git clone) requires k8s.io/kubernetes $K8S_VERSION and adds a `replace`
#       for every k8s.io/* staging module listed in the `replace` block of
#       k8s.io/kubernetes's own go.mod (those point at ./staging/src/..., which
#       does not exist in the module zip), each replaced by its published
#       v0.<minor>.<patch> release.  The list is read from the go.mod of the
#       requested release, so it follows new staging modules automatically.
#       Staging modules that the proxy does not serve at that version AND that
#       k8s.io/kubernetes does not require (k8s.io/sample-cli-plugin and
#       k8s.io/sample-controller for v1.37.2) get no replace, with a warning.
#       Built with CGO_ENABLED=0 -trimpath and the same version ldflags as
#       hack/lib/version.sh (gitVersion/gitMajor/gitMinor/gitTreeState/
#       buildDate for k8s.io/component-base/version and
#       k8s.io/client-go/pkg/version), so `--version`, `kubectl version` and
#       GET /version report the real release.  -s -w like release builds.
#   * etcd: a second wrapper module requiring go.etcd.io/etcd/server/v3
#       $ETCD_VERSION; the root package of that module is etcd's `main`
#       (server/main.go -> etcdmain.Main), so `go build go.etcd.io/etcd/server/v3`
#       yields the etcd binary. (go.etcd.io/etcd/v3, the repo root module, is
#       not what the release binary is built from.)  etcd's own go.mod only
#       replaces its sibling modules with ../paths, which a dependent module
#       ignores; the requires pin the matching api/client v3.6.x releases.
#   * kwok: `go install sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION` (kwok's go.mod
#       has no replace directives, so its own tested dependency set is used).
#
# CACHE
#   ${NEXOMATIC_K8S_CACHE:-$HOME/.cache/nexomatic/k8s}/<k8s-version>/
#     kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok
#     versions.txt       pinned versions + go version + build date
#     build-times.txt    seconds each build took on this machine
#     kube-api-test/     layout for fabric8 kube-api-test (see below)
#   ${NEXOMATIC_K8S_CACHE:-...}/.work/  generated wrapper modules (go.mod/go.sum)
#   Go's module cache and build cache stay the user's defaults (GOMODCACHE,
#   GOCACHE), so a rebuild (new version, other clone, CI) is incremental.
#   A binary counts as present only if it exists and its version command
#   reports the pinned version; a run with everything present takes seconds.
#
# FABRIC8 kube-api-test LAYOUT (io.fabric8:kube-api-test 7.x, formerly
# java-operator-sdk/jenvtest).  Read from the kube-api-test sources in
# fabric8io/kubernetes-client, junit/kube-api-test/core, classes
# io.fabric8.kubeapitest.binary.{BinaryManager,Binaries,OSInfo},
# io.fabric8.kubeapitest.Utils and KubeAPIServerConfigBuilder:
#   * testDir = withTestDir(dir) / env KUBE_API_TEST_DIR / default ~/.kubeapitest
#   * BinaryManager.BINARY_LIST_DIR = "k8s"; with withApiServerVersion(v) it
#     looks for  <testDir>/k8s/<v><platformSuffix>  and, if that exists, uses
#     it without downloading; platformSuffix = "-" + os + "-" + arch where os =
#     lower-cased os.name ("linux") and arch = amd64 | arm64 (aarch64) |
#     ppc64le (ppc64); every other os.arch maps to amd64.
#   * Inside it the files must be named exactly etcd, kube-apiserver, kubectl
#     (Binaries.*_BINARY_NAME); BinaryManager only checks File.exists() and
#     then runs them by absolute path, so symlinks are accepted.
#   * The version is written WITHOUT the leading "v" (its downloader strips it,
#     and without withApiServerVersion it picks the newest directory with a
#     numeric semver comparator that would throw on "v1...").  So use
#     withApiServerVersion("1.37.2").
#   * withOfflineMode(true) (env KUBE_API_TEST_OFFLINE_MODE) only means "never
#     download": if the directory is missing it throws "Binaries cannot be
#     found, and download is turned off".
#   * kube-api-test writes apiserver.crt/.key and client.crt/.key into testDir
#     (reused while present) and passes testDir as kube-apiserver --cert-dir,
#     so testDir must be writable.
#   This script creates  <cache>/<k8s-version>/kube-api-test/k8s/<X.Y.Z>-<os>-<arch>/
#   with relative symlinks to the three cached binaries and prints
#   <cache>/<k8s-version>/kube-api-test as the directory to pass to
#   withTestDir().  A test that wants its own (e.g. per-run) testDir can
#   instead symlink <its dir>/k8s -> <cache>/<k8s-version>/kube-api-test/k8s.
#   --smoke starts kube-apiserver with the same flags kube-api-test uses
#   (KubeAPIServerProcess.createCommand) to prove this build accepts them.
#
# USAGE
#   scripts/k8s-test-binaries.sh            build what is missing, print summary
#   scripts/k8s-test-binaries.sh --print-dir          build if needed; print cache dir only
#   scripts/k8s-test-binaries.sh --print-kube-api-test-dir   same, kube-api-test testDir
#   scripts/k8s-test-binaries.sh --check    exit 0 if all binaries present, 1 otherwise
#   scripts/k8s-test-binaries.sh --versions print the pinned versions
#   scripts/k8s-test-binaries.sh --smoke    (build if needed) start etcd + kube-apiserver
#                                           on 127.0.0.1, check with kubectl, stop them
#   scripts/k8s-test-binaries.sh --smoke-full   --smoke plus kube-controller-manager,
#                                           kube-scheduler and kwok: a Deployment gets
#                                           a Running pod on a kwok fake node
#   scripts/k8s-test-binaries.sh --force    rebuild everything
# ENVIRONMENT
#   K8S_VERSION ETCD_VERSION KWOK_VERSION   override the pinned versions
#   NEXOMATIC_K8S_CACHE                     cache root (default ~/.cache/nexomatic/k8s)
#   K8S_BUILD_PARALLEL (1)  go build -p;  K8S_BUILD_NICE (19)  nice level
#   GOMAXPROCS (1 unless set)               the machine is shared: builds are gentle
#   GO                                      go binary (default: go on PATH, else /usr/local/go/bin/go)
#   SMOKE_TIMEOUT (180)                     seconds allowed for the whole smoke check
#   SMOKE_KEEP=1                            keep the smoke temp dir (logs) for debugging
set -euo pipefail

# ---------------------------------------------------------------- versions --
K8S_VERSION="${K8S_VERSION:-v1.37.2}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
# The real node (scripts/local-cluster.sh): cluster DNS and the HPA's resource metrics.
COREDNS_VERSION="${COREDNS_VERSION:-v1.15.0}"
METRICS_SERVER_VERSION="${METRICS_SERVER_VERSION:-v0.8.0}"

# ------------------------------------------------------------------ setup --
PROG="scripts/k8s-test-binaries.sh"
ALL_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy etcd kwok coredns metrics-server)
K8S_CMDS=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy)
KUBE_API_TEST_BINARIES=(kube-apiserver etcd kubectl)

CACHE_ROOT="${NEXOMATIC_K8S_CACHE:-${HOME:?HOME is not set}/.cache/nexomatic/k8s}"
DIR="$CACHE_ROOT/$K8S_VERSION"
WORK="$CACHE_ROOT/.work"
KAT_DIR="$DIR/kube-api-test"
KWOK_STAGES_FILE="$DIR/kwok-stages.yaml"
BUILD_PARALLEL="${K8S_BUILD_PARALLEL:-1}"
BUILD_NICE="${K8S_BUILD_NICE:-19}"
SMOKE_TIMEOUT="${SMOKE_TIMEOUT:-180}"

log() { printf '[k8s-test-binaries] %s\n' "$*" >&2; }
warn() { printf '[k8s-test-binaries] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[k8s-test-binaries] ERROR: %s\n' "$1" >&2
  if [[ $# -gt 1 ]]; then printf '[k8s-test-binaries] retry with: %s\n' "$2" >&2; fi
  exit 1
}

if [[ ! "$K8S_VERSION" =~ ^v1\.([0-9]+)\.([0-9]+)$ ]]; then
  die "K8S_VERSION must look like v1.Y.Z (a release), got '$K8S_VERSION'"
fi
K8S_MINOR="${BASH_REMATCH[1]}"
K8S_PATCH="${BASH_REMATCH[2]}"
STAGING_VERSION="v0.${K8S_MINOR}.${K8S_PATCH}"
[[ "$ETCD_VERSION" =~ ^v3\.[0-9]+\.[0-9]+$ ]] || die "ETCD_VERSION must look like v3.Y.Z, got '$ETCD_VERSION'"
[[ "$KWOK_VERSION" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "KWOK_VERSION must look like vX.Y.Z, got '$KWOK_VERSION'"

# kube-api-test's platform suffix (OSInfo): os.name lower-cased, arch amd64|arm64|ppc64le.
kat_platform() {
  local os arch
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in
    aarch64 | arm64) arch=arm64 ;;
    ppc64 | ppc64le) arch=ppc64le ;;
    *) arch=amd64 ;;
  esac
  printf '%s-%s' "$os" "$arch"
}
KAT_VERSION_DIR="$KAT_DIR/k8s/${K8S_VERSION#v}-$(kat_platform)"

find_go() {
  if [[ -n "${GO:-}" ]]; then
    printf '%s' "$GO"
  elif command -v go >/dev/null 2>&1; then
    command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then
    printf '%s' /usr/local/go/bin/go
  else
    die "no Go toolchain found (set GO=/path/to/go or put go on PATH)"
  fi
}

# Run a command with a time limit when coreutils' timeout exists.
with_timeout() {
  local secs="$1"
  shift
  if command -v timeout >/dev/null 2>&1; then
    timeout "$secs" "$@"
  else
    "$@"
  fi
}

# ---------------------------------------------------------------- checks --
# Expected output of each binary's version command.
expected_version() {
  case "$1" in
    kube-apiserver | kube-controller-manager | kube-scheduler | kubelet | kube-proxy) printf 'Kubernetes %s' "$K8S_VERSION" ;;
    kubectl) printf 'Client Version: %s' "$K8S_VERSION" ;;
    etcd) printf 'etcd Version: %s' "${ETCD_VERSION#v}" ;;
    kwok) printf 'kwok version %s ' "$KWOK_VERSION" ;;
    coredns) printf 'CoreDNS-%s' "${COREDNS_VERSION#v}" ;;
    metrics-server) printf '%s' "$METRICS_SERVER_VERSION" ;;
  esac
}

version_output() {
  local bin="$DIR/$1"
  case "$1" in
    kubectl) with_timeout 30 "$bin" version --client 2>&1 ;;
    coredns) with_timeout 30 "$bin" -version 2>&1 ;;
    *) with_timeout 30 "$bin" --version 2>&1 ;;
  esac
}

binary_ok() {
  local name="$1" out
  [[ -f "$DIR/$name" && -x "$DIR/$name" ]] || return 1
  out="$(version_output "$name")" || return 1
  [[ "$out" == *"$(expected_version "$name")"* ]]
}

kat_layout_ok() {
  local b
  for b in "${KUBE_API_TEST_BINARIES[@]}"; do
    [[ -x "$KAT_VERSION_DIR/$b" ]] || return 1
  done
}

missing_binaries() {
  local b
  for b in "${ALL_BINARIES[@]}"; do
    binary_ok "$b" || printf '%s\n' "$b"
  done
}

# ------------------------------------------------------------------ build --
GO_BIN=""
go_env_setup() {
  GO_BIN="$(find_go)"
  export GOMAXPROCS="${GOMAXPROCS:-1}"
  export CGO_ENABLED=0
  # Never let a dependency's go/toolchain line trigger a toolchain download.
  export GOTOOLCHAIN=local
  export GOFLAGS="-p=$BUILD_PARALLEL"
  export GO111MODULE=on
}

gogo() { nice -n "$BUILD_NICE" "$GO_BIN" "$@"; }

# Print the .info/.mod path fields of `go mod download -json mod@ver`.
mod_download_field() {
  local modver="$1" field="$2" json
  json="$(cd "$WORK" && gogo mod download -json "$modver" 2>&1)" ||
    die "go mod download $modver failed:
$json" "$PROG (check that the Go module proxy serves $modver: $GO_BIN list -m -versions ${modver%@*})"
  printf '%s\n' "$json" | sed -n "s/^[[:space:]]*\"$field\": \"\\(.*\\)\",\{0,1\}$/\\1/p" | head -n1
}

# Release time of a module version, as recorded by the proxy (for buildDate).
mod_time() {
  local info
  info="$(mod_download_field "$1" Info)"
  sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info"
}

declare -A BUILD_SECONDS=()

# go build one main package into $DIR/<name>, atomically, timing it.
build_one() {
  local name="$1" pkg="$2" moddir="$3" ldflags="$4" start secs tmp
  tmp="$DIR/.$name.tmp.$$"
  log "building $name ($pkg) ..."
  start=$SECONDS
  if ! (cd "$moddir" && gogo build -trimpath -ldflags "$ldflags" -o "$tmp" "$pkg"); then
    rm -f "$tmp"
    die "go build of $name ($pkg) failed in $moddir" "$PROG --force   (or: cd $moddir && $GO_BIN build -trimpath -o /tmp/$name $pkg)"
  fi
  mv -f "$tmp" "$DIR/$name"
  secs=$((SECONDS - start))
  BUILD_SECONDS[$name]=$secs
  printf '%s %ss %s\n' "$name" "$secs" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$DIR/build-times.txt"
  log "built $name in ${secs}s"
}

# Write go.mod only when its content changed, then tidy (needs network the
# first time; afterwards everything comes from GOMODCACHE).
write_wrapper_and_tidy() {
  local moddir="$1" gomod="$2" toolsgo="$3" what="$4" out
  mkdir -p "$moddir"
  if [[ -f "$moddir/go.mod.generated" && -f "$moddir/go.sum" ]] &&
    [[ "$(cat "$moddir/go.mod.generated")" == "$gomod" ]] &&
    [[ -f "$moddir/tools.go" && "$(cat "$moddir/tools.go")" == "$toolsgo" ]]; then
    log "wrapper module for $what is up to date ($moddir)"
    return 0
  fi
  printf '%s\n' "$gomod" >"$moddir/go.mod"
  printf '%s' "$toolsgo" >"$moddir/tools.go"
  rm -f "$moddir/go.sum" "$moddir/go.mod.generated"
  log "resolving dependencies of $what (go mod tidy in $moddir) ..."
  local start=$SECONDS
  if ! out="$(cd "$moddir" && gogo mod tidy 2>&1)"; then
    printf '%s\n' "$out" | tail -n 30 >&2
    die "go mod tidy for $what failed (see above; a module the proxy does not serve?)" "$PROG --force"
  fi
  printf '%s\n' "$gomod" >"$moddir/go.mod.generated"
  log "dependencies of $what resolved in $((SECONDS - start))s"
}

build_kubernetes() {
  local moddir="$WORK/kubernetes-$K8S_VERSION" k8smod staging m required replaces="" skipped=""
  k8smod="$(mod_download_field "k8s.io/kubernetes@$K8S_VERSION" GoMod)"
  [[ -f "$k8smod" ]] || die "could not fetch go.mod of k8s.io/kubernetes@$K8S_VERSION" "$PROG"
  # Every module that k8s.io/kubernetes replaces with ./staging/src/...
  staging="$(awk '/=>[[:space:]]*\.\/staging\// { for (i = 1; i <= NF; i++) if ($i ~ /^k8s\.io\//) { print $i; break } }' "$k8smod" | sort -u)"
  [[ -n "$staging" ]] || die "found no ./staging replace directives in $k8smod"
  for m in $staging; do
    required=no
    if grep -Eq "^[[:space:]]*(require[[:space:]]+)?${m//./\\.}[[:space:]]+v" "$k8smod"; then required=yes; fi
    if [[ $required == no ]] && ! (cd "$WORK" && gogo list -m "$m@$STAGING_VERSION" >/dev/null 2>&1); then
      skipped+=" $m"
      continue
    fi
    replaces+=$'\t'"$m => $m $STAGING_VERSION"$'\n'
  done
  if [[ -n "$skipped" ]]; then
    warn "not served by the module proxy at $STAGING_VERSION and not required by k8s.io/kubernetes, so not replaced:$skipped"
  fi
  local gomod toolsgo c
  gomod="// Generated by $PROG - do not edit, never commit.
module nexomatic.local/k8s-test-binaries/kubernetes

go 1.26.0

godebug default=go1.26

require k8s.io/kubernetes $K8S_VERSION

replace (
${replaces})"
  # k8s.io/kubernetes's own go.mod may ask for a newer language version / godebug default.
  local kgo
  kgo="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$k8smod")"
  if [[ -n "$kgo" ]]; then
    gomod="${gomod/go 1.26.0/go $kgo}"
    gomod="${gomod/godebug default=go1.26/godebug default=go${kgo%.*}}"
  fi
  toolsgo="//go:build tools

// Generated by $PROG: makes go mod tidy resolve the commands we build.
package tools

import (
"
  for c in "${K8S_CMDS[@]}"; do toolsgo+=$'\t'"_ \"k8s.io/kubernetes/cmd/$c\""$'\n'; done
  toolsgo+=")
"
  write_wrapper_and_tidy "$moddir" "$gomod" "$toolsgo" "k8s.io/kubernetes $K8S_VERSION"

  local date ldflags="-s -w" p
  date="$(mod_time "k8s.io/kubernetes@$K8S_VERSION")"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$K8S_MINOR"
    ldflags+=" -X $p.gitTreeState=archive -X $p.buildDate=${date:-unknown}"
  done
  for c in "${K8S_CMDS[@]}"; do
    if [[ -n "${FORCE:-}" ]] || ! binary_ok "$c"; then
      build_one "$c" "k8s.io/kubernetes/cmd/$c" "$moddir" "$ldflags"
      binary_ok "$c" || die "$c was built but '$(version_output "$c" | head -n1)' does not report $K8S_VERSION" "$PROG --force"
    fi
  done
}

build_etcd() {
  local moddir="$WORK/etcd-$ETCD_VERSION" gomod toolsgo
  gomod="// Generated by $PROG - do not edit, never commit.
module nexomatic.local/k8s-test-binaries/etcd

go 1.26.0

require go.etcd.io/etcd/server/v3 $ETCD_VERSION"
  toolsgo="//go:build tools

// Generated by $PROG: makes go mod tidy resolve the command we build.
package tools

import _ \"go.etcd.io/etcd/server/v3\"
"
  write_wrapper_and_tidy "$moddir" "$gomod" "$toolsgo" "go.etcd.io/etcd/server/v3 $ETCD_VERSION"
  build_one etcd go.etcd.io/etcd/server/v3 "$moddir" "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=go-module-proxy"
  binary_ok etcd || die "etcd was built but '$(version_output etcd | head -n1)' does not report $ETCD_VERSION" "$PROG --force"
}

# go install one command at a pinned version into $DIR/<name>, timing it
# (for modules without replace directives, so their own tested dependency set is used).
install_one() {
  local name="$1" pkgver="$2" ldflags="$3" tmpbin="$DIR/.$1-gobin.$$" start secs
  log "building $name (go install $pkgver) ..."
  start=$SECONDS
  mkdir -p "$tmpbin"
  if ! (cd "$WORK" && GOBIN="$tmpbin" gogo install -trimpath -ldflags "$ldflags" "$pkgver"); then
    rm -rf "$tmpbin"
    die "go install of $pkgver failed" "$PROG   (or: $GO_BIN install $pkgver)"
  fi
  mv -f "$tmpbin/$(basename "${pkgver%@*}")" "$DIR/$name"
  rm -rf "$tmpbin"
  secs=$((SECONDS - start))
  BUILD_SECONDS[$name]=$secs
  printf '%s %ss %s\n' "$name" "$secs" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$DIR/build-times.txt"
  log "built $name in ${secs}s"
  binary_ok "$name" || die "$name was built but '$(version_output "$name" | head -n1)' does not report its pinned version" "$PROG --force"
}

build_kwok() {
  install_one kwok "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}"
  write_kwok_stages
}

build_coredns() {
  install_one coredns "github.com/coredns/coredns@$COREDNS_VERSION" "-s -w"
}

build_metrics_server() {
  install_one metrics-server "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_VERSION" \
    "-s -w -X k8s.io/client-go/pkg/version.gitVersion=$METRICS_SERVER_VERSION"
}

# The kwok binary simulates nothing without Stage objects (kwokctl normally
# writes them).  Collect the default "fast" node/pod stages shipped in the kwok
# module into one file that tests pass as `kwok --config <file>`.
write_kwok_stages() {
  local src f first=1
  src="$(mod_download_field "sigs.k8s.io/kwok@$KWOK_VERSION" Dir)"
  {
    printf '# Default kwok stages from sigs.k8s.io/kwok@%s/kustomize/stage (written by %s)\n' "$KWOK_VERSION" "$PROG"
    for f in node/fast/node-initialize.yaml node/heartbeat/node-heartbeat.yaml \
      pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
      [[ -f "$src/kustomize/stage/$f" ]] || die "kwok stage $f not found in $src/kustomize/stage"
      [[ $first == 1 ]] || printf -- '---\n'
      first=0
      cat "$src/kustomize/stage/$f"
    done
  } >"$KWOK_STAGES_FILE.tmp"
  mv -f "$KWOK_STAGES_FILE.tmp" "$KWOK_STAGES_FILE"
}

make_kat_layout() {
  local b
  mkdir -p "$KAT_VERSION_DIR"
  for b in "${KUBE_API_TEST_BINARIES[@]}"; do
    # <cache>/<ver>/kube-api-test/k8s/<X.Y.Z>-<os>-<arch>/<b> -> <cache>/<ver>/<b>
    ln -sfn "../../../$b" "$KAT_VERSION_DIR/$b"
  done
  kat_layout_ok || die "kube-api-test layout in $KAT_VERSION_DIR is broken" "$PROG --force"
}

write_versions() {
  {
    printf 'kubernetes=%s\n' "$K8S_VERSION"
    printf 'k8s-staging-modules=%s\n' "$STAGING_VERSION"
    printf 'etcd=%s\n' "$ETCD_VERSION"
    printf 'kwok=%s\n' "$KWOK_VERSION"
    printf 'coredns=%s\n' "$COREDNS_VERSION"
    printf 'metrics-server=%s\n' "$METRICS_SERVER_VERSION"
    printf 'go=%s\n' "$("$GO_BIN" env GOVERSION)"
    printf 'platform=%s/%s\n' "$("$GO_BIN" env GOOS)" "$("$GO_BIN" env GOARCH)"
    printf 'kube-api-test-dir=%s\n' "$KAT_DIR"
    printf 'kube-api-test-version=%s\n' "${K8S_VERSION#v}"
    printf 'kwok-stages=%s\n' "$KWOK_STAGES_FILE"
    printf 'updated=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"$DIR/versions.txt.tmp"
  mv -f "$DIR/versions.txt.tmp" "$DIR/versions.txt"
}

ensure_built() {
  local missing
  missing="$(missing_binaries)"
  if [[ -z "$missing" && -z "${FORCE:-}" && -f "$DIR/versions.txt" && -f "$KWOK_STAGES_FILE" ]] && kat_layout_ok; then
    log "all binaries present in $DIR"
    return 0
  fi
  go_env_setup
  mkdir -p "$DIR" "$WORK"
  # One build per version at a time (another clone or CI may be building it).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$CACHE_ROOT/.lock-$K8S_VERSION"
    if ! flock -n 9; then
      log "another build of $K8S_VERSION is running; waiting for it ..."
      flock 9
    fi
  fi
  missing="$(missing_binaries)"
  [[ -n "${FORCE:-}" ]] && missing="${ALL_BINARIES[*]}"
  if [[ -n "$missing" ]]; then
    log "to build: $(echo $missing) (k8s $K8S_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION) with $("$GO_BIN" env GOVERSION), -p $BUILD_PARALLEL, GOMAXPROCS=$GOMAXPROCS, nice $BUILD_NICE"
    log "first build: downloads modules and compiles for a long time on one core; later builds reuse GOMODCACHE/GOCACHE"
  fi
  local total_start=$SECONDS
  if [[ -n "${FORCE:-}" ]] || grep -Eq '^(kube-apiserver|kube-controller-manager|kube-scheduler|kubectl|kubelet|kube-proxy)$' <<<"$missing"; then
    build_kubernetes
  fi
  if [[ -n "${FORCE:-}" ]] || grep -qx etcd <<<"$missing"; then build_etcd; fi
  if [[ -n "${FORCE:-}" ]] || grep -qx kwok <<<"$missing"; then build_kwok; fi
  if [[ -n "${FORCE:-}" ]] || grep -qx coredns <<<"$missing"; then build_coredns; fi
  if [[ -n "${FORCE:-}" ]] || grep -qx metrics-server <<<"$missing"; then build_metrics_server; fi
  [[ -f "$KWOK_STAGES_FILE" ]] || write_kwok_stages
  make_kat_layout
  write_versions
  if [[ ${#BUILD_SECONDS[@]} -gt 0 ]]; then
    local b
    log "build times (seconds):"
    for b in "${ALL_BINARIES[@]}"; do
      [[ -n "${BUILD_SECONDS[$b]:-}" ]] && log "  $(printf '%-24s %6s' "$b" "${BUILD_SECONDS[$b]}")"
    done
    log "  $(printf '%-24s %6s' total "$((SECONDS - total_start))")"
  fi
}

print_summary() {
  local b
  printf 'Kubernetes control-plane test binaries (%s)\n' "$DIR"
  for b in "${ALL_BINARIES[@]}"; do
    printf '  %-24s %s\n' "$b" "$(version_output "$b" | head -n1)"
  done
  printf 'kwok stages:         %s\n' "$KWOK_STAGES_FILE"
  printf 'versions:            %s/versions.txt\n' "$DIR"
  printf 'kube-api-test:       withTestDir("%s")\n' "$KAT_DIR"
  printf '                     withApiServerVersion("%s") withOfflineMode(true)\n' "${K8S_VERSION#v}"
  printf '                     (binaries in %s)\n' "$KAT_VERSION_DIR"
}

# ------------------------------------------------------------------ smoke --
SMOKE_TMP=""
SMOKE_PIDS=()
smoke_cleanup() {
  local rc=$? i pid
  for ((i = ${#SMOKE_PIDS[@]} - 1; i >= 0; i--)); do
    pid="${SMOKE_PIDS[$i]}"
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${SMOKE_PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  SMOKE_PIDS=()
  if [[ -n "$SMOKE_TMP" && -d "$SMOKE_TMP" ]]; then
    if [[ $rc -ne 0 || -n "${SMOKE_KEEP:-}" ]]; then
      local f
      for f in "$SMOKE_TMP"/*.log; do
        [[ -f "$f" ]] || continue
        log "---- last lines of $(basename "$f") ----"
        tail -n 15 "$f" >&2 || true
      done
    fi
    if [[ -n "${SMOKE_KEEP:-}" ]]; then
      log "kept $SMOKE_TMP"
    else
      rm -rf "$SMOKE_TMP"
    fi
  fi
  exit "$rc"
}

# Go helper: a CA, serving + client certificates, a service-account key pair,
# and N free loopback ports (listening on 127.0.0.1:0 like kube-api-test does).
SMOKE_HELPER_GO='package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func writePEM(path, typ string, der []byte) {
	check(os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600))
}

func newKey(dir, name string) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	check(err)
	der, err := x509.MarshalECPrivateKey(k)
	check(err)
	writePEM(filepath.Join(dir, name+".key"), "EC PRIVATE KEY", der)
	return k
}

func main() {
	dir := os.Args[1]
	n, err := strconv.Atoi(os.Args[2])
	check(err)
	now := time.Now()
	caKey := newKey(dir, "ca")
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "nexomatic-smoke-ca"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	check(err)
	writePEM(filepath.Join(dir, "ca.crt"), "CERTIFICATE", caDER)
	ca, err := x509.ParseCertificate(caDER)
	check(err)
	leaf := func(name string, serial int64, subj pkix.Name, usage x509.ExtKeyUsage, ips []net.IP, dns []string) {
		k := newKey(dir, name)
		t := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: subj, NotBefore: now.Add(-time.Hour),
			NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: ips, DNSNames: dns}
		der, err := x509.CreateCertificate(rand.Reader, t, ca, &k.PublicKey, caKey)
		check(err)
		writePEM(filepath.Join(dir, name+".crt"), "CERTIFICATE", der)
	}
	leaf("server", 2, pkix.Name{CommonName: "kube-apiserver"}, x509.ExtKeyUsageServerAuth,
		[]net.IP{net.ParseIP("127.0.0.1")}, []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"})
	leaf("admin", 3, pkix.Name{CommonName: "nexomatic-smoke-admin", Organization: []string{"system:masters"}},
		x509.ExtKeyUsageClientAuth, nil, nil)
	sa := newKey(dir, "sa")
	pub, err := x509.MarshalPKIXPublicKey(&sa.PublicKey)
	check(err)
	writePEM(filepath.Join(dir, "sa.pub"), "PUBLIC KEY", pub)
	var ls []net.Listener
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		check(err)
		ls = append(ls, l)
		fmt.Print(l.Addr().(*net.TCPAddr).Port, " ")
	}
	for _, l := range ls {
		l.Close()
	}
	fmt.Println()
}
'

# Plain-HTTP GET over bash's /dev/tcp (etcd's client port has no TLS here).
http_get() {
  local port="$1" path="$2" resp
  resp="$(
    { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || exit 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
    with_timeout 5 cat <&3
  )" 2>/dev/null || return 1
  printf '%s' "$resp"
}

SMOKE_DEADLINE=0
remaining() {
  local r=$((SMOKE_DEADLINE - SECONDS))
  ((r > 0)) || r=1
  printf '%s' "$r"
}

# wait_for <what> <pid> <command...>: poll until the command succeeds.
wait_for() {
  local what="$1" pid="$2"
  shift 2
  while ((SECONDS < SMOKE_DEADLINE)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      die "$what: its process exited (see log above)" "$PROG --smoke   (SMOKE_KEEP=1 keeps the logs)"
    fi
    sleep 1
  done
  die "timed out after ${SMOKE_TIMEOUT}s waiting for $what" "SMOKE_TIMEOUT=600 $PROG --smoke"
}

K() { with_timeout "$(remaining)" "$DIR/kubectl" --kubeconfig "$SMOKE_TMP/admin.kubeconfig" --request-timeout=15s "$@"; }

etcd_healthy() { http_get "$1" /health | grep -q '"health":"true"'; }
readyz_ok() { [[ "$(K get --raw /readyz 2>/dev/null)" == ok ]]; }
default_ns_exists() { K get namespace default -o name; }

smoke() {
  local full="$1"
  go_env_setup
  SMOKE_DEADLINE=$((SECONDS + SMOKE_TIMEOUT))
  SMOKE_TMP="$(mktemp -d "${TMPDIR:-/tmp}/nexomatic-k8s-smoke.XXXXXX")"
  trap smoke_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  local start=$SECONDS
  printf '%s' "$SMOKE_HELPER_GO" >"$SMOKE_TMP/helper.go"
  local ports
  ports="$(cd "$SMOKE_TMP" && with_timeout 120 nice -n "$BUILD_NICE" "$GO_BIN" run ./helper.go "$SMOKE_TMP" 6)" ||
    die "could not generate smoke-test certificates with go run" "$PROG --smoke"
  local etcd_port peer_port api_port kcm_port sched_port kwok_port
  read -r etcd_port peer_port api_port kcm_port sched_port kwok_port <<<"$ports"
  log "smoke: ports etcd=$etcd_port peer=$peer_port apiserver=$api_port (temp dir $SMOKE_TMP)"

  # etcd, with the flags kube-api-test's EtcdProcess uses (loopback only here).
  "$DIR/etcd" --name smoke --data-dir "$SMOKE_TMP/etcd-data" --wal-dir "$SMOKE_TMP/etcd-wal" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "smoke=http://127.0.0.1:$peer_port" --log-level warn >"$SMOKE_TMP/etcd.log" 2>&1 &
  SMOKE_PIDS+=($!)
  wait_for "etcd /health" "${SMOKE_PIDS[-1]}" etcd_healthy "$etcd_port"
  log "smoke: etcd healthy after $((SECONDS - start))s"

  # kube-apiserver with kube-api-test's flags (KubeAPIServerProcess), plus our
  # own serving cert so kubectl verifies TLS instead of skipping it. Advertising a
  # loopback address needs the endpoint reconciler off (kube-apiserver refuses it
  # otherwise: "may not be in the loopback range").
  "$DIR/kube-apiserver" \
    --cert-dir "$SMOKE_TMP/apiserver-certs" \
    --tls-cert-file "$SMOKE_TMP/server.crt" --tls-private-key-file "$SMOKE_TMP/server.key" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 \
    --endpoint-reconciler-type none \
    --secure-port "$api_port" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-signing-key-file "$SMOKE_TMP/sa.key" \
    --service-account-key-file "$SMOKE_TMP/sa.pub" \
    --disable-admission-plugins ServiceAccount \
    --client-ca-file "$SMOKE_TMP/ca.crt" \
    --service-cluster-ip-range 10.0.0.0/24 \
    --allow-privileged >"$SMOKE_TMP/kube-apiserver.log" 2>&1 &
  SMOKE_PIDS+=($!)
  local api_pid="${SMOKE_PIDS[-1]}"

  cat >"$SMOKE_TMP/admin.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: smoke
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority: $SMOKE_TMP/ca.crt
users:
- name: admin
  user:
    client-certificate: $SMOKE_TMP/admin.crt
    client-key: $SMOKE_TMP/admin.key
contexts:
- name: smoke
  context: {cluster: smoke, user: admin}
current-context: smoke
EOF

  wait_for "kube-apiserver /readyz" "$api_pid" readyz_ok
  log "smoke: kube-apiserver ready after $((SECONDS - start))s"
  local out
  out="$(K version 2>&1)" || die "kubectl version failed: $out"
  printf '%s\n' "$out" | sed 's/^/[smoke] /' >&2
  [[ "$out" == *"Server Version: $K8S_VERSION"* ]] || die "server does not report $K8S_VERSION: $out"
  out="$(K get --raw /readyz)" || die "kubectl get --raw /readyz failed"
  [[ "$out" == ok ]] || die "/readyz said: $out"
  log "smoke: kubectl get --raw /readyz -> $out"
  wait_for "namespace default" "$api_pid" default_ns_exists
  K create configmap nexomatic-smoke --from-literal=hello=world >/dev/null || die "creating a ConfigMap failed"
  out="$(K get configmap nexomatic-smoke -o 'jsonpath={.data.hello}')" || die "reading the ConfigMap back failed"
  [[ "$out" == world ]] || die "ConfigMap round trip returned '$out'"
  K delete configmap nexomatic-smoke >/dev/null || die "deleting the ConfigMap failed"
  log "smoke: ConfigMap create/get/delete ok"

  if [[ "$full" == full ]]; then
    smoke_full "$kcm_port" "$sched_port" "$kwok_port" "$start"
  fi
  log "smoke: PASSED in $((SECONDS - start))s"
}

deployment_running() {
  local phases
  phases="$(K get pods -n default -l app=nexomatic-smoke -o 'jsonpath={range .items[*]}{.status.phase}{"\n"}{end}')" || return 1
  [[ "$phases" == *Running* ]]
}

smoke_full() {
  local kcm_port="$1" sched_port="$2" kwok_port="$3" start="$4"
  "$DIR/kube-controller-manager" --kubeconfig "$SMOKE_TMP/admin.kubeconfig" \
    --authentication-kubeconfig "$SMOKE_TMP/admin.kubeconfig" --authorization-kubeconfig "$SMOKE_TMP/admin.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$kcm_port" --cert-dir "$SMOKE_TMP/kcm-certs" \
    --leader-elect=false --use-service-account-credentials=false \
    --service-account-private-key-file "$SMOKE_TMP/sa.key" --root-ca-file "$SMOKE_TMP/ca.crt" \
    >"$SMOKE_TMP/kube-controller-manager.log" 2>&1 &
  SMOKE_PIDS+=($!)
  "$DIR/kube-scheduler" --kubeconfig "$SMOKE_TMP/admin.kubeconfig" \
    --authentication-kubeconfig "$SMOKE_TMP/admin.kubeconfig" --authorization-kubeconfig "$SMOKE_TMP/admin.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$sched_port" --leader-elect=false \
    >"$SMOKE_TMP/kube-scheduler.log" 2>&1 &
  SMOKE_PIDS+=($!)
  "$DIR/kwok" --kubeconfig "$SMOKE_TMP/admin.kubeconfig" --config "$KWOK_STAGES_FILE" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-ip 127.0.0.1 --server-address "127.0.0.1:$kwok_port" \
    >"$SMOKE_TMP/kwok.log" 2>&1 &
  SMOKE_PIDS+=($!)
  K apply -f - >/dev/null <<'EOF' || die "creating the kwok fake node / Deployment failed"
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/hostname: kwok-node-0
spec:
  taints:
  - {key: kwok.x-k8s.io/node, value: fake, effect: NoSchedule}
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nexomatic-smoke
  namespace: default
spec:
  replicas: 1
  selector:
    matchLabels: {app: nexomatic-smoke}
  template:
    metadata:
      labels: {app: nexomatic-smoke}
    spec:
      nodeSelector: {type: kwok}
      tolerations:
      - {key: kwok.x-k8s.io/node, operator: Exists, effect: NoSchedule}
      containers:
      - name: sink
        image: example.invalid/nexomatic-sink:smoke
EOF
  wait_for "a Running pod of Deployment nexomatic-smoke (kube-controller-manager + kube-scheduler + kwok)" "" deployment_running
  log "smoke: Deployment -> ReplicaSet -> Pod scheduled on kwok-node-0 and Running after $((SECONDS - start))s"
  K get pods -n default -o wide 2>&1 | sed 's/^/[smoke] /' >&2 || true
}

# ------------------------------------------------------------------- main --
usage() { sed -n '2,/^set -euo pipefail/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

MODE=build
FORCE=""
for arg in "$@"; do
  case "$arg" in
    --print-dir) MODE=print-dir ;;
    --print-kube-api-test-dir) MODE=print-kat-dir ;;
    --check) MODE=check ;;
    --versions) MODE=versions ;;
    --smoke) MODE=smoke ;;
    --smoke-full) MODE=smoke-full ;;
    --force) FORCE=1 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$arg' (see $PROG --help)" ;;
  esac
done

case "$MODE" in
  versions)
    printf 'kubernetes %s\nk8s-staging-modules %s\netcd %s\nkwok %s\ncache %s\n' \
      "$K8S_VERSION" "$STAGING_VERSION" "$ETCD_VERSION" "$KWOK_VERSION" "$DIR"
    ;;
  check)
    missing="$(missing_binaries)"
    if [[ -n "$missing" ]]; then
      log "missing or wrong version in $DIR: $(echo $missing)"
      exit 1
    fi
    kat_layout_ok || { log "kube-api-test layout missing: $KAT_VERSION_DIR"; exit 1; }
    log "all binaries present in $DIR"
    ;;
  print-dir)
    ensure_built
    printf '%s\n' "$DIR"
    ;;
  print-kat-dir)
    ensure_built
    printf '%s\n' "$KAT_DIR"
    ;;
  build)
    ensure_built
    print_summary
    ;;
  smoke)
    ensure_built
    smoke basic
    ;;
  smoke-full)
    ensure_built
    smoke full
    ;;
esac
