#!/usr/bin/env bash
# images.sh - build, smoke-test and remove the project's container images.
#
#   scripts/images.sh build      build every image from its Dockerfile (README's commands)
#   scripts/images.sh smoke      run each built image once and check its first words
#   scripts/images.sh bases      only make the base images ready; print the build arguments
#   scripts/images.sh env        make sure an engine answers; print DOCKER_HOST=... for it
#   scripts/images.sh list       the images this script builds, one "name:tag" a line
#   scripts/images.sh stop       stop the podman service this script started (images stay)
#   scripts/images.sh clean      remove the built images and stop that service
#                                (--all also removes the stand-in base images)
#
# ENGINE
#   Any Docker engine that `docker info` reaches (DOCKER_HOST or the default socket) is used as
#   it is. Without one, Debian's podman serves the Docker API (`podman system service`) on
#   $NEXOMATIC_PODMAN_SOCK, with runc and the cgroupfs manager and no default ulimits (on hosts
#   where crun or raising rlimits fails), and the real `docker` CLI builds against it. Images then
#   land in the machine's podman store, the one `podman images` lists.
#
# BASE IMAGES
#   The Dockerfiles take their bases as build arguments whose defaults are the public images
#   (eclipse-temurin:17-jdk, python:3.12-slim-bookworm, debian:bookworm-slim).
#   NEXOMATIC_BASE_IMAGES=public builds on those (the engine pulls them).
#   NEXOMATIC_BASE_IMAGES=standin builds local stand-ins from Debian packages instead: a bookworm
#   root filesystem by debootstrap from the mirror apt on this machine already uses (read from
#   apt's sources at run time), imported as an image, plus Debian's openjdk-17-jdk-headless and
#   python3 layered on it. They are built once per machine and kept in the engine's store, keyed
#   by STANDIN_VERSION below. The default, auto, uses the public images when the engine already
#   has them and the stand-ins otherwise.
#   Stand-in Python is Debian bookworm's 3.11, not 3.12: every figure measured on it says so.
#
# POWERSHELL
#   The pwsh target downloads PowerShell's release archive, which no registry serves; it is built
#   only with NEXOMATIC_BUILD_PWSH=1, and skipped with a message otherwise.
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STANDIN_VERSION=3
VERSION=$(sed -n 's:.*<version>\(.*\)-SNAPSHOT</version>.*:\1:p' "$ROOT/pom.xml" | head -1)
CACHE=${NEXOMATIC_IMAGES_CACHE:-$HOME/.cache/nexomatic/images}
SOCK=${NEXOMATIC_PODMAN_SOCK:-/run/nexomatic-podman/podman.sock}
STANDIN_REPO=localhost/nexomatic-standin
IMAGES=(nexomatic-operator nexomatic-hub nexomatic-sink-local nexomatic-sink-demo nexomatic-sink-powershell-local)
# The images are tagged $REG/<name>:<version>, as docs/install.md names them; here the registry
# part is "localhost", which podman and containerd keep as it is and never pull from.
REG=${NEXOMATIC_REGISTRY:-localhost}

log() { echo "[images] $*" >&2; }
die() { echo "[images] ERROR: $*" >&2; exit 1; }

# ---- engine -----------------------------------------------------------------------------------
engine_answers() { timeout 20 docker info >/dev/null 2>&1; }

podman_conf() {
  mkdir -p "$CACHE"
  cat >"$CACHE/containers.conf" <<'CONF'
# Written by scripts/images.sh for the podman service it starts.
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
CONF
  echo "$CACHE/containers.conf"
}

ensure_engine() {
  if engine_answers; then
    return
  fi
  if [[ -z ${DOCKER_HOST:-} || $DOCKER_HOST == "unix://$SOCK" ]]; then
    command -v podman >/dev/null || die "no Docker engine answers and podman is not installed" \
      "(apt-get install podman runc), or set DOCKER_HOST to a Docker engine"
    export DOCKER_HOST="unix://$SOCK"
    if ! engine_answers; then
      mkdir -p "$(dirname "$SOCK")"
      rm -f "$SOCK"
      local conf
      conf=$(podman_conf)
      log "no Docker engine answers: starting podman system service on $SOCK"
      CONTAINERS_CONF=$conf setsid nohup podman system service --time=0 "unix://$SOCK" \
        >"$CACHE/podman-service.log" 2>&1 </dev/null &
      echo $! >"$CACHE/podman-service.pid"
      for _ in $(seq 1 60); do
        engine_answers && return
        sleep 0.5
      done
      die "podman system service did not answer on $SOCK (log: $CACHE/podman-service.log)"
    fi
    return
  fi
  die "DOCKER_HOST=$DOCKER_HOST does not answer (docker info failed)"
}

