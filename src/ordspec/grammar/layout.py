"""The layout of the LALR tables in tables.py: what build.py writes and driver.py reads.

The driver checks it when it loads the tables (a few hundred small checks):
tables it cannot read are rebuilt, never half-trusted.
"""

from __future__ import annotations

FORMAT = 2  # bump when the layout changes
KEYS = {"end", "format", "free", "grammar", "keywords", "lark", "rules", "start", "states"}
SHAPES = ("expand1", "inline", "node")  # how a rule's node is built: see driver._run


def problem(data) -> str | None:
    """What is wrong with the layout of a tables dict, or None: checked before the driver trusts it."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        return f"tables format {found!r}, where this driver reads format {FORMAT}"
    if data.keys() != KEYS:
        return f"tables keys {sorted(data.keys() ^ KEYS)} are missing or unknown"
    keywords, free = data["keywords"], data["free"]
    if not isinstance(keywords, dict) or not all(isinstance(w, list) for w in keywords.values()) or not isinstance(free, list):
        return "tables keywords must map terminals to lists of words, and free must list terminals"
    states, rules = data["states"], data["rules"]
    if not isinstance(states, list) or not isinstance(rules, list) or not all(isinstance(a, dict) for a in states):
        return "tables states and rules must be lists, each state a dict"
    for row in rules:
        if not (isinstance(row, list) and len(row) == 3 and isinstance(row[0], str) and type(row[1]) is int and row[2] in SHAPES):
            return f"tables rule {row!r} is not [origin, size, shape]"
    for actions in states:
        for symbol, action in actions.items():
            if type(action) is not int or not -len(rules) <= action < len(states):
                return f"tables action {symbol}: {action!r} points at no state or rule"
    for name in ("start", "end"):
        if not isinstance(data[name], dict) or not all(type(s) is int and 0 <= s < len(states) for s in data[name].values()):
            return f"tables {name} states are not states"
    return None
