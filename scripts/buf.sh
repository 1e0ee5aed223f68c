#!/usr/bin/env bash
# buf (github.com/bufbuild/buf) lints the sink protocol and checks it for wire-breaking changes
# against the last released descriptor, sink-protocol/released/v1.binpb (docs/protocol.md,
# "Protocol hygiene"). buf is built from source through the Go module proxy (go's own
# configuration, never a host named here) once per machine, cached outside the clone and keyed
# by version; cached, a run takes seconds.
#   scripts/buf.sh [check]   builds buf unless cached, then `buf lint` and `buf breaking` (CI)
#   scripts/buf.sh selftest  proves both can fail: on a temporary copy of the protocol, a
#                            renumbered, a deleted, a retyped and a renamed field, a renamed enum
#                            value, RPC and service each make `buf breaking` report its rule, and
#                            a badly named field, enum and RPC each make `buf lint` report its
#                            rule (the v1 exemptions in sink.proto do not reach new elements)
#   scripts/buf.sh release   rewrites the released descriptor from the current proto; only when a
#                            release is cut (docs/protocol.md says when and how)
#   scripts/buf.sh install   builds unless cached, then prints the binary's path
#   scripts/buf.sh path      prints its path, or exits 1 when it is not built
# Several modes run in order: `scripts/buf.sh check selftest` is what .ci/run runs.
# ENVIRONMENT
#   BUF_VERSION (v1.75.0)  NEXOMATIC_CACHE (~/.cache/nexomatic)  GO (go on PATH, else
#   /usr/local/go/bin/go)  BUF_BUILD_NICE (10)  GOMAXPROCS (go's default unless set)
set -euo pipefail

VERSION="${BUF_VERSION:-v1.75.0}"
DIR="${NEXOMATIC_CACHE:-${HOME:?HOME is not set}/.cache/nexomatic}/tools/buf/$VERSION"
BIN="$DIR/buf"
PROTO_DIR="$(cd "$(dirname "$0")/../sink-protocol" && pwd)"
RELEASED=released/v1.binpb
# buf's exit code for findings (lint or breaking annotations); 1 means it could not run at all,
# e.g. a proto that does not compile, which must never pass for a finding.
FINDINGS=100

log() { printf '[buf] %s\n' "$*" >&2; }
die() {
  printf '[buf] ERROR: %s\n' "$*" >&2
  exit 1
}

find_go() {
  if [ -n "${GO:-}" ]; then
    printf '%s' "$GO"
  elif command -v go >/dev/null 2>&1; then
    command -v go
  elif [ -x /usr/local/go/bin/go ]; then
    printf '%s' /usr/local/go/bin/go
  else
    die "no Go toolchain found (set GO=/path/to/go or put go on PATH)"
  fi
}

# A binary counts as built only when it reports the pinned version, so an interrupted or an
# older build is rebuilt rather than trusted.
built() { [ -x "$BIN" ] && [ "v$("$BIN" --version 2>/dev/null)" = "$VERSION" ]; }

ENSURED=""
ensure_built() {
  [ -z "$ENSURED" ] || return 0
  ENSURED=1
  if built; then
    log "buf $VERSION cached at $BIN"
    return 0
  fi
  local go start secs tmp
  go="$(find_go)"
  mkdir -p "$DIR"
  # go install writes into GOBIN; a temporary one, moved into place last, keeps a half-written
  # binary from ever being the cached one.
  tmp="$(mktemp -d "$DIR/.build.XXXXXX")"
  log "building buf $VERSION with $("$go" env GOVERSION) (once per machine) ..."
  start=$SECONDS
  # GOTOOLCHAIN=local: buf's go line must not make go download another toolchain.
  if ! GOBIN="$tmp" GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="$("$go" env GOFLAGS) -mod=mod" \
    nice -n "${BUF_BUILD_NICE:-10}" "$go" install -trimpath "github.com/bufbuild/buf/cmd/buf@$VERSION"; then
    rm -rf "$tmp"
    die "go install github.com/bufbuild/buf/cmd/buf@$VERSION failed (does the module proxy serve it? $go list -m -versions github.com/bufbuild/buf)"
  fi
  mv -f "$tmp/buf" "$BIN"
  rm -rf "$tmp"
  secs=$((SECONDS - start))
  printf 'buf %s %ss %s\n' "$VERSION" "$secs" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$DIR/build-times.txt"
  built || die "$BIN does not report version $VERSION"
  log "built buf $VERSION in ${secs}s into $BIN"
}

# buf lint and buf breaking over the module in directory $1 (sink-protocol or a copy of it).
lint() { (cd "$1" && "$BIN" lint "${@:2}"); }
breaking() { (cd "$1" && "$BIN" breaking --against "$RELEASED" "${@:2}"); }

check() {
  [ -f "$PROTO_DIR/$RELEASED" ] || die "$PROTO_DIR/$RELEASED is missing (docs/protocol.md)"
  local start=$SECONDS
  lint "$PROTO_DIR" || die "buf lint: fix the names above (STANDARD rules; only elements released in v1 may carry a buf:lint:ignore line, docs/protocol.md)"
  breaking "$PROTO_DIR" ||
    die "buf breaking: the change above breaks nexomatic.sink.v1 on the wire or in JSON against $RELEASED; add a field or an RPC instead, or start v2 (docs/protocol.md)"
  log "lint and breaking (WIRE_JSON against $RELEASED) clean in $((SECONDS - start))s"
}

# ------------------------------------------------------------------------------- self-test --
SELFTEST_TMP=""
PROTO_FILE=src/main/proto/nexomatic/sink/v1/sink.proto

