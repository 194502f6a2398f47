"""JSON output that writes Decimal numbers exactly as they are (0.35, never 0.35000000000000003).

The standard json module has no hook for exact decimal numbers (and with an
indent it encodes in Python anyway), so this small writer handles the types
compiled requests hold. Strings go through json's own C escaper, the one
json.dumps(..., ensure_ascii=False) uses, without building an encoder each
time. Each container is joined from its members' text, so the pieces alive
at once are one container's, not one per token of the whole document. The
text of a key (`"price": `) and of each level's line breaks is made once and
kept: a request body is mostly the same keys, over and over.
"""

from __future__ import annotations

from decimal import Decimal
from json.encoder import encode_basestring as _string  # C: escapes ", \ and control characters only

_BREAKS: dict = {}  # (indent, level) -> _breaks()
_KEYS: dict = {}  # key -> its text and ": "
_SHAPES: dict = {}  # (keys, indent, level) -> _shape()


def dumps(value, indent: int | None = 2) -> str:
    return _encode(value, indent, 0)


def _encode(value, indent, level: int) -> str:
    t = type(value)
    if t is str:
        return _string(value)
    if t is dict:
        return _mapping(value, indent, level)
    if t is Decimal:
        return _number(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if t is int:
        return str(value)
    if t is list or t is tuple:
        return _array(value, indent, level)
    # subclasses (an enum of str or int, an OrderedDict): as their base type
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        return _mapping(value, indent, level)
    if isinstance(value, (list, tuple)):
        return _array(value, indent, level)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _number(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"{value} is not a JSON number")
    return format(value, "f")


def _breaks(indent, level: int) -> tuple[str, str, str]:
    """(after the opening bracket, between members, before the closing one)."""
    found = _BREAKS.get((indent, level))
    if found is None:
        if indent is None:
            found = "", ", ", ""
        else:
            inner = "\n" + " " * (indent * (level + 1))
            found = inner, "," + inner, "\n" + " " * (indent * level)
        _BREAKS[(indent, level)] = found
    return found


def _key(key) -> str:
    """`"key": `; a str key's is kept for the next time (keys are the back ends' words: few, and the
    cache is bounded all the same). Only a str's: 1 == True, and an enum of str is written as str() says."""
    if type(key) is not str:
        return _string(str(key)) + ": "
    text = _string(key) + ": "
    if len(_KEYS) < 4096:
        _KEYS[key] = text
    return text


def _mapping(value: dict, indent, level: int) -> str:
    if not value:
        return "{}"
    keys = tuple(value)
    shape = _SHAPES.get((keys, indent, level))
    if shape is None:
        shape = _shape(keys, indent, level)
    deeper = level + 1
    texts = []
    append = texts.append
    for item in value.values():
        t = type(item)  # the most common members without a call through _encode
        if t is str:
            append(_string(item))
        elif item is None:
            append("null")
        elif t is dict:
            append(_mapping(item, indent, deeper) if item else "{}")
        elif t is int:
            append(str(item))
        else:
            append(_encode(item, indent, deeper))
    return shape % tuple(texts)


def _shape(keys: tuple, indent, level: int) -> str:
    """A mapping's text with `%s` for each value: requests of a kind share their keys, so the
    keys and line breaks are written once per kind, and each request fills in its values."""
    first, between, last = _breaks(indent, level)  # (no % in these; a key's % is doubled)
    written = [((_KEYS.get(key) if type(key) is str else None) or _key(key)).replace("%", "%%") + "%s" for key in keys]
    shape = "{" + first + between.join(written) + last + "}"
    if len(_SHAPES) < 4096 and all(type(key) is str for key in keys):
        _SHAPES[(keys, indent, level)] = shape
    return shape


def _array(value, indent, level: int) -> str:
    if not value:
        return "[]"
    first, between, last = _breaks(indent, level)
    deeper = level + 1
    return "[" + first + between.join([_encode(item, indent, deeper) for item in value]) + last + "]"


def member(value, indent: int | None = 2) -> str:
    """One member of a top-level array, as dumps() writes it there (requests written one at a time)."""
    return _encode(value, indent, 1)
