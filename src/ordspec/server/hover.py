"""What a hover shows: a rule's docs, an instrument's reference data, a keyword's meaning (Markdown)."""

from __future__ import annotations

import re

from ordspec.server import checks
from ordspec.server.words import meaning

_FREE = ("QTY", "SYMBOL", "SCID", "ORDER_ID", "PRICE", "NAME", "STRING")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def rule(name_or_code: str) -> str:
    found = checks.rule_docs(name_or_code)
    if found is None:
        return f"No rule is called `{name_or_code}` (`ordspec rules` lists them)."
    code, name, docs = found
    link = checks.docs_link(name)
    return f"**{code} {name}**" + (f" · [docs/rules.md]({link})" if link else "") + f"\n\n{docs}"


def diagnostics_at(checked, line: int, column: int) -> list[str]:
    """Rule docs for each diagnostic whose span holds (line, column), each rule once."""
    seen, out = set(), []
    for d in checked.diagnostics:
        if d.code is None or d.name in seen:
            continue
        inside = (d.line, d.column) <= (line, column) and ((line, column) < (d.end_line, d.end_column) or (d.line, d.column) == (line, column))
        if inside:
            seen.add(d.name)
            out.append(rule(d.name))
    return out


def suppression_at(text_line: str, column: int, yaml: bool) -> str | None:
    """The docs of the rule named in a suppression comment under a 1-based column."""
    for _start, _end, names in checks.suppressions(text_line, yaml):
        for name, start, end in names:
            if start <= column - 1 < end:
                return rule(name)
    return None


def symbol_at(checked, line: int, column: int) -> str | None:
    """What ordspec knows of the symbol under (line, column), on the day it checks for."""
    for stmt in checked.statements:
        if not stmt.line <= line <= stmt.end_line:
            continue
        exchange = stmt.options.get("exchange")
        price = next((f.value for _, _, f in stmt.prices()), None)
        symbols = [(stmt.symbol, exchange.value if exchange is not None and exchange.value else None)]
        symbols += [(s.symbol, s.options["exchange"].value if "exchange" in s.options else None) for s in stmt.scrips]
        for field, ex in symbols:
            if field is not None and isinstance(field.value, str) and _inside(field, line, column):
                facts = checks.instrument(checked, field.value, ex, price)
                return describe(facts) if facts else f"ordspec cannot read `{field.value}` as a symbol."
    return None


def _inside(span, line: int, column: int) -> bool:
    return (span.line, span.column) <= (line, column) < (span.end_line, span.end_column)


def describe(f: dict) -> str:
    """An instrument's facts as a hover: each with where ordspec has it from."""
    kinds = {"EQ": "share", "FUT": "future", "CE": "call option", "PE": "put option", "IDX": "index"}
    out = [f"**{f['symbol']}**: {kinds.get(f['type'], f['type'])} on {f['underlying']}, "
           f"{f['exchange']}" + (f" {f['segment']}" if f["segment"] else ""), ""]
    if f["expiry"] is not None:
        expiry = str(f["expiry"]) if f["expiry_exact"] else f"{_MONTHS[f['expiry'].month - 1]} {f['expiry'].year} (the month's expiry day)"
        out.append(f"- expiry: {expiry}")
    if f["strike"] is not None:
        out.append(f"- strike: {f['strike']}")
    if f["type"] != "EQ" and f["type"] != "IDX":
        out.append(f"- lot: {_fact(f['lot'])}")
    if f["type"] != "IDX":
        if f["tick"] is not None:
            at = f" (for a price of {f['tick_price']})" if f["tick_price"] is not None else ""
            out.append(f"- tick: {_fact(f['tick'])}{at}")
        else:
            out.append("- tick: by price band; unknown until the order has a price")
    if f["type"] in ("FUT", "CE", "PE"):
        out.append(f"- freeze quantity: {_fact(f['freeze'])}")
    if f["security_id"]:
        out.append(f"- INDstocks security_id: {f['security_id']}")
    if f["last_price"] is not None:
        out.append(f"- last price: {f['last_price']} (--quotes)")
    out += ["", f"Read from {f['origin']}, as of {f['as_of']}."]
    return "\n".join(out)


def _fact(pair) -> str:
    if pair is None:
        return "unknown (an instrument master, `instruments` in the configuration, gives it)"
    value, source = pair
    return f"{value} — {source}"


def keyword_at(text_line: str, column: int, yaml: bool) -> str | None:
    """The meaning of the keyword under a 1-based column of a line."""
    if yaml:
        for m in re.finditer(r"[A-Za-z_]+", text_line):
            if m.start() < column <= m.end():
                is_key = text_line[m.end() : m.end() + 1] == ":"
                word = m.group()
                found = meaning(word, yaml_key=is_key) if is_key or word.isupper() else None
                return f"**{word}**: {found}" if found else None
        return None
    code_end = checks.comment_start(text_line, False)
    for terminal, word, start, end in checks.typed_words(text_line[:code_end] if code_end is not None else text_line):
        if start <= column < end:
            if terminal in _FREE:
                return None  # a quantity, a symbol, an id: not a keyword, whatever it spells
            found = meaning(word)
            return f"**{word}**: {found}" if found else None
    return None
