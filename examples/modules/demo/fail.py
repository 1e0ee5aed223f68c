"""Fails with an exception: the task ends ERROR with the exception as its message."""
import time


def run(payload, params):
    time.sleep(0.2)
    raise ValueError("order %s references an unknown customer" % payload.get("n"))
