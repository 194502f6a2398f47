"""Each broker's plan module, found by its name as its back end is: plan/brokers/<name>.py defines
one books.Reader subclass, which reads the broker's book (read, resolve_create), says what a plan
cannot know there (cannot_know), and writes its modifies (modify). A broker without one gets
books.Reader: a plan from the journal alone, every change a replace, and the plan says so.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from ordspec.plan.books import Reader


def reader(broker: str) -> Reader:
    """The plan reader of a broker (by name)."""
    name = f"{__name__}.{broker}"
    if not broker.isidentifier() or find_spec(name) is None:
        return Reader(broker)
    module = import_module(name)
    classes = [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, Reader) and v.__module__ == module.__name__]
    if len(classes) != 1:
        raise TypeError(f"{module.__name__} defines {len(classes)} Reader classes, not one")
    return classes[0](broker)
