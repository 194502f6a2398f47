"""How dispatch reads each broker's answers: dispatch/answers/<name>.py, one Answers subclass each.

base.py declares what dispatch asks of an answer (what it means for the order, whether a refusal
says an earlier send worked, and how to find an order the broker already holds); a broker's module
overrides what differs. It is found by the broker's name, as its back end is (compiler/).
"""

from __future__ import annotations

from importlib import import_module

_loaded: dict = {}  # broker name -> Answers


def get(broker):
    """The Answers of a broker (a compiler.base.Broker)."""
    found = _loaded.get(broker.name)
    if found is None or found.broker is not broker:
        from ordspec.dispatch.answers.base import Answers

        module = import_module(f"{__name__}.{broker.name}")
        classes = [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, Answers) and v.__module__ == module.__name__]
        if len(classes) != 1:
            raise TypeError(f"{module.__name__} defines {len(classes)} Answers classes, not one")
        found = _loaded[broker.name] = classes[0](broker)
    return found
