"""Succeeds after a short piece of work: the bulk of the demo's tasks."""
import random
import time


def run(payload, params):
    time.sleep(random.uniform(0.2, 0.8))
    print("processed order", payload.get("n"))
    return "order %s processed" % payload.get("n")