# ---- base images ------------------------------------------------------------------------------
apt_mirror() {
  # The Debian archive (not security, not a third-party repository) in apt's own configuration,
  # one-line or deb822 format: the URI of an enabled source whose suites include bookworm and
  # whose components include main, and which carries no "-security" in its path.
  local uri='' f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f && -z $uri ]] || continue
    uri=$(sed -E 's/\[[^]]*\][[:space:]]+//' "$f" \
      | awk '$1 == "deb" && $3 == "bookworm" && $2 !~ /-security/ { print $2; exit }')
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f && -z $uri ]] || continue
    uri=$(awk 'BEGIN { RS = "" } /(^|\n)Suites:[^\n]*[ \t]bookworm([ \t\n]|$)/ && !/Enabled: *no/ {
        if (match($0, /(^|\n)URIs:[ \t]*[^ \t\n]+/)) {
          u = substr($0, RSTART, RLENGTH); sub(/^\n?URIs:[ \t]*/, "", u)
          if (u !~ /-security/) { print u; exit }
        }
      }' "$f")
  done
  [[ -n $uri ]] || die "cannot read a Debian bookworm mirror from apt's sources" \
    "(/etc/apt/sources.list, /etc/apt/sources.list.d/*.{list,sources}); use NEXOMATIC_BASE_IMAGES=public"
  echo "$uri"
}

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

