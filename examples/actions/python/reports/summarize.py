"""Sample Action module for Sink Type LOCAL:BASE (Python 3.12).

Submit it with module ``reports.summarize`` (function ``run``). It totals the order lines of the
event data, prints a line per order to the task log, and returns a result message plus the event
data enriched with the total. An order line with a non-positive quantity is skipped with
``warnings.warn``, which turns the task into WARNING. expected-outcomes.json lists the outcomes.
"""

import warnings


def run(payload, params):
    currency = params.get("currency", "EUR")
    orders = payload.get("orders") or []
    if not orders:
        raise ValueError("the event has no orders")
    total = 0.0
    counted = 0
    for order in orders:
        quantity = order.get("quantity", 0)
        if quantity <= 0:
            warnings.warn("order %s skipped: quantity %s" % (order.get("id"), quantity))
            continue
        amount = quantity * order["unitPrice"]
        print("order %s: %d x %.2f = %.2f %s" % (order.get("id"), quantity, order["unitPrice"], amount, currency))
        total += amount
        counted += 1
    data = dict(payload)
    data["total"] = round(total, 2)
    data["currency"] = currency
    return {"messages": ["%d orders, total %.2f %s" % (counted, total, currency)], "data": data}
