#!/usr/bin/env python3
"""container-footprint: the sink image's time to Ready and idle RSS, with and without AppCDS.

Runs the built images (scripts/images.sh build) on the engine scripts/images.sh finds: a Hub
container, then sink containers one at a time, alternating two variants in the same run:
  image flags   the image's own JDK_JAVA_OPTIONS
  + AppCDS      the same, plus -XX:SharedArchiveFile= a dynamic archive of the classes a sink
                loads up to Ready, recorded by a training container (-XX:ArchiveClassesAtExit)
When the image already ships an archive (JDK_JAVA_OPTIONS names one), the two variants are the
image's flags and the same flags without the archive. Each sink runs under a 384 MiB memory limit,
as a pod with the chart's defaults would. Time to Ready: from the container's State.StartedAt to
the sink's "session established" log line (when it writes its readiness file). Idle RSS: the
JVM's VmRSS 10 s after Ready. Also prints each image's size. Usage: bench/container_footprint.py [ROUNDS]   (default 5)
"""
import datetime
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
RUN = "nexomatic-bench-%x" % int(time.time())


def sh(*cmd, check=True):
    r = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    if check and r.returncode != 0:
        sys.exit("%s failed: %s" % (" ".join(cmd), r.stderr or r.stdout))
    return r.stdout.strip()


def docker(*args, check=True):
    return sh("docker", *args, check=check)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ENV = dict(os.environ)
for line in subprocess.run([os.path.join(ROOT, "scripts/images.sh"), "env"], capture_output=True,
                           text=True, check=True).stdout.splitlines():
    if line.startswith("DOCKER_HOST=") and line != "DOCKER_HOST=":
        ENV["DOCKER_HOST"] = line.split("=", 1)[1]
IMAGES = {i.split("/")[-1].split(":")[0]: i for i in
          sh(os.path.join(ROOT, "scripts/images.sh"), "list").splitlines()}
HARDENED = ["--network", "host", "--read-only", "--tmpfs", "/tmp:rw,exec,mode=1777",
            "--user", "10001:10001", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"]
created = []


def started_at(container):
    text = docker("inspect", "-f", "{{.State.StartedAt}}", container)
    # 2026-12-01T20:30:01.123456789Z (or with an offset): keep microseconds for fromisoformat.
    date, frac = text.replace("Z", "+00:00").split(".")
    digits, offset = frac[:frac.index("+") if "+" in frac else frac.index("-")], \
        frac[frac.index("+") if "+" in frac else frac.index("-"):]
    return datetime.datetime.fromisoformat("%s.%s%s" % (date, digits[:6].ljust(6, "0"), offset))


def ready_ms(container, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for line in docker("logs", container, check=False).splitlines():
            if "session established" in line:
                stamp = json.loads(line)["timestamp"] / 1000.0
                start = started_at(container).timestamp()
                return (stamp - start) * 1000.0
        time.sleep(0.2)
    sys.exit("%s never reported a session" % container)


def jvm_rss_mb(container):
    out = docker("exec", container, "sh", "-c",
                 "for d in /proc/[0-9]*; do [ \"$(cat $d/comm)\" = java ] && "
                 "grep VmRSS $d/status; done")
    return int(out.split()[1]) / 1024.0


def sink(name, hub_env, java_options, extra=()):
    c = "%s-%s" % (RUN, name)
    docker("run", "-d", "--name", c, *HARDENED, *hub_env, "-e", "JDK_JAVA_OPTIONS=" + java_options,
           *extra, IMAGES["nexomatic-sink-local"])
    created.append(c)
    return c


def main():
    volume = RUN + "-hub"
    docker("volume", "create", volume)
    try:
        secrets = json.loads(docker("run", "--rm", "-v", volume + ":/var/lib/nexomatic-hub",
                                    IMAGES["nexomatic-hub"], "init-credentials", "--out",
                                    "/var/lib/nexomatic-hub/credentials.yaml"))
        port = free_port()
        hub = RUN + "-hubd"
        docker("run", "-d", "--name", hub, *HARDENED, "-v", volume + ":/var/lib/nexomatic-hub",
               IMAGES["nexomatic-hub"], "serve", "--host", "127.0.0.1", "--port", str(port),
               "--credentials", "/var/lib/nexomatic-hub/credentials.yaml")
        created.append(hub)
        hub_env = ["-e", "HUB_HOST=127.0.0.1", "-e", "HUB_PORT=%d" % port,
                   "-e", "CLIENT_SECRET=" + secrets["clientSecrets"]["LOCAL:BASE"]]
        env = docker("inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}",
                     IMAGES["nexomatic-sink-local"]).splitlines()
        flags = next(e for e in env if e.startswith("JDK_JAVA_OPTIONS=")).split("=", 1)[1]

        cds = tempfile.mkdtemp(prefix="nexomatic-cds-")
        os.chmod(cds, 0o777)
        shipped = [f for f in flags.split() if f.startswith("-XX:SharedArchiveFile=")]
        if shipped:
            # The image ships its archive: compare it with the same flags without it.
            archive = None
            variants = {
                "no AppCDS": (" ".join(f for f in flags.split() if f not in shipped), []),
                "image flags": (flags, []),
            }
        else:
            train = sink("train", hub_env, flags + " -XX:ArchiveClassesAtExit=/cds/sink.jsa",
                         ["-v", cds + ":/cds"])
            ready_ms(train)
            time.sleep(2)
            docker("stop", "-t", "30", train)
            archive = os.path.join(cds, "sink.jsa")
            if not os.path.exists(archive):
                sys.exit("the training run wrote no archive: " + docker("logs", train, check=False))
            variants = {
                "image flags": (flags, []),
                "+ AppCDS": (flags + " -XX:SharedArchiveFile=/cds/sink.jsa -Xshare:auto",
                             ["-v", cds + ":/cds:ro"]),
            }
        ready = {v: [] for v in variants}
        rss = {v: [] for v in variants}
        for r in range(ROUNDS):
            for v, (options, extra) in variants.items():
                c = sink("r%d-%d" % (r, list(variants).index(v)), hub_env, options,
                         list(extra) + ["--memory", "384m"])
                ready[v].append(ready_ms(c))
                time.sleep(10)
                rss[v].append(jvm_rss_mb(c))
                docker("rm", "-f", c)
        print("container-footprint: %d rounds, alternating, one sink container at a time"
              % ROUNDS)
        print("%-12s %14s %14s %14s" % ("variant", "Ready p50 ms", "Ready min ms", "idle RSS MB"))
        for v in variants:
            print("%-12s %14.0f %14.0f %14.1f" % (v, statistics.median(ready[v]), min(ready[v]),
                                                   statistics.median(rss[v])))
        names = list(variants)
        print("%s / %s, time to Ready: %.2f" % (
            names[1], names[0],
            statistics.median(ready[names[1]]) / statistics.median(ready[names[0]])))
        if archive:
            print("archive: %.1f MB" % (os.path.getsize(archive) / 1e6))
        print("%-40s %8s" % ("image", "MB"))
        for name, image in IMAGES.items():
            size = docker("image", "inspect", "-f", "{{.Size}}", image, check=False)
            if size:
                print("%-40s %8.0f" % (image, int(size) / 1e6))
    finally:
        for c in created:
            docker("rm", "-f", c, check=False)
        docker("volume", "rm", "-f", volume, check=False)


if __name__ == "__main__":
    main()
