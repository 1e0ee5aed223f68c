#!/bin/sh
# appcds-train.sh HUB_JAR ARCHIVE - run during the sink image's build: records a dynamic AppCDS
# archive of the classes a sink loads until it is Ready, by starting the reference Hub and the
# image's own sink (same runtime, same jar path, same JDK_JAVA_OPTIONS) on loopback and stopping
# the sink with SIGTERM once its readiness file appears. The archive maps only into this exact
# runtime and jar; anywhere else the JVM ignores it (-Xshare:auto).
set -eu
hub_jar=$1
archive=$2
work=$(mktemp -d)
trap 'kill "$hub" 2>/dev/null || true; rm -rf "$work"' EXIT

java -jar "$hub_jar" init-credentials --out "$work/credentials.yaml" >"$work/secrets.json"
secret=$(sed -n "s/.*\"${CLIENT_ID}\" *: *\"\([^\"]*\)\".*/\1/p" "$work/secrets.json" | head -1)
java -jar "$hub_jar" serve --host 127.0.0.1 --port 0 --credentials "$work/credentials.yaml" \
  >"$work/hub.out" 2>"$work/hub.err" &
hub=$!
port=''
for _ in $(seq 1 600); do
  port=$(sed -n 's/.*"event":"listening".*"port":\([0-9]*\).*/\1/p' "$work/hub.out" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/hub.err" >&2; echo "appcds-train: the Hub did not start" >&2; exit 1; }

mkdir -p "$work/modules"
HUB_HOST=127.0.0.1 HUB_PORT=$port CLIENT_SECRET=$secret MODULES_PATH=$work/modules \
  WORK_DIR=$work/tasks READINESS_FILE=$work/ready LIVENESS_FILE=$work/alive LOG_FORMAT=text \
  java -XX:ArchiveClassesAtExit="$archive" -jar /opt/nexomatic/nexomatic-sink.jar \
  >"$work/sink.log" 2>&1 &
sink=$!
for _ in $(seq 1 1200); do
  [ -e "$work/ready" ] && break
  sleep 0.1
done
[ -e "$work/ready" ] || { cat "$work/sink.log" >&2; echo "appcds-train: the sink never got Ready" >&2; exit 1; }
kill -TERM "$sink"
wait "$sink" || true
[ -s "$archive" ] || { cat "$work/sink.log" >&2; echo "appcds-train: no archive written" >&2; exit 1; }
chmod 0644 "$archive"
echo "appcds-train: $(wc -c <"$archive") bytes in $archive"
