"""The brokers the paper broker stands in for: one module each, found by its file (paper/brokers/<name>.py).

A module says, in its broker's own words and as its document describes them:

    NAME, LIST_ORDER           the broker, and where it comes when brokers are listed
    ROUTES                     [(method, path pattern, handler(store, params, query, body))]
    auth(headers, body)        None, or the (status, answer) of a request without valid credentials
    fault(status)              the body of an injected failure, in its envelope
    STATUSES                   the statuses an order may be set to (POST /_paper/orders/{id})

and, if its orders move with prices (book.py): ARMED (the status of an order the engine arms
afresh), engine_orders(store), moved(store, row, lives, events), and perhaps aliases(store)
(other names a price may give a symbol by) and with_status(data, status) (an order's own record
of its status, kept in step).
"""

from __future__ import annotations

import pkgutil
from importlib import import_module

_found: dict = {}  # tuple(__path__) -> the modules


def handlers() -> list:
    """Every broker's module (in this package's folder, or any on its __path__), in list order."""
    key = tuple(__path__)
    if key not in _found:
        modules = [import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)]
        _found.clear()
        _found[key] = sorted(modules, key=lambda m: (m.LIST_ORDER, m.NAME))
    return list(_found[key])


def moving() -> list:
    """The modules whose orders move with prices."""
    return [m for m in handlers() if hasattr(m, "engine_orders")]
