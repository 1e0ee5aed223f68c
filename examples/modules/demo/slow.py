"""Takes far longer than its timeout: the sink kills its process group and reports ERROR."""
import time


def run(payload, params):
    print("starting a long job for order", payload.get("n"), flush=True)
    time.sleep(120)
    return "never reached"
