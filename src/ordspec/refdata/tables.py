"""The bundled reference tables (data/): lot sizes, freeze quantities, tick-size bands, indices, commodities.

Each row carries its dates and its source; each table is read on first use.
"""

from __future__ import annotations

import os
from decimal import Decimal
from functools import cached_property

from ordspec.dates import date

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _fields(line: str) -> list[str]:
    """The fields of one line of a bundled table: commas, and double quotes around a field with commas."""
    out = [""]
    # between quotes (odd pieces) a comma is text; outside them (even pieces) it ends a field
    for i, piece in enumerate(line.split('"')):
        if i % 2:
            out[-1] += piece
        else:
            first, *rest = piece.split(",")
            out[-1] += first
            out.extend(rest)
    return out


def _rows(name: str) -> list[dict]:
    # the bundled tables are simple CSV (no quotes inside fields, no line breaks in them), read
    # without the csv module, which the lint path need not import; masters use csv
    with open(os.path.join(DATA, name), "rb") as f:
        lines = [line for line in f.read().decode("utf-8").splitlines() if line.strip()]
    header = _fields(lines[0])
    return [dict(zip(header, _fields(line))) for line in lines[1:]]


class Tables:
    """The bundled tables, each read on first use."""

    @cached_property
    def lots(self):
        return [
            (r["exchange"], r["underlying"], int(r["lot_size"]), _date(r["expiry_from"]), _date(r["expiry_to"]), r["source"])
            for r in _rows("lot_sizes.csv")
        ]

    @cached_property
    def freezes(self):
        return [
            (r["exchange"], r["underlying"], int(r["freeze_quantity"]), _date(r["from"]), _date(r["to"]), r["source"])
            for r in _rows("freeze_quantities.csv")
        ]

    @cached_property
    def ticks(self):
        return [
            (
                r["exchange"],
                r["instrument"],
                Decimal(r["price_from"]),
                Decimal(r["price_to"]) if r["price_to"] else None,
                Decimal(r["tick_size"]),
                _date(r["from"]),
                _date(r["to"]),
                r["source"],
            )
            for r in _rows("tick_sizes.csv")
        ]

    @cached_property
    def indices(self):
        return {r["symbol"]: r["exchange"] for r in _rows("indices.csv")}

    @cached_property
    def commodities(self):
        return {r["underlying"] for r in _rows("commodities.csv")}

    @cached_property
    def underlyings(self) -> frozenset:
        """Every underlying the tables name: settles ambiguous weekly symbols."""
        return frozenset(self.indices) | {row[1] for row in self.lots} | self.commodities


def within(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)