standin_debian() {
  local tag="$STANDIN_REPO/debian:bookworm-slim-v$STANDIN_VERSION"
  have_image "$tag" && { echo "$tag"; return; }
  local archive="$CACHE/debian-bookworm-minbase-v$STANDIN_VERSION.tar"
  if [[ ! -s $archive ]]; then
    command -v debootstrap >/dev/null || die "debootstrap is needed for stand-in base images" \
      "(apt-get install debootstrap), or use NEXOMATIC_BASE_IMAGES=public"
    local mirror rootfs start=$SECONDS
    mirror=$(apt_mirror)
    rootfs=$(mktemp -d "$CACHE/rootfs.XXXXXX")
    log "debootstrap --variant=minbase bookworm from apt's mirror (a few minutes, once per machine)"
    debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" >"$CACHE/debootstrap.log" 2>&1 \
      || die "debootstrap failed (log: $CACHE/debootstrap.log)"
    # Stand-ins only ever run on this machine: they trust the CAs it trusts (an egress proxy's,
    # say), which ca-certificates adds to the system and, in the JDK stand-in, Java's store.
    if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
      mkdir -p "$rootfs/usr/local/share/ca-certificates"
      cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
      chroot "$rootfs" update-ca-certificates >/dev/null
    fi
    # As the slim images do: no apt caches, lists, docs or man pages in any layer.
    cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
    cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/info/*
DPKG
    find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright -type f -delete
    find "$rootfs/usr/share/man" "$rootfs/usr/share/locale" "$rootfs/usr/share/info" -type f -delete
    mkdir -p "$rootfs/usr/share/man/man1"  # where JDK packages link their (excluded) pages
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
    tar -C "$rootfs" --numeric-owner -cf "$archive.part" .
    mv "$archive.part" "$archive"
    rm -rf "$rootfs"
    log "bookworm root filesystem in $((SECONDS - start)) s"
  fi
  docker import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' "$archive" "$tag" >/dev/null
  echo "$tag"
}

standin_layer() { # standin_layer NAME DEBIAN_TAG PACKAGES SCRIPT: one layered stand-in
  local name=$1 from=$2 packages=$3 script=$4
  local tag="$STANDIN_REPO/$name-v$STANDIN_VERSION"
  have_image "$tag" && { echo "$tag"; return; }
  log "building stand-in $tag ($packages from Debian)"
  local dockerfile="FROM $from
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
      $packages && rm -rf /var/lib/apt/lists/*${script:+ && $script}"
  DOCKER_BUILDKIT=0 docker build --force-rm --network=host -q -t "$tag" - <<<"$dockerfile" \
    >"$CACHE/standin-${name%%:*}.log" 2>&1 \
    || die "building the stand-in $tag failed (log: $CACHE/standin-${name%%:*}.log)"
  echo "$tag"
}

# Sets BUILD_ARGS for the Dockerfiles' base-image arguments.
choose_bases() {
  local mode=${NEXOMATIC_BASE_IMAGES:-auto}
  BUILD_ARGS=()
  if [[ $mode == auto ]]; then
    if have_image eclipse-temurin:17-jdk && have_image python:3.12-slim-bookworm \
      && have_image debian:bookworm-slim; then
      mode=public
    else
      mode=standin
    fi
  fi
  case $mode in
    public) log "base images: the public ones (eclipse-temurin, python, debian)" ;;
    standin)
      local debian jdk python
      debian=$(standin_debian)
      jdk=$(standin_layer jdk:17 "$debian" "ca-certificates-java openjdk-17-jdk-headless" \
        "ln -s /usr/lib/jvm/java-17-openjdk-amd64 /opt/jdk")
      python=$(standin_layer python:3-bookworm "$debian" "python3" \
        "ln -s /usr/bin/python3 /usr/local/bin/python3")
      log "base images: local stand-ins built from Debian packages ($debian, $jdk, $python)"
      BUILD_ARGS=(--build-arg "BUILD_IMAGE=$jdk" --build-arg "PYTHON_IMAGE=$python"
        --build-arg "RUNTIME_IMAGE=$debian")
      ;;
    *) die "NEXOMATIC_BASE_IMAGES=$mode: use auto, public or standin" ;;
  esac
}

# ---- build, smoke, clean ----------------------------------------------------------------------
build_one() { # build_one IMAGE DOCKERFILE [TARGET]
  local image=$1 file=$2 target=${3:-} start=$SECONDS
  local args=(-f "$file" ${target:+--target "$target"} -t "$REG/$image:$VERSION")
  log "docker build ${args[*]} . (with ${#BUILD_ARGS[@]} base-image arguments)"
  (cd "$ROOT" && DOCKER_BUILDKIT=0 docker build --force-rm --network=host "${BUILD_ARGS[@]}" \
    --build-arg "REVISION=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    "${args[@]}" .) >"$CACHE/build-$image.log" 2>&1 \
    || { tail -40 "$CACHE/build-$image.log" >&2; die "building $image failed (log: $CACHE/build-$image.log)"; }
  local bytes
  bytes=$(docker image inspect -f '{{.Size}}' "$REG/$image:$VERSION")
  printf '[images] %-44s %6d MB  built in %4d s\n' "$REG/$image:$VERSION" $((bytes / 1000000)) \
    $((SECONDS - start)) >&2
}

build() {
  ensure_engine
  choose_bases
  build_one nexomatic-operator Dockerfile.operator
  build_one nexomatic-hub Dockerfile.hub
  build_one nexomatic-sink-local Dockerfile.sink python
  build_one nexomatic-sink-demo Dockerfile.sink demo
  # Every build leaves the previous images and build stages untagged, some 200 MB each: drop
  # them so a machine that builds on every CI run keeps its disk. The next build of unchanged
  # sources then runs the Maven stage again, on the warm dependency cache.
  docker image prune -f >/dev/null 2>&1 || true
  if [[ ${NEXOMATIC_BUILD_PWSH:-0} == 1 ]]; then
    build_one nexomatic-sink-powershell-local Dockerfile.sink pwsh
  else
    log "not building nexomatic-sink-powershell-local: its Dockerfile target downloads" \
      "PowerShell's release archive, which no registry here serves. Where it is reachable:" \
      "NEXOMATIC_BUILD_PWSH=1 scripts/images.sh build"
  fi
}

smoke() {
  ensure_engine
  local out
  out=$(docker run --rm "$REG/nexomatic-hub:$VERSION" --help 2>&1 || true)
  grep -q "serve" <<<"$out" || die "nexomatic-hub --help printed no 'serve': $out"
  out=$(docker run --rm --read-only "$REG/nexomatic-sink-local:$VERSION" 2>&1 || true)
  grep -q "HUB_HOST" <<<"$out" || die "the sink without configuration did not name HUB_HOST: $out"
  out=$(docker run --rm --read-only --tmpfs /tmp -e KUBERNETES_SERVICE_HOST=127.0.0.1 \
    -e KUBERNETES_SERVICE_PORT=1 "$REG/nexomatic-operator:$VERSION" 2>&1 || true)
  grep -q "cannot start" <<<"$out" || die "the operator without a cluster did not say 'cannot start': $out"
  log "smoke: hub, sink and operator images start and answer as documented"
}

clean() {
  local all=${1:-}
  if engine_answers || { [[ -S $SOCK ]] && DOCKER_HOST="unix://$SOCK" engine_answers \
    && export DOCKER_HOST="unix://$SOCK"; }; then
    for image in "${IMAGES[@]}"; do
      docker image rm -f "$REG/$image:$VERSION" >/dev/null 2>&1 || true
    done
    if [[ $all == --all ]]; then
      docker images --format '{{.Repository}}:{{.Tag}}' | grep "^$STANDIN_REPO/" \
        | xargs -r docker image rm -f >/dev/null 2>&1 || true
      rm -f "$CACHE"/debian-bookworm-minbase-*.tar
    fi
  fi
  stop_service
}

stop_service() {
  if [[ -s $CACHE/podman-service.pid ]]; then
    kill "$(cat "$CACHE/podman-service.pid")" 2>/dev/null || true
    rm -f "$CACHE/podman-service.pid"
  fi
}

mkdir -p "$CACHE"
case ${1:-} in
  build) build ;;
  bases) ensure_engine; choose_bases; printf '%s\n' "${BUILD_ARGS[@]}" ;;
  smoke) smoke ;;
  env) ensure_engine; echo "DOCKER_HOST=${DOCKER_HOST:-}" ;;
  list) for image in "${IMAGES[@]}"; do echo "$REG/$image:$VERSION"; done ;;
  stop) stop_service ;;
  clean) clean "${2:-}" ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