# A fresh copy of the protocol module to break.
fresh_copy() {
  rm -rf "$SELFTEST_TMP/m"
  mkdir -p "$SELFTEST_TMP/m"
  cp -R "$PROTO_DIR/buf.yaml" "$PROTO_DIR/released" "$PROTO_DIR/src" "$SELFTEST_TMP/m/"
  printf '%s' "$SELFTEST_TMP/m"
}

# mutate DIR SED_EXPR: edit the copy's proto; a sed that matched nothing would prove nothing.
mutate() {
  local file="$1/$PROTO_FILE"
  cp "$file" "$file.orig"
  sed -i -e "$2" "$file"
  ! cmp -s "$file" "$file.orig" || die "selftest: '$2' changed nothing in sink.proto"
  rm -f "$file.orig"
}

# expect_finding WHAT RULE COMMAND...: the command must exit with buf's findings code and name
# RULE in its JSON output.
expect_finding() {
  local what="$1" rule="$2" out rc=0
  shift 2
  out="$("$@" --error-format json 2>&1)" || rc=$?
  if [ "$rc" != "$FINDINGS" ]; then
    printf '%s\n' "$out" >&2
    die "selftest: $what: expected buf to report $rule (exit $FINDINGS), got exit $rc"
  fi
  grep -q "\"type\":\"$rule\"" <<<"$out" || {
    printf '%s\n' "$out" >&2
    die "selftest: $what: buf failed, but did not report $rule"
  }
  log "selftest: $what -> $rule reported (exit $rc)"
}

selftest() {
  SELFTEST_TMP="$(mktemp -d "${TMPDIR:-/tmp}/nexomatic-buf-selftest.XXXXXX")"
  trap 'rm -rf "$SELFTEST_TMP"' EXIT
  local m start=$SECONDS
  m="$(fresh_copy)"
  lint "$m" && breaking "$m" || die "selftest: the unchanged copy does not pass, so no finding below would mean anything"
  log "selftest: unchanged copy passes lint and breaking"

  m="$(fresh_copy)"
  mutate "$m" '/^message TaskRef {/,/^}/s/uint32 attempt = 2;/uint32 attempt = 3;/'
  expect_finding "TaskRef.attempt renumbered 2 -> 3" FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED breaking "$m"

  m="$(fresh_copy)"
  mutate "$m" '/^message Decline {/,/^}/{/string reason = 2;/d}'
  expect_finding "Decline.reason deleted" FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED breaking "$m"

  m="$(fresh_copy)"
  mutate "$m" '/^message TaskStarted {/,/^}/s/int64 started_at_ms = 2;/string started_at_ms = 2;/'
  expect_finding "TaskStarted.started_at_ms int64 -> string" FIELD_WIRE_JSON_COMPATIBLE_TYPE breaking "$m"

  # Same number, new name: the binary wire is unchanged, JSON (grpcurl, the hub CLI) is not.
  m="$(fresh_copy)"
  mutate "$m" '/^message Hello {/,/^}/s/string sink_uuid = 1;/string sink_id = 1;/'
  expect_finding "Hello.sink_uuid renamed sink_id" FIELD_SAME_JSON_NAME breaking "$m"

  m="$(fresh_copy)"
  mutate "$m" 's/HELD_FINISHED = 2;/HELD_STATE_FINISHED = 2;/'
  expect_finding "enum value HELD_FINISHED renamed" ENUM_VALUE_SAME_NAME breaking "$m"

  # The method's name is in the gRPC path: a renamed RPC is UNIMPLEMENTED for every old client.
  m="$(fresh_copy)"
  mutate "$m" 's/rpc StreamLogs(stream LogChunk)/rpc StreamLog(stream LogChunk)/'
  expect_finding "RPC SinkHub.StreamLogs renamed" RPC_NO_DELETE breaking "$m"

  m="$(fresh_copy)"
  mutate "$m" 's/^service HubAdmin {/service HubAdminService {/'
  expect_finding "service HubAdmin renamed" PACKAGE_SERVICE_NO_DELETE breaking "$m"

  m="$(fresh_copy)"
  mutate "$m" 's/^  bool draining = 10;$/  bool draining = 10;\n  string podUid = 11;/'
  expect_finding "new field Hello.podUid" FIELD_LOWER_SNAKE_CASE lint "$m"

  # The v1 exemptions (buf:lint:ignore lines) must not reach elements added after them.
  m="$(fresh_copy)"
  mutate "$m" '$a enum Colour {\n  COLOUR_UNSPECIFIED = 0;\n  RED = 1;\n}'
  expect_finding "new enum with unprefixed values" ENUM_VALUE_PREFIX lint "$m"

  m="$(fresh_copy)"
  mutate "$m" 's/^  rpc ListSinks(ListSinksRequest) returns (ListSinksResponse);$/&\n  rpc DrainSink(Sink) returns (Sink);/'
  expect_finding "new RPC HubAdmin.DrainSink(Sink)" RPC_REQUEST_STANDARD_NAME lint "$m"

  log "selftest: passed in $((SECONDS - start))s"
}

release() {
  (cd "$PROTO_DIR" && "$BIN" build --exclude-source-info -o "$RELEASED")
  log "wrote $PROTO_DIR/$RELEASED from the current proto; commit it with the release"
}

[ $# -gt 0 ] || set -- check
for mode in "$@"; do
  case "$mode" in
    check | selftest | release | install | path) ;;
    *)
      echo "usage: scripts/buf.sh [check|selftest|release|install|path]..." >&2
      exit 2
      ;;
  esac
done
for mode in "$@"; do
  case "$mode" in
    path) built && echo "$BIN" || exit 1 ;;
    install)
      ensure_built
      echo "$BIN"
      ;;
    *)
      ensure_built
      "$mode"
      ;;
  esac
done
