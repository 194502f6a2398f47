"""Which YAML files are order files, judged by what they hold, not by their shape alone.

A repository holds other YAML (CI workflows, compose files, pre-commit hooks, Ansible
playbooks, Kubernetes manifests); a walk, and pre-commit's --force-exclude, must leave those
alone, and must still find every order file, even one broken further down.
"""

from __future__ import annotations

import re

from ordspec.ir import CREATE, KINDS, VERBS
from ordspec.language import SC_INTENTS, SC_ORDERS, SIDES

# The words a DSL line starts with, and the keys of an order mapping (grammar/yamlform.py) that
# other YAML rarely has in a top-level list item (not `name`, `id` or `type`: a pre-commit hook
# or an Ansible task has those).
_ORDER_WORDS = frozenset(w.lower() for w in (*KINDS, *VERBS) if w != CREATE)
_ORDER_KEYS = frozenset(
    ("side", "qty", "symbol", "scid", "trigger", "direction", "limit", "market", "target", "sl", "scrips",
     "product", "exchange", "segment", "validity", "position", "security", "iscid", "installments", "registered")
)
_KEY = re.compile(r"""(?:"([^"]*)"|'([^']*)'|([^\s'"#\[\]{},:-][^#:]*?|-[^\s#:][^#:]*?))\s*:(?:\s+|$)""")
_FLOW_KEY = re.compile(r"""[{,]\s*["']?([A-Za-z_]+)["']?\s*:""")
_FLOW_LINE = re.compile(r"""[\[,]\s*["']?([A-Za-z]+[ \t]+[^\s,\]"']+)""")


def _key(match) -> str:
    return next(g for g in match.groups() if g is not None).strip()


def _order_item(keys: set) -> bool:
    return "kind" in keys or len(keys & _ORDER_KEYS) >= 2


def _dsl_line(text: str) -> bool:
    """`GTT BUY ...`, `SMALLCASE BUY ...`, `CANCEL GTT ...`: a statement's first two words."""
    words = text.strip().strip("'\"").upper().split()
    if len(words) < 2 or words[0].lower() not in _ORDER_WORDS:
        return False
    first, second = words[:2]
    if first == "SMALLCASE":
        return second in SC_ORDERS + SC_INTENTS
    return second in (SIDES if first in KINDS else KINDS)


def orders(text: str) -> bool:
    """Whether YAML text holds orders: a top-level mapping with `orders:` (or `broker: NAME`), or a
    top-level list with an item that is an order: a mapping with `kind:` or two order keys (`side`,
    `qty`, `symbol`, `trigger`...), or a DSL line (`GTT BUY ...`). Read line by line, without
    parsing (PyYAML stays off the lint path), so a file broken further down is still found.
    """
    item = None  # the keys of the top-level list item being read, while it is a block mapping
    column = None  # the column of that mapping's keys
    for line in text.removeprefix("\ufeff").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or line.startswith("%"):
            continue
        if line.startswith(("---", "...")):
            item = None
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0:
            item = None
            if line[0] == "-" and line[1:2] in ("", " ", "\t"):
                rest = line[1:].strip()
                key = _KEY.match(rest)
                if not rest or rest.startswith("#"):
                    item, column = set(), None  # the item starts on the next line
                elif rest.startswith("{"):
                    if _order_item(set(_FLOW_KEY.findall(rest))):
                        return True
                elif key:
                    item, column = {_key(key)}, len(line) - len(line[1:].lstrip())
                elif _dsl_line(rest.split(" #")[0]):
                    return True
            elif line[0] in "[{":  # a flow collection (JSON, say) at the top
                keys = set(_FLOW_KEY.findall(text))
                if line[0] == "{":
                    return "orders" in keys or "broker" in keys
                return _order_item(keys) or any(_dsl_line(m) for m in _FLOW_LINE.findall(text))
            else:
                key = _KEY.match(line)
                if key and _key(key) == "orders":
                    return True
                value = line[key.end() :].split(" #")[0].strip() if key else ""
                if key and _key(key) == "broker" and re.fullmatch(r"""["']?[\w-]+["']?""", value):
                    return True
        elif item is not None:
            column = indent if column is None else column
            key = _KEY.match(stripped) if indent == column else None
            if key:
                item.add(_key(key))
        if item and _order_item(item):
            return True
    return False
