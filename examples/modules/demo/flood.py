"""Writes 2 MiB of log lines: the sink forwards them in chunks and the task still succeeds."""
import sys


def run(payload, params):
    line = ("log line for order %s " % payload.get("n")).ljust(127, ".") + "\n"
    for _ in range(16 * 1024):
        sys.stdout.write(line)
    return "wrote 2 MiB of log"
