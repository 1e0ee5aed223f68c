"""Succeeds with a warning: the task ends WARNING."""
import time
import warnings


def run(payload, params):
    time.sleep(0.3)
    warnings.warn("order %s has no delivery date; used today" % payload.get("n"))
    return "order %s processed with defaults" % payload.get("n")
