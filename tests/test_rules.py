"""Every registered rule: a case that lints clean, and a minimal change that fails for exactly that rule.

The table CASES holds, for each rule name, one or more Cases: the passing text,
the failing text, and where the first diagnostic of the failing text must be.
The passing text must produce no diagnostic at all (any severity); the failing
text must produce diagnostics of that one rule and no other.

Behaviour is taken from the rules' docs (`ordspec explain NAME`), DESIGN.md and
the broker documents in ../shared/reference. Where ordspec disagrees with them
today, the case is marked xfail(strict=True) with "BUG: ..." so that the fix
turns it into a failure that asks for the marker to go.
"""

from __future__ import annotations

import json

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from ordspec import compiler
from ordspec.pipeline.run import Run
from ordspec.refdata.instruments import GROWW_COLUMNS
from ordspec.rules import registry
from tests.conftest import DOC_DAY, compile_text, lint_text, names

SAME = "same"  # Case.fail_broker: lint the failing text with the passing text's broker

# A GTT that every broker-neutral rule and Groww accept, used as the base of many cases.
GTT = "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC"
ORDER_BOOK = json.dumps(
    {
        "status": "Ok",
        "message": "Success",
        "result": [
            {
                "regDate": "19-06-2025", "startDate": "19-06-2025", "frequency": "2", "endPeriod": "3", "sipName": sip_name,
                "scrips": [{"exchange": "NSE", "token": "11536", "tradingSymbol": "TCS-EQ", "product": "CNC", "qty": "1", "sipType": "qty", "price": None}],
                "internal": {"prevExecDate": "0", "dueDate": "19-06-2025", "execDate": "19-06-2025", "period": "0", "active": active, "orderNo": number},
            }
            for number, active, sip_name in (("100", "true", "running"), ("200", "false", "paused"))
        ],
    }
)
# A GTT that Groww and INDstocks both take (INDstocks: a BUY triggers upward; its security id).
BOTH = "GTT BUY 10 TCS trigger 4100 up limit 4110 product CNC security 11536"
# The Groww document's OCO, with a whole lot (75) of NIFTY25OCT24000CE.
OCO = "OCO SELL 75 NIFTY25OCT24000CE target 120.5 sl 95"
OCO_BUY = "OCO BUY 75 NIFTY25OCT24000CE target 80 sl 110"
SIP = "SIP BUY 1 TCS-EQ daily start 2025-06-19 installments 1 name AD product CNC token 11536 registered 2025-05-19"
BRACKET = "BRACKET BUY 75 NIFTY25OCT24000CE limit 37 sl 34 limit 33 target 41 limit 42 product NRML"
YAML_GTT = "orders:\n  - {kind: GTT, side: BUY, qty: 10, symbol: TCS, trigger: 3985, direction: DOWN, limit: 3990, product: CNC"
YAML_OCO = "orders:\n  - {kind: OCO, side: SELL, qty: 75, symbol: NIFTY25OCT24000CE, "
YAML_BLOCK_GTT = (
    "orders:\n  - kind: GTT\n    side: BUY\n    qty: 10\n    symbol: TCS\n"
    "    trigger: 3985\n    direction: DOWN\n    limit: 3990\n    product: CNC\n"
)
NIFTY_GTT = "GTT BUY 75 NIFTY25OCT24000CE trigger 100 up market product NRML"
YAML_MODIFY_OCO = "orders:\n  - {kind: OCO, action: MODIFY, id: oco_a12bc3, segment: FNO, "
# Dhan: a forever SINGLE and a super order it takes (securityId from `security`).
DHAN_GTT = "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC security 11536"
DHAN_SUPER = "BRACKET BUY 75 NIFTY25OCT24000CE limit 37 sl 34 target 41 product NRML security 51011"
DHAN_MODIFY = "MODIFY GTT 5132208051112 qty 10 trigger 3980 limit 3985"


# -- instrument master rows (Groww's CSV columns, refdata/instruments.py GROWW_COLUMNS)


def row(**values) -> dict:
    unknown = set(values) - set(GROWW_COLUMNS)
    assert not unknown, unknown
    return {name: values.get(name, "") for name in GROWW_COLUMNS}


TCS_ROW = row(
    exchange="NSE", exchange_token="11536", trading_symbol="TCS", groww_symbol="NSE-TCS", name="TCS",
    instrument_type="EQ", segment="CASH", series="EQ", isin="INE467B01029", lot_size="1", tick_size="0.10",
    is_reserved="FALSE", buy_allowed="TRUE", sell_allowed="TRUE",
)
NIFTY_OPT_ROW = row(
    exchange="NSE", exchange_token="35001", trading_symbol="NIFTY25OCT24000CE", groww_symbol="NSE-NIFTY-28Oct25-24000-CE",
    name="NIFTY", instrument_type="CE", segment="FNO", underlying_symbol="NIFTY", underlying_exchange_token="26000",
    expiry_date="2025-10-28", strike_price="24000", lot_size="75", tick_size="0.05", freeze_quantity="1801",
    is_reserved="FALSE", buy_allowed="TRUE", sell_allowed="TRUE",
)
RELIANCE_FUT_ROW = row(
    exchange="NSE", exchange_token="52000", trading_symbol="RELIANCE25OCTFUT", groww_symbol="NSE-RELIANCE-28Oct25-FUT",
    name="RELIANCE", instrument_type="FUT", segment="FNO", underlying_symbol="RELIANCE", underlying_exchange_token="2885",
    expiry_date="2025-10-28", lot_size="500", tick_size="0.10", freeze_quantity="",
)
# A share whose master row leaves `segment` empty: ordspec cannot tell its segment.
NO_SEGMENT_ROW = row(
    exchange="NSE", exchange_token="99999", trading_symbol="XYZ", name="XYZ", instrument_type="EQ", segment="",
    lot_size="1", tick_size="0.05",
)


def changed(base: dict, **values) -> dict:
    out = dict(base)
    out.update(values)
    return out


SHORT_ROW = ["NSE", "35001", "NIFTY25OCT24000CE", "NSE-NIFTY-28Oct25-24000-CE", "NIFTY"]  # 5 of 19 columns


@dataclass(frozen=True)
class Case:
    """One pass/fail pair for a rule.

    passing, failing: the text of one file (str; bytes for encoding cases), or
    {file name: text} for several files checked in one Run.
    at: (line, column) of the first diagnostic of the failing run; at_file the
    file it must be in (default: the only or the last file; "instruments" for
    the --instruments CSV).
    broker / as_of apply to both; fail_broker / fail_as_of override them for
    the failing run (the minimal difference is then the option, not the text).
    instruments: (rows for passing, rows for failing), each written to a
    Groww instrument CSV and passed as --instruments.
    quotes: {symbol: last price} for --quotes; state: an order book (JSON
    text) for --state.
    xfail: "BUG: ..." where the failing side does not behave as documented.
    plan: check the files as `ordspec plan` reads them (lint --plan).
    """

    id: str
    passing: object
    failing: object
    at: tuple[int, int]
    broker: str | None = None
    fail_broker: object = SAME
    as_of: date = DOC_DAY
    fail_as_of: date | None = None
    name: str = "t.ord"
    at_file: str | None = None
    instruments: tuple | None = None
    quotes: dict | None = None
    state: str | None = None
    fail_state: object = SAME
    xfail: str | None = None
    plan: bool = False


def Y(id, passing, failing, at, **kw) -> Case:
    """A YAML case."""
    return Case(id, passing, failing, at, name="t.yaml", **kw)


def alias_bomb(levels: int) -> str:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    letters = "abcdefghijklmnop"
    for prev, name in zip(letters, letters[1:levels]):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\norders: []\n"


CASES: dict[str, list[Case]] = {
    # ---------------------------------------------------------------- reading
    "syntax": [
        Case("typo", OCO, OCO.replace("target", "taget"), (1, 31)),
        Case("ends-early", GTT, "GTT BUY 10", (1, 11)),
        Case("unterminated-string", GTT + ' ref "abc12345"', GTT + ' ref "abc12345', (1, 61)),
        Case("two-statements", GTT, GTT + " GTT SELL", (1, 57)),
        Y("yaml-dsl-line", "orders:\n  - " + GTT + "\n", "orders:\n  - " + GTT.replace("trigger", "triger") + "\n", (2, 20)),
        Y("yaml-quoted-dsl-line", f'orders:\n  - "{GTT}"\n', f'orders:\n  - "{GTT.replace("trigger", "triger")}"\n', (2, 21)),
        Y("yaml-invalid", "orders: [" + GTT + "]\n", "orders: [" + GTT + "\n", (2, 1)),
        Y("yaml-top-key", "orders:\n  - " + GTT + "\n", "oders:\n  - " + GTT + "\n", (1, 1)),
        Y("yaml-order-key", YAML_GTT + "}\n", YAML_GTT.replace("product:", "produt:") + "}\n", (2, 95)),
        Y(
            "yaml-order-key-no-cascade",
            YAML_GTT + "}\n",
            YAML_GTT.replace("direction:", "directoin:") + "}\n",
            (2, 65),
        ),
    ],
    "encoding": [
        Case("nul-byte", (GTT + "\n" + GTT + "\n").encode(), (GTT + "\n" + GTT[:33] + "\0" + GTT[33:] + "\n").encode(), (2, 34)),
        Case(
            "latin-1",
            (GTT + "  # café\n").encode("utf-8"),
            (GTT + "\n" + GTT + "  # café\n").encode("latin-1"),
            (2, 63),
        ),
        Case(
            "yaml-nul",
            ("orders:\n  - " + GTT + "\n").encode(),
            ("orders:\n  - " + GTT + "\0\n").encode(),
            (2, 60),
            name="t.yaml",
        ),
        Case(
            "utf-8-bom-is-fine",
            b"\xef\xbb\xbf" + (GTT + "\n").encode(),
            b"\xef\xbb\xbf" + (GTT + " # \xff\n").encode("latin-1"),
            (1, 59),
        ),
    ],
    "hidden-text": [
        Case("cr-only-lines", "broker groww\n" + GTT + "\n", "broker groww\r" + GTT + "\r", (1, 13)),
        Case("crlf-is-fine-cr-in-a-comment-is-not", "# buy the dip\r\n" + GTT + "\r\n", "# buy the dip\r" + GTT + "\r\n", (1, 14)),
        Case("line-separator", GTT + "  # one order\n" + GTT.replace("10", "20") + "\n", GTT + "  # one order\u2028" + GTT.replace("10", "20") + "\n", (1, 69)),
        Case("next-line", GTT + ' ref "abc12345"', GTT + ' ref "abc\x8512345"', (1, 65)),
        Case("direction-override", GTT + "  # \u200fexit\n", GTT + "  # \u202eexit\n", (1, 60)),
        Y("yaml-direction-isolate", "orders:\n  - " + GTT + "  # note\n", "orders:\n  - " + GTT + "  # \u2067note\u2069\n", (2, 64)),
    ],
    "unsafe-yaml": [
        Y("python-tag", "orders:\n  - " + GTT + "\n", "orders:\n  - !!python/object:os.system " + GTT + "\n", (2, 5)),
        Y("custom-tag", "orders:\n  - !!str " + GTT + "\n", "orders:\n  - !custom " + GTT + "\n", (2, 5)),
        Y(
            "alias-bomb",
            "defaults: {product: CNC}\norders:\n  - &o GTT BUY 10 TCS trigger 3985 down limit 3990\n  - *o\n",
            alias_bomb(9),
            (6, 8),
        ),
        Y("deep-nesting", "orders:\n  - " + GTT + "\n", "orders:\n  - " + "[" * 70 + "]" * 70 + "\n", (2, 67)),
    ],
    "bad-number": [
        Case("exponent", GTT, GTT.replace("3985", "3.9e3"), (1, 24)),
        Case("thousands", GTT.replace("BUY 10", "BUY 1000"), GTT.replace("BUY 10", "BUY 1,000"), (1, 9)),
        Case("fractional-qty", GTT, GTT.replace("BUY 10", "BUY 10.5"), (1, 9)),
        Case("leading-point", GTT, GTT.replace("3985", ".5"), (1, 24)),
        Case("trailing-point", GTT, GTT.replace("3990", "3990."), (1, 40)),
        Case("too-many-places", GTT, GTT.replace("3985", "3985.123456789"), (1, 24)),
        Case("too-many-digits", GTT, GTT.replace("3985", "1234567890123"), (1, 24)),
        Y("yaml-qty", YAML_GTT + "}\n", YAML_GTT.replace("qty: 10", "qty: 10.0") + "}\n", (2, 33)),
        Y("yaml-price", YAML_GTT + "}\n", YAML_GTT.replace("trigger: 3985", "trigger: 3.985e3") + "}\n", (2, 59)),
    ],
    "bad-value": [
        Case("product", GTT, GTT + "C", (1, 53)),
        Case("segment", GTT + " segment CASH", GTT + " segment CASHH", (1, 65)),
        Case("validity", GTT + " validity DAY", GTT + " validity GTC", (1, 66)),
        Case("exchange", GTT + " exchange NSE", GTT + " exchange NYSE", (1, 66)),
        Case("security", GTT + " security 11536", GTT + " security abc", (1, 66)),
        Case("broker-line", "broker groww\n" + GTT, "broker zerodha\n" + GTT, (1, 8)),
        Case("list-datetime", "LIST OCO segment FNO from 2025-01-16T00:00:00", "LIST OCO segment FNO from 2025-01-16", (1, 27)),
        Case("list-status", "LIST OCO segment FNO status ACTIVE", "LIST OCO segment FNO status OPEN", (1, 29)),
        Case("default-line", "default product CNC\n" + GTT, "default product CNCC\n" + GTT, (1, 17)),
        Case("non-ascii-ref", GTT + " ref abcde1234", GTT + " ref abcdé1234", (1, 65), broker="groww"),
        Case("kelvin-sign-keyword", GTT.replace("limit 3990", "market"), GTT.replace("limit 3990", "mar\u212aet"), (1, 37)),
        Case("long-s-value", GTT + " segment CASH", GTT + " segment ca\u017fh", (1, 67)),
        Case("cyrillic-symbol", GTT, GTT.replace("TCS", "\u0422CS"), (1, 12)),
        Y("yaml-cyrillic-value", YAML_GTT + "}\n", YAML_GTT.replace("CNC", "CN\u0421") + "}\n", (2, 106)),
        Y("yaml-kind", YAML_GTT + "}\n", YAML_GTT.replace("kind: GTT", "kind: GTX") + "}\n", (2, 12)),
        Y("yaml-direction", YAML_GTT + "}\n", YAML_GTT.replace("DOWN", "SIDEWAYS") + "}\n", (2, 76)),
        Y(
            "yaml-block",
            YAML_BLOCK_GTT,
            YAML_BLOCK_GTT.replace("CNC", "CNCC"),
            (9, 14),
        ),
    ],
    "duplicate-option": [
        Case(
            "leg",
            "OCO SELL 75 NIFTY25OCT24000CE target 120 sl 95 product MIS",
            "OCO SELL 75 NIFTY25OCT24000CE target 120 target 125 sl 95 product MIS",
            (1, 42),
        ),
        Case("option", GTT, GTT + " product CNC", (1, 57)),
        Case("ref", GTT + " ref abcd12345", GTT + " ref abcd12345 ref abcd12346", (1, 71)),
        Case("trigger", GTT, GTT.replace("down", "down trigger 3990"), (1, 34)),
        Case("direction", GTT, GTT.replace("down", "down up"), (1, 34)),
        Case("limit", GTT, GTT.replace("limit 3990", "limit 3990 limit 3991"), (1, 45)),
        Case(
            "market",
            "GTT BUY 10 TCS trigger 3985 down market product CNC",
            "GTT BUY 10 TCS trigger 3985 down market market product CNC",
            (1, 41),
        ),
        Case("broker-line", "broker groww\n" + GTT, "broker groww\nbroker groww\n" + GTT, (2, 8)),
        Y("yaml-key", YAML_GTT + "}\n", YAML_GTT + ", product: CNC}\n", (2, 109)),
    ],
    "misplaced-option": [
        Case(
            "limit-before-leg",
            "OCO SELL 75 NIFTY25OCT24000CE target 120.5 limit 121 sl 95 product MIS",
            "OCO SELL 75 NIFTY25OCT24000CE limit 121 target 120.5 sl 95 product MIS",
            (1, 31),
        ),
        Case("page-on-gtt", "LIST GTT segment CASH page 1", GTT + " page 1", (1, 57)),
        Case("position-on-gtt", OCO + " position 75", GTT + " position 10", (1, 57)),
        Case("trigger-on-oco", OCO, OCO + " trigger 100", (1, 50)),
        Case("default-key", "default product CNC\n" + GTT, "default page 1\n" + GTT, (1, 9)),
        Y("yaml-type-on-gtt", YAML_GTT + "}\n", YAML_GTT + ", type: BUY}\n", (2, 109)),
    ],
    "broker-mismatch": [
        # BOTH: a GTT that Groww and INDstocks both take, so that the one difference is the broker.
        Case(
            "dsl",
            "broker groww\n" + BOTH,
            "broker groww\n" + BOTH,
            (1, 8),
            broker="groww",
            fail_broker="indstocks",
        ),
        Case(
            "dsl-other-way",
            "broker indstocks\n" + BOTH,
            "broker indstocks\n" + BOTH,
            (1, 8),
            broker="indstocks",
            fail_broker="groww",
        ),
        Y(
            "yaml",
            "broker: groww\norders:\n  - " + BOTH + "\n",
            "broker: groww\norders:\n  - " + BOTH + "\n",
            (1, 9),
            broker="groww",
            fail_broker="indstocks",
        ),
    ],
    "instrument-data": [
        Case(
            "unreadable-lot",
            GTT,
            GTT,
            (3, 1),
            at_file="instruments",
            instruments=([TCS_ROW, NIFTY_OPT_ROW], [TCS_ROW, changed(NIFTY_OPT_ROW, lot_size="seventy-five")]),
        ),
        Case("short-row", GTT, GTT, (3, 1), at_file="instruments", instruments=([TCS_ROW, NIFTY_OPT_ROW], [TCS_ROW, SHORT_ROW])),
        Case(
            "zero-tick",
            GTT,
            GTT,
            (3, 1),
            at_file="instruments",
            instruments=([TCS_ROW, NIFTY_OPT_ROW], [TCS_ROW, changed(NIFTY_OPT_ROW, tick_size="0")]),
        ),
        Case(
            "bad-freeze",
            GTT,
            GTT,
            (3, 1),
            at_file="instruments",
            instruments=([TCS_ROW, NIFTY_OPT_ROW], [TCS_ROW, changed(NIFTY_OPT_ROW, freeze_quantity="1801.5")]),
        ),
        Case(
            "bad-strike",
            GTT,
            GTT,
            (3, 1),
            at_file="instruments",
            instruments=([TCS_ROW, NIFTY_OPT_ROW], [TCS_ROW, changed(NIFTY_OPT_ROW, strike_price="24k")]),
        ),
        Case(
            "bad-expiry",
            GTT,
            GTT,
            (4, 1),
            at_file="instruments",
            instruments=(
                [TCS_ROW, NIFTY_OPT_ROW, RELIANCE_FUT_ROW],
                [TCS_ROW, NIFTY_OPT_ROW, changed(RELIANCE_FUT_ROW, expiry_date="28/10/2025")],
            ),
        ),
    ],
    # ---------------------------------------------------------------- order shape
    "missing-field": [
        Case("gtt-trigger", GTT, "GTT BUY 10 TCS limit 3990 product CNC", (1, 1)),
        Case("dhan-security-id", DHAN_GTT, DHAN_GTT.replace(" security 11536", ""), (1, 12), broker="dhan"),
        Case("dhan-super-stop-loss", DHAN_SUPER, DHAN_SUPER.replace(" sl 34", ""), (1, 1), broker="dhan"),
        Case("dhan-modify-the-whole-leg", DHAN_MODIFY, DHAN_MODIFY.replace(" qty 10", ""), (1, 8), broker="dhan"),
        Case("dhan-modify-an-oco-leg-limit", "MODIFY OCO 5132208051113 qty 10 sl 1405 limit 1395", "MODIFY OCO 5132208051113 qty 10 sl 1405", (1, 33), broker="dhan"),
        Case("dhan-modify-entry-leg", "MODIFY BRACKET 5132208051114 qty 5 limit 1505 target 1605 sl 1405", "MODIFY BRACKET 5132208051114 qty 5 limit 1505 target 1605", (1, 8), broker="dhan"),
        Case("gtt-direction", GTT, GTT.replace(" down", ""), (1, 24)),
        Case("oco-target", OCO, "OCO SELL 75 NIFTY25OCT24000CE sl 95", (1, 1)),
        Case("oco-sl", OCO, "OCO SELL 75 NIFTY25OCT24000CE target 120.5", (1, 1)),
        Case(
            "bracket-entry",
            BRACKET,
            "BRACKET BUY 75 NIFTY25OCT24000CE sl 34 limit 33 target 41 limit 42 product NRML",
            (1, 1),
        ),
        Case("sip-frequency", SIP, SIP.replace(" daily", ""), (1, 1)),
        Case("sip-start", SIP, SIP.replace(" start 2025-06-19", ""), (1, 1)),
        Case("sip-installments", SIP, SIP.replace(" installments 1", ""), (1, 1)),
        Case(
            "sip-setup-iscid",
            "SMALLCASE SIP_SETUP iscid 5f58be2e0ae6815aef0d1118",
            "SMALLCASE SIP_SETUP",
            (1, 11),
        ),
        Case("modify-nothing", "MODIFY OCO oco_a12bc3 segment FNO qty 40", "MODIFY OCO oco_a12bc3 segment FNO", (1, 8)),
        Case("groww-product", GTT, GTT.replace(" product CNC", ""), (1, 1), broker="groww"),
        Case("groww-product-oco", OCO + " product MIS", OCO, (1, 1), broker="groww"),
        Case("groww-product-default", "default product CNC\n" + GTT, GTT.replace(" product CNC", ""), (1, 1), broker="groww"),
        Case(
            "groww-modify-segment",
            "MODIFY GTT gtt_91a7f4 segment CASH qty 12",
            "MODIFY GTT gtt_91a7f4 qty 12",
            (1, 8),
            broker="groww",
        ),
        Case("groww-cancel-segment", "CANCEL GTT gtt_91a7f4 segment CASH", "CANCEL GTT gtt_91a7f4", (1, 8), broker="groww"),
        Case("groww-get-segment", "GET OCO oco_a12bc3 segment FNO", "GET OCO oco_a12bc3", (1, 5), broker="groww"),
        Case(
            "groww-modify-gtt-side",
            "MODIFY GTT gtt_91a7f4 segment CASH trigger 3980 down limit 3985 side BUY",
            "MODIFY GTT gtt_91a7f4 segment CASH trigger 3980 down limit 3985",
            (1, 60),
            broker="groww",
        ),
        Case(
            "groww-create-segment-unknown",
            "GTT BUY 10 XYZ trigger 100 down limit 100 product CNC segment CASH",
            "GTT BUY 10 XYZ trigger 100 down limit 100 product CNC",
            (1, 12),
            broker="groww",
            instruments=([NO_SEGMENT_ROW], [NO_SEGMENT_ROW]),
        ),
        # INDstocks, Modify Smart Order: trigger_price "Required when modifying a TRIGGER order" (a GTT is one)
        Case(
            "indstocks-modify-trigger-order",
            "MODIFY GTT EQ-456 segment CASH qty 10 trigger 1530",
            "MODIFY GTT EQ-456 segment CASH qty 10",
            (1, 8),
            broker="indstocks",
        ),
        # Place Smart Order: trigger_price "Required if order_type is TRIGGER"
        Y(
            "yaml-trigger-entry",
            "orders:\n  - {kind: BRACKET, side: BUY, qty: 75, symbol: NIFTY25OCT24000CE, order_type: TRIGGER, trigger: 38.5, product: NRML}\n",
            "orders:\n  - {kind: BRACKET, side: BUY, qty: 75, symbol: NIFTY25OCT24000CE, order_type: TRIGGER, product: NRML}\n",
            (2, 80),
        ),
    ],
    "not-positive": [
        Case("zero-position", OCO + " position 75", OCO + " position 0", (1, 59)),
        Case("qty", GTT, GTT.replace("BUY 10", "BUY 0"), (1, 9)),
        Case("trigger", GTT, GTT.replace("3985", "0"), (1, 24)),
        Case("negative-trigger", GTT, GTT.replace("3985", "-3985"), (1, 24)),
        Case("leg-trigger", OCO, OCO.replace("sl 95", "sl 0"), (1, 47)),
        Case(
            "modify-qty",
            "MODIFY OCO oco_a12bc3 segment FNO qty 40",
            "MODIFY OCO oco_a12bc3 segment FNO qty 0",
            (1, 39),
            broker="groww",
        ),
        Y("yaml-modify-qty", YAML_MODIFY_OCO + "qty: 40}\n", YAML_MODIFY_OCO + "qty: 0}\n", (2, 68), broker="groww"),
        Case("sip-installments", SIP, SIP.replace("installments 1", "installments 0"), (1, 54)),
        Case(
            "sip-scrip-qty",
            SIP + " plus 2 INFY-EQ token 1594",
            SIP + " plus 0 INFY-EQ token 1594",
            (1, 115),
        ),
    ],
    "missing-price": [
        Case("gtt-no-order", GTT, GTT.replace(" limit 3990", ""), (1, 24)),
        Y(
            "yaml-target-limit",
            YAML_OCO + "target: {trigger: 120.5, order_type: LIMIT, limit: 121}, sl: 95}\n",
            YAML_OCO + "target: {trigger: 120.5, order_type: LIMIT}, sl: 95}\n",
            (2, 102),
        ),
        Y(
            "yaml-sl",
            YAML_OCO + "target: 120.5, sl: {trigger: 95, order_type: SL, limit: 94}}\n",
            YAML_OCO + "target: 120.5, sl: {trigger: 95, order_type: SL}}\n",
            (2, 110),
        ),
        Y("yaml-gtt-limit", YAML_GTT + "}\n", YAML_GTT.replace(", limit: 3990", ", order_type: LIMIT") + "}\n", (2, 94)),
    ],
    "unexpected-price": [
        Y(
            "yaml-limit-entry-trigger",
            "orders:\n  - {kind: BRACKET, side: BUY, qty: 75, symbol: NIFTY25OCT24000CE, order_type: LIMIT, limit: 37, product: NRML}\n",
            "orders:\n  - {kind: BRACKET, side: BUY, qty: 75, symbol: NIFTY25OCT24000CE, order_type: LIMIT, limit: 37, trigger: 36, product: NRML}\n",
            (2, 107),
        ),
        Case(
            "market-limit",
            "GTT SELL 10 TCS trigger 4100 up market product CNC",
            "GTT SELL 10 TCS trigger 4100 up market limit 4090 product CNC",
            (1, 46),
        ),
        Case(
            "limit-market",
            "GTT SELL 10 TCS trigger 4100 up limit 4090 product CNC",
            "GTT SELL 10 TCS trigger 4100 up limit 4090 market product CNC",
            (1, 39),
        ),
        Y(
            "yaml-sl-m",
            YAML_OCO + "target: 120.5, sl: {trigger: 95, order_type: SL, limit: 94}}\n",
            YAML_OCO + "target: 120.5, sl: {trigger: 95, order_type: SL_M, limit: 94}}\n",
            (2, 123),
        ),
        Y(
            "yaml-market-target",
            YAML_OCO + "target: {trigger: 120.5, order_type: LIMIT, limit: 121}, sl: 95}\n",
            YAML_OCO + "target: {trigger: 120.5, order_type: MARKET, limit: 121}, sl: 95}\n",
            (2, 117),
        ),
        Y(
            "yaml-gtt-market",
            YAML_GTT + "}\n",
            YAML_GTT.replace(", limit: 3990", ", order_type: MARKET, limit: 3990") + "}\n",
            (2, 109),
        ),
    ],
    "leg-order": [
        Case("sell-target-vs-sl", OCO, OCO.replace("target 120.5 sl 95", "target 95 sl 120.5"), (1, 38)),
        Case("dhan-super-stop-loss-at-the-price", DHAN_SUPER, DHAN_SUPER.replace("sl 34", "sl 37"), (1, 46), broker="dhan"),
        Case("dhan-super-sell-target", DHAN_SUPER.replace("BUY", "SELL").replace("sl 34 target 41", "sl 41 target 34"),
             DHAN_SUPER.replace("BUY", "SELL").replace("sl 34 target 41", "sl 41 target 38"), (1, 57), broker="dhan"),
        Case(
            "sell-target-equals-sl",
            OCO.replace("sl 95", "sl 99.95"),
            OCO.replace("target 120.5 sl 95", "target 100 sl 100"),
            (1, 38),
        ),
        Case("sell-sl-limit-vs-trigger", OCO + " limit 94.5", OCO + " limit 96", (1, 56)),
        Case(
            "sell-sl-limit-equal-ok-for-groww",
            OCO + " limit 95 product MIS",
            OCO + " limit 95.05 product MIS",
            (1, 56),
            broker="groww",
        ),
        Case(
            "sell-target-limit-vs-trigger",
            OCO.replace("120.5 sl", "120.5 limit 121 sl"),
            OCO.replace("120.5 sl", "120.5 limit 120 sl"),
            (1, 50),
        ),
        Case(
            "sell-target-limit-equal-ok",
            OCO.replace("120.5 sl", "120.5 limit 120.5 sl"),
            OCO.replace("120.5 sl", "120.5 limit 120.45 sl"),
            (1, 50),
        ),
        Case("buy-target-vs-sl", OCO_BUY, "OCO BUY 75 NIFTY25OCT24000CE target 110 sl 80", (1, 37)),
        Case("buy-sl-limit-vs-trigger", OCO_BUY + " limit 111", OCO_BUY + " limit 109", (1, 53)),
        Case(
            "buy-target-limit-vs-trigger",
            OCO_BUY.replace("80 sl", "80 limit 79.5 sl"),
            OCO_BUY.replace("80 sl", "80 limit 81 sl"),
            (1, 46),
        ),
        Case("gtt-legs-exit-the-entry", GTT + " target 4200 sl 3900", GTT + " target 3900 sl 4200", (1, 64)),
        Case(
            "bracket-buy-sl-vs-entry",
            BRACKET,
            BRACKET.replace("sl 34 limit 33", "sl 38 limit 37"),
            (1, 46),
        ),
        Case(
            "bracket-buy-target-vs-entry",
            BRACKET,
            BRACKET.replace("target 41 limit 42", "target 36 limit 36"),
            (1, 65),
        ),
        Case(
            "bracket-sell-sl-vs-entry",
            "BRACKET SELL 75 NIFTY25OCT24000CE limit 37 sl 40 target 34 product NRML",
            "BRACKET SELL 75 NIFTY25OCT24000CE limit 37 sl 36 target 34 product NRML",
            (1, 47),
        ),
        Case(
            "bracket-trigger-entry",
            "BRACKET BUY 75 NIFTY25OCT24000CE trigger 37 sl 34 target 41 product NRML",
            "BRACKET BUY 75 NIFTY25OCT24000CE trigger 37 sl 34 target 37 product NRML",
            (1, 58),
        ),
    ],
    "oco-quantity": [
        Case(
            "more-than-position",
            OCO.replace("SELL 75", "SELL 150") + " position 150",
            OCO.replace("SELL 75", "SELL 150") + " position 75",
            (1, 10),
        ),
        Case("short-position", OCO_BUY + " position -150", OCO_BUY.replace("BUY 75", "BUY 150") + " position -75", (1, 9)),
    ],
    "oco-direction": [
        Case("sell-short", OCO + " position 75", OCO + " position -75", (1, 5)),
        Case("buy-long", OCO_BUY + " position -75", OCO_BUY + " position 75", (1, 5)),
    ],
    "date-order": [
        Case("registered", SIP, SIP.replace("start 2025-06-19", "start 2025-05-18"), (1, 30)),
        Case(
            "registered-same-day-ok",
            SIP.replace("start 2025-06-19", "start 2025-05-19"),
            SIP.replace("start 2025-06-19", "start 2025-05-18"),
            (1, 30),
        ),
        Case(
            "as-of-is-registration",
            SIP.replace(" registered 2025-05-19", "").replace("2025-06-19", "2025-10-01"),
            SIP.replace(" registered 2025-05-19", "").replace("2025-06-19", "2025-09-30"),
            (1, 30),
        ),
        Case(
            "default-registered",
            "default registered 2025-05-19\nSIP BUY 1 TCS-EQ daily start 2025-05-19 installments 1",
            "default registered 2025-05-19\nSIP BUY 1 TCS-EQ daily start 2025-05-18 installments 1",
            (2, 30),
        ),
        Case(
            "modify",
            "MODIFY SIP 25042400000049 start 2025-05-19 registered 2025-05-19",
            "MODIFY SIP 25042400000049 start 2025-05-18 registered 2025-05-19",
            (1, 33),
        ),
    ],
    # ---------------------------------------------------------------- the instrument
    "index-symbol": [
        Case("nifty", OCO, OCO.replace("NIFTY25OCT24000CE", "NIFTY"), (1, 13)),
        Case(
            "sensex",
            "GTT BUY 20 SENSEX25OCT80000CE trigger 100 up market product NRML",
            "GTT BUY 20 SENSEX trigger 100 up market product NRML",
            (1, 12),
        ),
        Case(
            "bankex",
            "GTT BUY 30 BANKEX25OCTFUT trigger 60000 up market product NRML",
            "GTT BUY 30 BANKEX trigger 60000 up market product NRML",
            (1, 12),
        ),
    ],
    "lot-size": [
        Case(
            "groww-example",
            OCO.replace("120.5", "120.50 limit 121") + " product MIS",
            OCO.replace("SELL 75", "SELL 50").replace("120.5", "120.50 limit 121") + " product MIS",
            (1, 10),
        ),
        Case("banknifty", OCO.replace("75 NIFTY", "35 BANKNIFTY"), OCO.replace("75 NIFTY", "30 BANKNIFTY"), (1, 10)),
        Case("lot-by-expiry", OCO.replace("75 NIFTY25OCT", "65 NIFTY26JAN"), OCO.replace("NIFTY25OCT", "NIFTY26JAN"), (1, 10)),
        Case(
            "master",
            "GTT BUY 500 RELIANCE25OCTFUT trigger 1500 up market product NRML",
            "GTT BUY 100 RELIANCE25OCTFUT trigger 1500 up market product NRML",
            (1, 9),
            instruments=([RELIANCE_FUT_ROW], [RELIANCE_FUT_ROW]),
        ),
    ],
    "tick-size": [
        Case("share", GTT.replace("3985", "3985.10"), GTT.replace("3985", "3985.03"), (1, 24)),
        Case(
            "share-band",
            "GTT BUY 10 ITC trigger 249.99 down limit 250.05 product CNC",
            "GTT BUY 10 ITC trigger 250.01 down limit 250.05 product CNC",
            (1, 24),
        ),
        Case("index-option", OCO.replace("120.5", "120.55"), OCO.replace("120.5", "120.52"), (1, 38)),
        Case(
            "index-future",
            "GTT BUY 75 NIFTY25OCTFUT trigger 25000.10 up market product NRML",
            "GTT BUY 75 NIFTY25OCTFUT trigger 25000.05 up market product NRML",
            (1, 34),
        ),
        Case(
            "index-future-band",
            "GTT BUY 75 NIFTY25OCTFUT trigger 30000.20 up market product NRML",
            "GTT BUY 75 NIFTY25OCTFUT trigger 30000.10 up market product NRML",
            (1, 34),
        ),
        Case("limit-price", GTT.replace("3990", "3990.10"), GTT.replace("3990", "3990.05"), (1, 40)),
        Case(
            "master",
            OCO.replace("120.5", "120.55"),
            OCO.replace("120.5", "120.52"),
            (1, 38),
            instruments=([NIFTY_OPT_ROW], [NIFTY_OPT_ROW]),
        ),
    ],
    "freeze-quantity": [
        Case(
            "nifty-2026",
            "GTT SELL 1755 NIFTY26DEC26000CE trigger 100 down market product NRML",
            "GTT SELL 1820 NIFTY26DEC26000CE trigger 100 down market product NRML",
            (1, 10),
            as_of=date(2026, 3, 2),
        ),
        Case(
            "banknifty-900",
            "GTT SELL 875 BANKNIFTY25OCT56000CE trigger 100 down market product NRML",
            "GTT SELL 910 BANKNIFTY25OCT56000CE trigger 100 down market product NRML",
            (1, 10),
        ),
        Case(
            "master-freeze-minus-one",
            OCO.replace("SELL 75", "SELL 1800"),
            OCO.replace("SELL 75", "SELL 1875"),
            (1, 10),
            instruments=([NIFTY_OPT_ROW], [NIFTY_OPT_ROW]),
        ),
    ],
    "expired-contract": [
        Case("monthly", OCO, OCO, (1, 13), as_of=date(2025, 10, 31), fail_as_of=date(2025, 11, 1)),
        Case(
            "weekly",
            "OCO SELL 75 NIFTY25O2824000CE target 120.5 sl 95",
            "OCO SELL 75 NIFTY25O2824000CE target 120.5 sl 95",
            (1, 13),
            as_of=date(2025, 10, 28),
            fail_as_of=date(2025, 10, 29),
        ),
        Case(
            "master",
            OCO,
            OCO,
            (1, 13),
            as_of=date(2025, 10, 28),
            fail_as_of=date(2025, 10, 29),
            instruments=([NIFTY_OPT_ROW], [NIFTY_OPT_ROW]),
        ),
    ],
    "segment-mismatch": [
        Case("option-in-cash", OCO + " segment FNO", OCO + " segment CASH", (1, 58)),
        Case("share-in-fno", GTT + " segment CASH", GTT + " segment FNO", (1, 65)),
    ],
    "exchange-mismatch": [
        Case(
            "sensex-on-nse",
            "GTT BUY 20 SENSEX25OCT80000CE trigger 100 up market product NRML exchange BSE",
            "GTT BUY 20 SENSEX25OCT80000CE trigger 100 up market product NRML exchange NSE",
            (1, 75),
        ),
        Case("nifty-on-bse", OCO + " exchange NSE", OCO + " exchange BSE", (1, 59)),
        Case("master", OCO + " exchange NSE", OCO + " exchange BSE", (1, 59), instruments=([NIFTY_OPT_ROW], [NIFTY_OPT_ROW])),
    ],
    "unknown-symbol": [
        Case(
            "unreadable",
            "GTT BUY 75 NIFTY25OCT24000CE trigger 100 up market product NRML",
            "GTT BUY 75 TITAN25XYZ24000CE trigger 100 up market product NRML",
            (1, 12),
        ),
        Case("lower-case", GTT, GTT.replace("TCS", "tcs"), (1, 12)),
        Case("not-in-master", GTT, GTT, (1, 12), instruments=([TCS_ROW, NIFTY_OPT_ROW], [NIFTY_OPT_ROW])),
    ],
    "contract-symbol": [
        Case("option-type-cut-short", NIFTY_GTT, NIFTY_GTT.replace("24000CE", "24000C"), (1, 12), broker="groww"),
        Case("no-option-type", NIFTY_GTT, NIFTY_GTT.replace("24000CE", "24000"), (1, 12)),
        Case("future-cut-short", NIFTY_GTT.replace("24000CE", "FUT"), NIFTY_GTT.replace("24000CE", "FU"), (1, 12), broker="groww"),
        Case("weekly-30-february", NIFTY_GTT.replace("75 NIFTY25OCT", "65 NIFTY26224"), NIFTY_GTT.replace("75 NIFTY25OCT", "65 NIFTY26230"), (1, 12)),
        Case("lower-case-contract", NIFTY_GTT, NIFTY_GTT.replace("NIFTY25OCT24000CE", "nifty25oct24000ce"), (1, 12), broker="groww"),
        Case(
            "master-underlying",
            "GTT BUY 500 RELIANCE25OCTFUT trigger 1500 up market product NRML",
            "GTT BUY 500 RELIANCE25OCTFU trigger 1500 up market product NRML",
            (1, 13),
            instruments=([RELIANCE_FUT_ROW], [RELIANCE_FUT_ROW]),
        ),
        Y("yaml", f"orders:\n  - {NIFTY_GTT}\n", f"orders:\n  - {NIFTY_GTT.replace('24000CE', '24000C')}\n", (2, 16)),
    ],
    "reference-data": [
        Case(
            "no-lot",
            "GTT BUY 75 NIFTY25OCTFUT trigger 1500 up market product NRML",
            "GTT BUY 75 RELIANCE25OCTFUT trigger 1500 up market product NRML",
            (1, 12),
        ),
        Case(
            "master-gives-lot",
            "GTT BUY 500 RELIANCE25OCTFUT trigger 1500 up market product NRML",
            "GTT BUY 500 RELIANCE25OCTFUT trigger 1500 up market product NRML",
            (1, 13),
            instruments=([RELIANCE_FUT_ROW], None),
        ),
    ],
    # ---------------------------------------------------------------- broker tables
    "unsupported": [
        Case("neutral-pause-gtt", "CANCEL GTT gtt_91a7f4", "PAUSE GTT gtt_91a7f4", (1, 7)),
        Case("neutral-get-bracket", "GET GTT gtt_91a7f4", "GET BRACKET gtt_91a7f4", (1, 5)),
        Case("dhan-forever-product", DHAN_GTT, DHAN_GTT.replace("CNC", "MIS"), (1, 53), broker="dhan"),
        Case("dhan-forever-fno", DHAN_SUPER, "GTT BUY 75 NIFTY25OCT24000CE trigger 37 up limit 37 product NRML security 51011", (1, 12), broker="dhan"),
        Case("dhan-market-super-entry", DHAN_SUPER, DHAN_SUPER.replace("limit 37", "market"), (1, 34), broker="dhan"),
        Case("dhan-super-leg-limit", DHAN_SUPER, DHAN_SUPER.replace("target 41", "target 41 limit 42"), (1, 65), broker="dhan"),
        Case(
            "dhan-oco-one-order-type",
            "OCO SELL 10 TCS target 4200 limit 4210 sl 3900 limit 3890 product CNC security 11536",
            "OCO SELL 10 TCS target 4200 limit 4210 sl 3900 product CNC security 11536",
            (1, 40),
            broker="dhan",
        ),
        Case("dhan-list-filter", "LIST GTT", "LIST GTT status ACTIVE", (1, 17), broker="dhan"),
        Case("dhan-get", "LIST GTT", "GET GTT 5132208051112", (1, 5), broker="dhan"),
        Case("disclosed-elsewhere", GTT, GTT + " disclosed 4", (1, 67), broker="groww"),
        Case(
            "groww-kind",
            "GTT BUY 75 NIFTY25OCT24000CE trigger 37 down limit 37 product NRML",
            BRACKET,
            (1, 1),
            broker="groww",
        ),
        Case("groww-sip", GTT, SIP, (1, 1), broker="groww"),
        Case("groww-action", "CANCEL GTT gtt_91a7f4 segment CASH", "PAUSE GTT gtt_91a7f4", (1, 7), broker="groww"),
        Case("groww-list-bracket", "LIST GTT", "LIST BRACKET", (1, 6), broker="groww"),
        Case(
            "groww-cash-oco-product",
            "OCO SELL 10 TCS target 4200 sl 3900 product MIS  # ordspec: ignore[documents-disagree]",
            "OCO SELL 10 TCS target 4200 sl 3900 product CNC  # ordspec: ignore[documents-disagree]",
            (1, 45),
            broker="groww",
        ),
        Case(
            "groww-commodity",
            "MODIFY GTT gtt_91a7f4 segment CASH qty 12",
            "MODIFY GTT gtt_91a7f4 segment COMMODITY qty 12",
            (1, 31),
            broker="groww",
        ),
        Case(
            "groww-currency",
            "CANCEL GTT gtt_91a7f4 segment CASH",
            "CANCEL GTT gtt_91a7f4 segment CURRENCY",
            (1, 31),
            broker="groww",
        ),
        Case("groww-product", GTT, GTT.replace("CNC", "NRML"), (1, 53), broker="groww"),
        Case("groww-oco-product", OCO + " product NRML", OCO + " product CNC", (1, 58), broker="groww"),
        Case("groww-validity", GTT + " validity DAY", GTT + " validity IOC", (1, 66), broker="groww"),
        Case("groww-exchange", GTT + " exchange BSE", GTT + " exchange MCX", (1, 66), broker="groww"),
        Case("groww-gtt-legs", GTT, GTT + " target 4200 sl 3900", (1, 57), broker="groww"),
        Case(
            "groww-modify-gtt-legs",
            "MODIFY GTT gtt_91a7f4 segment CASH qty 12",
            "MODIFY GTT gtt_91a7f4 segment CASH qty 12 target 4200",
            (1, 43),
            broker="groww",
        ),
        Case(
            "groww-modify-gtt-lone-side",
            "MODIFY GTT gtt_91a7f4 segment CASH qty 5 limit 3990 side BUY",
            "MODIFY GTT gtt_91a7f4 segment CASH qty 5 side BUY",
            (1, 47),
            broker="groww",
        ),
        Case(
            "groww-modify-oco-product",
            "MODIFY OCO oco_a12bc3 segment FNO product NRML",
            "MODIFY OCO oco_a12bc3 segment FNO product CNC",
            (1, 43),
            broker="groww",
        ),
    ],
    "documents-disagree": [
        Case("groww-cash-oco", OCO + " product MIS", "OCO SELL 10 TCS target 4200 sl 3900 product MIS", (1, 13), broker="groww"),
        Case(
            "groww-cash-oco-written",
            OCO + " product MIS segment FNO",
            OCO.replace("NIFTY25OCT24000CE", "TCS").replace("75", "10") + " product MIS segment CASH",
            (1, 56),
            broker="groww",
        ),
    ],
    "not-desired-state": [
        Case("modify", GTT + " ref tcs-dip-0001", "MODIFY GTT gtt_91a7f4 segment CASH qty 12", (1, 1), broker="groww", plan=True),
        Case("cancel", GTT, GTT + "\nCANCEL GTT gtt_91a7f4 segment CASH", (2, 1), broker="groww", plan=True),
        Case("list", GTT, "LIST OCO segment FNO status ACTIVE", (1, 1), broker="groww", plan=True),
        Case("pause-sip", SIP, "PAUSE SIP 25042400000049", (1, 1), broker="codifi", plan=True),
        Case("smallcase", SIP, 'SMALLCASE BUY SCET_0010 notes "first buy"', (1, 1), plan=True),
        Y("yaml-cancel", "orders:\n  - " + GTT + "\n", "orders:\n  - {kind: GTT, action: CANCEL, id: gtt_91a7f4, segment: CASH}\n", (2, 5), broker="groww", plan=True),
    ],
    "not-modifiable": [
        Case("dhan-direction", DHAN_MODIFY, DHAN_MODIFY.replace("3980", "3980 down"), (1, 46), broker="dhan"),
        Case("dhan-super-leg-limit", "MODIFY BRACKET 5132208051114 target 1610", "MODIFY BRACKET 5132208051114 target 1610 limit 1611", (1, 48), broker="dhan"),
        Case(
            "oco-target-limit",
            "MODIFY OCO oco_a12bc3 segment FNO target 122",
            "MODIFY OCO oco_a12bc3 segment FNO target 122 limit 123",
            (1, 52),
            broker="groww",
        ),
        Case(
            "oco-sl-limit",
            "MODIFY OCO oco_a12bc3 segment FNO sl 97",
            "MODIFY OCO oco_a12bc3 segment FNO sl 97 limit 96",
            (1, 47),
            broker="groww",
        ),
        Case(
            "oco-exchange",
            "MODIFY OCO oco_a12bc3 segment FNO validity DAY",
            "MODIFY OCO oco_a12bc3 segment FNO exchange NSE",
            (1, 44),
            broker="groww",
        ),
        Case(
            "oco-position",
            "MODIFY OCO oco_a12bc3 segment FNO qty 75",
            "MODIFY OCO oco_a12bc3 segment FNO position 75",
            (1, 44),
            broker="groww",
        ),
        Case(
            "gtt-validity",
            "MODIFY GTT gtt_91a7f4 segment CASH qty 12",
            "MODIFY GTT gtt_91a7f4 segment CASH validity DAY",
            (1, 45),
            broker="groww",
        ),
        Case(
            "gtt-product",
            "MODIFY GTT gtt_91a7f4 segment CASH qty 12",
            "MODIFY GTT gtt_91a7f4 segment CASH product CNC",
            (1, 44),
            broker="groww",
        ),
        Case(
            "gtt-exchange",
            "MODIFY GTT gtt_91a7f4 segment CASH qty 12",
            "MODIFY GTT gtt_91a7f4 segment CASH exchange NSE",
            (1, 45),
            broker="groww",
        ),
        Y(
            "yaml-oco-order-type",
            YAML_MODIFY_OCO + "sl: {trigger: 97}}\n",
            YAML_MODIFY_OCO + "sl: {trigger: 97, order_type: SL_M}}\n",
            (2, 93),
            broker="groww",
        ),
    ],
    "price-precision": [
        # BSE shares have no bundled tick table, so tick-size stays quiet and the precision is alone.
        Case(
            "trigger",
            GTT.replace("3985", "3985.10") + " exchange BSE",
            GTT.replace("3985", "3985.105") + " exchange BSE",
            (1, 24),
            broker="groww",
        ),
        Case(
            "limit",
            GTT.replace("3990", "3990.00") + " exchange BSE",
            GTT.replace("3990", "3990.001") + " exchange BSE",
            (1, 40),
            broker="groww",
        ),
        Case(
            "trailing-zero-is-fine",
            GTT.replace("3990", "3990.100") + " exchange BSE",
            GTT.replace("3990", "3990.101") + " exchange BSE",
            (1, 40),
            broker="groww",
        ),
    ],
    "reference-id": [
        Case("character", GTT + " ref my-ref-1", GTT + " ref my_ref_1", (1, 61), broker="groww"),
        Case("dhan-character", DHAN_GTT + " ref my_ref-1", DHAN_GTT + " ref my.ref-1", (1, 76), broker="dhan"),
        Case("dhan-too-long", DHAN_GTT + " ref " + "a" * 25, DHAN_GTT + " ref " + "a" * 26, (1, 76), broker="dhan"),
        Case("too-short", GTT + " ref abc12345", GTT + " ref abc1234", (1, 61), broker="groww"),
        Case("too-long", GTT + " ref abcdefghij0123456789", GTT + " ref abcdefghij0123456789x", (1, 61), broker="groww"),
        Case("hyphens", GTT + " ref ab-c-12345", GTT + " ref a-b-c-12345", (1, 61), broker="groww"),
        Y(
            "yaml",
            "broker: groww\n" + YAML_GTT + ", ref: my-ref-1}\n",
            "broker: groww\n" + YAML_GTT + ", ref: my_ref_1}\n",
            (3, 114),
        ),
    ],
    "duplicate-reference": [
        Case(
            "same-file",
            GTT + " ref tcs-dip-001\n" + GTT.replace("3985", "3900").replace("3990", "3905") + " ref tcs-dip-002",
            GTT + " ref tcs-dip-001\n" + GTT.replace("3985", "3900").replace("3990", "3905") + " ref tcs-dip-001",
            (2, 61),
        ),
        Case(
            "two-files",
            {"a.ord": GTT + " ref tcs-dip-001", "b.ord": GTT + " ref tcs-dip-002"},
            {"a.ord": GTT + " ref tcs-dip-001", "b.ord": GTT + " ref tcs-dip-001"},
            (1, 61),
            at_file="b.ord",
        ),
        Case(
            "yaml-and-dsl",
            {"a.yaml": "orders:\n  - " + GTT + " ref tcs-dip-001\n", "b.ord": GTT + " ref tcs-dip-002"},
            {"a.yaml": "orders:\n  - " + GTT + " ref tcs-dip-001\n", "b.ord": GTT + " ref tcs-dip-001"},
            (1, 61),
            at_file="b.ord",
        ),
        # Derived ids (Groww): identical orders in one file get distinct ids; in two files the same one.
        Case("derived", {"a.ord": GTT + "\n" + GTT}, {"a.ord": GTT, "b.ord": GTT}, (1, 1), broker="groww", at_file="b.ord"),
    ],
    "list-window": [
        Case(
            "longer-than-a-month",
            "LIST OCO segment FNO from 2025-01-16T09:15:00 to 2025-02-16T09:15:00",
            "LIST OCO segment FNO from 2025-01-16T09:15:00 to 2025-02-16T09:15:01",
            (1, 50),
            broker="groww",
        ),
        Case(
            "month-end",
            "LIST OCO segment FNO from 2025-01-31T00:00:00 to 2025-02-28T00:00:00",
            "LIST OCO segment FNO from 2025-01-31T00:00:00 to 2025-03-01T00:00:00",
            (1, 50),
            broker="groww",
        ),
        Case(
            "ends-before-start",
            "LIST OCO segment FNO from 2025-01-16T09:15:00 to 2025-01-16T09:15:00",
            "LIST OCO segment FNO from 2025-01-16T09:15:00 to 2025-01-16T09:14:59",
            (1, 50),
            broker="groww",
        ),
        Case(
            "default-from",
            "LIST OCO segment FNO to 2025-10-01T00:00:00",
            "LIST OCO segment FNO to 2025-09-30T23:59:59",
            (1, 25),
            broker="groww",
        ),
        Case(
            "default-to",
            "LIST OCO segment FNO from 2025-09-02T00:00:00",
            "LIST OCO segment FNO from 2025-09-01T00:00:00",
            (1, 27),
            broker="groww",
        ),
    ],
    "page-range": [
        Case(
            "size-high",
            "LIST GTT segment CASH page 0 size 50",
            "LIST GTT segment CASH page 0 size 100",
            (1, 35),
            broker="groww",
        ),
        Case("size-zero", "LIST GTT segment CASH page 0 size 1", "LIST GTT segment CASH page 0 size 0", (1, 35), broker="groww"),
        Case(
            "page-high",
            "LIST OCO segment FNO page 500 size 50",
            "LIST OCO segment FNO page 501 size 50",
            (1, 27),
            broker="groww",
        ),
        Case("page-negative", "LIST OCO segment FNO page 0", "LIST OCO segment FNO page -1", (1, 27), broker="groww"),
    ],
    "silent-conversion": [
        Case(
            "trigger-market",
            "GTT BUY 10 RELIANCE trigger 1520 up limit 1525 product CNC security 3045",
            "GTT BUY 10 RELIANCE trigger 1520 up market product CNC security 3045",
            (1, 37),
            broker="indstocks",
        ),
        Case(
            "market-parent",
            BRACKET + " security 51011",
            BRACKET.replace("limit 37", "market") + " security 51011",
            (1, 34),
            broker="indstocks",
        ),
    ],
    "order-id": [
        Case("drv-in-cash", "CANCEL BRACKET DRV-28131451 segment FNO", "CANCEL BRACKET DRV-28131451 segment CASH", (1, 37), broker="indstocks"),
        Case("eq-in-fno", "MODIFY GTT EQ-456 segment CASH qty 10 trigger 1530 limit 1532", "MODIFY GTT EQ-456 segment FNO qty 10 trigger 1530 limit 1532", (1, 27), broker="indstocks"),
    ],
    "unsafe-id": [
        Case("dot-dot", "CANCEL GTT gtt_91a7f4 segment CASH", "CANCEL GTT .. segment CASH", (1, 12)),
        Case("dot", "GET GTT gtt_91a7f4 segment CASH", "GET GTT . segment CASH", (1, 9), broker="groww"),
        Case("slash", "MODIFY GTT gtt_91a7f4 segment CASH qty 12", "MODIFY GTT gtt/91a7f4 segment CASH qty 12", (1, 12), broker="groww"),
        Case("query", "GET OCO oco_a12bc3 segment FNO", "GET OCO oco_a12bc3?x=1 segment FNO", (1, 9), broker="groww"),
        Case("percent", "CANCEL SIP 25042400000049", "CANCEL SIP 2504%2F400000049", (1, 12), broker="codifi"),
        Case("dot-dot-in-a-body", "CANCEL BRACKET DRV-28131451 segment FNO", "CANCEL BRACKET .. segment FNO", (1, 16), broker="indstocks"),
        Y(
            "yaml-space",
            "orders:\n  - {kind: GTT, action: CANCEL, id: gtt_91a7f4, segment: CASH}\n",
            'orders:\n  - {kind: GTT, action: CANCEL, id: "gtt 91a7f4", segment: CASH}\n',
            (2, 37),
        ),
        Y(
            "yaml-blank",  # (a control character, even escaped, is hidden-text's: test_characters.py)
            "orders:\n  - {kind: GTT, action: GET, id: gtt_91a7f4, segment: CASH}\n",
            'orders:\n  - {kind: GTT, action: GET, id: "gtt 91a7f4", segment: CASH}\n',
            (2, 34),
        ),
    ],
    "disclosed-quantity": [
        Case("thirty-percent", DHAN_GTT + " disclosed 4", DHAN_GTT + " disclosed 3", (1, 82), broker="dhan"),
        Case("more-than-the-quantity", DHAN_GTT + " disclosed 10", DHAN_GTT + " disclosed 11", (1, 82), broker="dhan"),
        Case("modify", DHAN_MODIFY + " disclosed 4", DHAN_MODIFY + " disclosed 3", (1, 67), broker="dhan"),
    ],
    "sip-state": [
        Case("modify-needs-state", "MODIFY SIP 100 installments 6", "MODIFY SIP 100 installments 6", (1, 12), broker="codifi", state=ORDER_BOOK, fail_state=None),
        Case("not-in-the-book", "PAUSE SIP 100", "PAUSE SIP 300", (1, 11), broker="codifi", state=ORDER_BOOK),
        Case("pause-a-paused-sip", "PAUSE SIP 100", "PAUSE SIP 200", (1, 11), broker="codifi", state=ORDER_BOOK),
        Case("resume-an-active-sip", "RESUME SIP 200", "RESUME SIP 100", (1, 12), broker="codifi", state=ORDER_BOOK),
    ],
    "last-price": [
        Case("gtt-up", "GTT BUY 10 TCS trigger 4010 up limit 4012 product CNC", "GTT BUY 10 TCS trigger 3990 up limit 3992 product CNC", (1, 24), quotes={"TCS": "4000"}),
        Case("gtt-down", "GTT BUY 10 TCS trigger 3990 down limit 3992 product CNC", "GTT BUY 10 TCS trigger 4010 down limit 4012 product CNC", (1, 24), quotes={"TCS": "4000"}),
        Case("oco-target", OCO.replace("120.5", "130"), OCO.replace("120.5", "115"), (1, 38), quotes={"NIFTY25OCT24000CE": "120"}),
        Case(
            "bracket-trigger",
            "BRACKET BUY 75 NIFTY25OCT24000CE trigger 38.5 limit 38.75 product NRML",
            "BRACKET BUY 75 NIFTY25OCT24000CE trigger 37.5 limit 37.75 product NRML",
            (1, 42),
            quotes={"NIFTY25OCT24000CE": "38"},
        ),
    ],
    "unused-suppression": [
        Case(
            "silences-nothing",
            GTT.replace("3985", "3985.03") + "   # ordspec: ignore[tick-size]",
            GTT + "   # ordspec: ignore[lot-size]",
            (1, 77),
        ),
        Case(
            "cannot-be-suppressed",  # (one that names no rule is a usage error: tests/test_config_input.py)
            GTT.replace("3985", "3985.03") + "   # ordspec: ignore[OS202]",
            GTT.replace("3985", "3985.03") + "   # ordspec: ignore[OS202, bad-value]",
            (1, 87),
        ),
        Y(
            "yaml",
            "orders:\n  - " + GTT.replace("3985", "3985.03") + "   # ordspec: ignore[tick-size]\n",
            "orders:\n  - " + GTT + "   # ordspec: ignore[tick-size]\n",
            (2, 81),
        ),
    ],
    "notes-length": [
        Case(
            "257",
            'SMALLCASE BUY SCET_0010 notes "' + "x" * 256 + '"',
            'SMALLCASE BUY SCET_0010 notes "' + "x" * 257 + '"',
            (1, 31),
            broker="smallcase",
        ),
        Case(
            "escaped-quotes-count-once",
            'SMALLCASE BUY SCET_0010 notes "' + '\\"' * 256 + '"',
            'SMALLCASE BUY SCET_0010 notes "' + '\\"' * 257 + '"',
            (1, 31),
            broker="smallcase",
        ),
        Case(
            "characters-not-bytes",
            'SMALLCASE BUY SCET_0010 notes "' + "é" * 256 + '"',
            'SMALLCASE BUY SCET_0010 notes "' + "é" * 257 + '"',
            (1, 31),
            broker="smallcase",
        ),
        Y(
            "yaml",
            "orders:\n  - {kind: SMALLCASE, type: BUY, scid: SCET_0010, notes: " + "y" * 256 + "}\n",
            "orders:\n  - {kind: SMALLCASE, type: BUY, scid: SCET_0010, notes: " + "y" * 257 + "}\n",
            (2, 58),
            broker="smallcase",
        ),
    ],
}

# ---------------------------------------------------------------- Kite (--broker kite)
# The Kite GTT docs' single GTT (INFY, trigger 702, limit 702.5, last price 798) and two-leg GTT
# (pykiteconnect's example, SBIN 470 / 480 at 473); KITE_STATE is the GET answer of the first.
KITE_GTT = "GTT BUY 1 INFY trigger 702 down limit 702.5 product CNC"
KITE_OCO = "OCO SELL 1 SBIN target 480 limit 480 sl 470 limit 470 product CNC"
KITE_QUOTES = {"INFY": "798", "SBIN": "473", "YESBANK": "40", "WIPRO": "800"}


def kite_state(trigger="702.0", status="active", kind="single", last="798.0") -> str:
    return (
        '{"status": "success", "data": {"id": 123, "type": "%s", "status": "%s", "created_at": "2025-09-30 10:00:00",'
        ' "condition": {"exchange": "NSE", "tradingsymbol": "INFY", "trigger_values": [%s], "last_price": %s},'
        ' "orders": [{"exchange": "NSE", "tradingsymbol": "INFY", "transaction_type": "BUY", "quantity": 1,'
        ' "order_type": "LIMIT", "product": "CNC", "price": 702.5}]}}' % (kind, status, trigger, last)
    )


KITE_STATE = kite_state()


def K(id, passing, failing, at, **kw) -> Case:
    """A Kite case: --broker kite, the documents' last prices as --quotes."""
    return Case(id, passing, failing, at, broker="kite", quotes=KITE_QUOTES, **kw)


CASES["trigger-distance"] = [
    K("single", KITE_GTT, KITE_GTT.replace("702 down limit 702.5", "797 down limit 797.5"), (1, 24)),
    K("two-leg-stop-loss", KITE_OCO, KITE_OCO.replace("sl 470 limit 470", "sl 472 limit 472"), (1, 41)),
    K(  # 0.25% of 800 is 2: a trigger exactly 2 away is not "less than 0.25%" away
        "exactly-a-quarter-percent-passes",
        "GTT BUY 1 WIPRO trigger 798 down limit 798.5 product CNC",
        "GTT BUY 1 WIPRO trigger 798.05 down limit 798.5 product CNC",
        (1, 25),
    ),
    K("below-fifty-nine-paise", "GTT BUY 1 YESBANK trigger 39.91 down limit 39.92 product CNC",
      "GTT BUY 1 YESBANK trigger 39.92 down limit 39.92 product CNC", (1, 27)),
    K("modify-keeps-a-trigger-now-too-near", "MODIFY GTT 123 qty 2", "MODIFY GTT 123 qty 2", (1, 12),
      state=KITE_STATE, fail_state=kite_state(trigger="797.0")),
]
CASES["gtt-count"] = [
    K("file-of-251", "\n".join([KITE_GTT] * 250), "\n".join([KITE_GTT] * 251), (251, 1)),
    K("modifies-do-not-count", "\n".join([KITE_GTT] * 250 + ["MODIFY GTT 123 qty 2"]), "\n".join([KITE_GTT] * 250 + [KITE_OCO]), (251, 1),
      state=KITE_STATE),
]
CASES["unsupported"] += [
    K("kite-market", KITE_GTT, KITE_GTT.replace("limit 702.5", "market"), (1, 33)),
    K("kite-oco-market-target", KITE_OCO, KITE_OCO.replace("target 480 limit 480", "target 480"), (1, 17)),
    K("kite-cash-product", KITE_GTT, KITE_GTT.replace("CNC", "MIS"), (1, 53)),
    K("kite-direction", KITE_GTT.replace("702 down limit 702.5", "850 up limit 850.5"), KITE_GTT.replace("702 down limit 702.5", "850 down limit 850.5"), (1, 28)),
    K("kite-bracket", KITE_GTT, BRACKET, (1, 1)),
    K("kite-id", "CANCEL GTT 123", "CANCEL GTT gtt_91a7f4", (1, 12)),
    K("kite-position", KITE_OCO, KITE_OCO + " position 1", (1, 76)),
    K("kite-gtt-legs", KITE_GTT, KITE_GTT + " target 820 limit 821", (1, 57)),
    K("kite-modify-gtt-legs", "MODIFY GTT 123 qty 2", "MODIFY GTT 123 qty 2 sl 690", (1, 22), state=KITE_STATE),
    K("kite-security", KITE_GTT, KITE_GTT + " security 1594", (1, 66)),
    K("kite-modify-kind", "MODIFY GTT 123 qty 2", "MODIFY OCO 123 qty 2", (1, 8), state=KITE_STATE),
    K("kite-modify-not-active", "MODIFY GTT 123 qty 2", "MODIFY GTT 123 qty 2", (1, 12), state=KITE_STATE, fail_state=kite_state(status="triggered")),
    K("kite-modify-flips-direction", "MODIFY GTT 123 trigger 850 up limit 850.5", "MODIFY GTT 123 trigger 850 limit 850.5", (1, 24), state=KITE_STATE),
]
CASES["missing-field"] += [
    K("kite-last-price", KITE_GTT, KITE_GTT.replace("INFY trigger 702 down limit 702.5", "TCS trigger 3900 down limit 3900.5"), (1, 11)),
    K("kite-modify-needs-state", "MODIFY GTT 123 qty 2", "MODIFY GTT 123 qty 2", (1, 12), state=KITE_STATE, fail_state=None),
    K("kite-modify-unknown-id", "MODIFY GTT 123 qty 2", "MODIFY GTT 124 qty 2", (1, 12), state=KITE_STATE),
]
CASES["not-modifiable"] += [
    K("kite-product", "MODIFY GTT 123 qty 2", "MODIFY GTT 123 qty 2 product NRML", (1, 30), state=KITE_STATE),
]
CASES["last-price"] += [
    K("kite-two-leg-one-side", KITE_OCO, KITE_OCO.replace("sl 470 limit 470", "sl 478 limit 478"), (1, 41)),
]

RULE_CASES = [(rule, case) for rule, cases in CASES.items() for case in cases]


# -- running a case


def _write_master(rows, path: Path) -> str:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(GROWW_COLUMNS)
        for r in rows:
            writer.writerow([r[c] for c in GROWW_COLUMNS] if isinstance(r, dict) else r)
    return str(path)


def run_case(case: Case, failing: bool, tmp_path: Path):
    """The diagnostics of one side of a case, and the name the instrument CSV was given."""
    files, options = case_inputs(case, failing, tmp_path)
    run = Run(**options)
    for name, body in files.items():
        source = run.read(name, name, body if isinstance(body, bytes) else body.encode())
        if source is not None:
            run.check(source)
    return run.finish(), options["instruments"], list(files)


def case_inputs(case: Case, failing: bool, tmp_path: Path) -> tuple[dict, dict]:
    """One side of a case: {file name: text}, and the options of its Run (side files written to tmp_path)."""
    text = case.failing if failing else case.passing
    broker = case.broker if not failing or case.fail_broker == SAME else case.fail_broker
    as_of = case.fail_as_of if failing and case.fail_as_of else case.as_of
    instruments = None
    if case.instruments is not None:
        rows = case.instruments[1 if failing else 0]
        if rows is not None:
            instruments = _write_master(rows, tmp_path / f"instruments-{'fail' if failing else 'pass'}.csv")
    files = text if isinstance(text, dict) else {case.name: text}
    quotes = state = None
    if case.quotes is not None:
        quotes = tmp_path / "quotes.csv"
        quotes.write_text("symbol,last_price\n" + "".join(f"{k},{v}\n" for k, v in case.quotes.items()))
    book = case.state if not failing or case.fail_state == SAME else case.fail_state
    if book is not None:
        state = tmp_path / "orderbook.json"
        state.write_text(book)
    options = dict(broker=broker, as_of=as_of, instruments=instruments, quotes=quotes and str(quotes), state=state and str(state))
    if case.plan:
        options["config"] = plan_config()
    return files, options


def plan_config():
    """The configuration of `ordspec lint --plan` (and of `plan = true`)."""
    from ordspec.config import Config

    config = Config()
    config.command_line(plan=True)
    return config


def _params(select=lambda case: True, failing: bool = True):
    """Parameters for the cases; Case.xfail marks the failing side."""
    out = []
    for rule, case in RULE_CASES:
        if not select(case):
            continue
        marks = []
        if case.xfail and failing:
            marks.append(pytest.mark.xfail(strict=True, reason=case.xfail))
        out.append(pytest.param(rule, case, id=f"{rule}-{case.id}", marks=marks))
    return out


def show(diagnostics) -> list[str]:
    return [f"{d.file}:{d.line}:{d.column} {d.severity} {d.name}: {d.message}" for d in diagnostics]


def check_pass(rule: str, case: Case, tmp_path: Path) -> None:
    diagnostics, _, _ = run_case(case, False, tmp_path)
    assert diagnostics == [], show(diagnostics)


def check_fail(rule: str, case: Case, tmp_path: Path) -> None:
    diagnostics, instruments, files = run_case(case, True, tmp_path)
    assert {d.name for d in diagnostics} == {rule}, show(diagnostics)
    first = diagnostics[0]
    rule_obj = registry.get(rule)
    assert (first.code, first.severity) == (rule_obj.code, rule_obj.severity)
    assert (first.line, first.column) == case.at, show(diagnostics)
    expected_file = instruments if case.at_file == "instruments" else (case.at_file or files[-1])
    assert first.file == expected_file, show(diagnostics)
    assert first.message


@pytest.mark.parametrize("rule, case", _params(failing=False))
def test_passing_case_is_clean(rule, case, tmp_path):
    check_pass(rule, case, tmp_path)


@pytest.mark.parametrize("rule, case", _params())
def test_failing_case_fails_for_exactly_its_rule(rule, case, tmp_path):
    check_fail(rule, case, tmp_path)


# -- the table covers every rule


DISPATCH_RULES = {r.name for r in registry.all_rules() if r.scope == "dispatch"}  # need credentials: tested below
PRICE_RULES = {"price-data", "no-prices"}  # read by `ordspec simulate` from --prices: tests/test_simulate_prices.py


def test_every_registered_rule_has_cases():
    registered = {r.name for r in registry.all_rules()}
    assert "internal-error" in registered
    assert set(CASES) == registered - {"internal-error"} - DISPATCH_RULES - PRICE_RULES
    assert all(CASES[name] for name in CASES)


def test_the_spine_rule_names_exist():
    """DESIGN.md: rule names that must exist."""
    required = {
        "syntax", "reference-id", "lot-size", "tick-size", "freeze-quantity", "price-precision", "leg-order",
        "oco-quantity", "oco-direction", "missing-price", "unexpected-price", "not-modifiable", "unsupported",
        "list-window", "page-range", "notes-length", "duplicate-reference", "date-order",
    }
    assert required <= {r.name for r in registry.all_rules()}


def test_case_ids_are_unique_per_rule():
    for rule, cases in CASES.items():
        ids = [c.id for c in cases]
        assert len(ids) == len(set(ids)), rule


# -- internal-error: a rule that raises


def test_internal_error_reports_the_statement_and_the_run_goes_on(monkeypatch):
    def broken(stmt, ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(registry.get("lot-size"), "check", broken)
    text = (
        GTT.replace("3985", "3985.03") + "\n"  # tick-size still reported on the same statement
        + OCO.replace("SELL 75", "SELL 50") + " product MIS\n"  # lot-size would have fired here
    )
    diagnostics = lint_text(text)  # no exception escapes
    got = [(d.line, d.column, d.code, d.name, d.severity) for d in diagnostics]
    assert got == [
        (1, 1, "OS999", "internal-error", "error"),
        (1, 24, "OS202", "tick-size", "error"),
        (2, 1, "OS999", "internal-error", "error"),
    ], show(diagnostics)
    assert "lot-size" in diagnostics[0].message and "RuntimeError" in diagnostics[0].message and "boom" in diagnostics[0].message
    assert diagnostics[0].help


def test_a_rule_that_fails_half_way_takes_back_what_it_said(monkeypatch):
    rule = registry.get("tick-size")
    check = rule.check

    def half(stmt, ctx):
        check(stmt, ctx)  # reports the tick size
        raise RuntimeError("boom")

    monkeypatch.setattr(rule, "check", half)
    # lot-size and tick-size both fire on this statement; only tick-size's report is taken back
    diagnostics = lint_text(OCO.replace("SELL 75", "SELL 50").replace("120.5", "120.53") + " product MIS\n")
    assert sorted(d.name for d in diagnostics) == ["internal-error", "lot-size"], show(diagnostics)


def test_internal_error_fails_the_statement_so_nothing_compiles(monkeypatch):
    def broken(stmt, ctx):
        raise ValueError("bad")

    monkeypatch.setattr(registry.get("leg-order"), "check", broken)
    requests, diagnostics = compile_text(GTT)
    assert requests is None
    assert names(diagnostics) == ["internal-error"]
    assert (diagnostics[0].line, diagnostics[0].column, diagnostics[0].end_column) == (1, 1, len(GTT) + 1)


def test_without_the_broken_rule_the_same_text_is_clean():
    assert lint_text(GTT) == []
    requests, diagnostics = compile_text(GTT)
    assert diagnostics == [] and requests is not None and len(requests) == 1


# -- a broker's own rule never fires without --broker


@pytest.mark.parametrize("rule", sorted(r.name for r in registry.all_rules() if r.needs and r.scope != "dispatch"))
def test_broker_rules_are_quiet_without_a_broker(rule):
    cases = [c for c in CASES[rule] if c.broker is not None and c.name.endswith(".ord") and isinstance(c.failing, str)]
    assert cases, rule
    for case in cases:
        assert rule not in names(lint_text(case.failing, broker=None, as_of=case.as_of)), case.id


# -- the docs


SECTIONS = ("What", "Why", "Example", "Source")
STATEMENT_WORDS = {
    "gtt", "oco", "bracket", "sip", "smallcase", "modify", "cancel", "get", "list", "pause", "resume", "default", "broker",
}
EXAMPLE_IS_PROSE = {"encoding", "hidden-text", "unsafe-yaml", "instrument-data", "internal-error", "price-data", "no-prices", "gtt-count"}  # covered by the table instead
EXAMPLE_CANNOT_FIRE: dict[str, str] = {}
PLACEHOLDER = re.compile(r"\.\.\.(\d+) characters\.\.\.")  # docs write "...300 characters..." for readability


def example_statements(rule) -> tuple[list[str], list[str]]:
    """The statement lines an Example starts with, and the comment lines after them."""
    lines = rule.sections()["Example"].splitlines()
    statements = []
    for line in lines:
        word = line.split(maxsplit=1)[0].lower() if line.strip() else ""
        if word not in STATEMENT_WORDS:
            break
        statements.append(line)
    comments = [line for line in lines[len(statements) :] if line.lstrip().startswith("#")]
    return statements, comments + [s for s in statements if "#" in s]


@pytest.mark.parametrize("rule", registry.all_rules(), ids=lambda r: r.name)
def test_rule_docs_have_every_section(rule):
    sections = rule.sections()
    for name in SECTIONS:
        assert sections.get(name, "").strip(), f"{rule.name}: no {name}"
    assert rule.code and rule.summary
    assert rule.severity in ("error", "warning", "info")


def test_which_examples_are_prose():
    prose = {r.name for r in registry.all_rules() if not example_statements(r)[0]}
    assert prose == EXAMPLE_IS_PROSE


def _example_params():
    out = []
    for rule in registry.all_rules():
        if not example_statements(rule)[0] or rule.scope == "dispatch":  # (connected-user: tested through dispatch)
            continue
        marks = []
        if rule.name in EXAMPLE_CANNOT_FIRE:
            marks.append(pytest.mark.xfail(strict=True, reason=EXAMPLE_CANNOT_FIRE[rule.name]))
        out.append(pytest.param(rule, id=rule.name, marks=marks))
    return out


@pytest.mark.parametrize("rule", _example_params())
def test_rule_example_fires(rule, tmp_path):
    statements, comments = example_statements(rule)
    text = PLACEHOLDER.sub(lambda m: "x" * int(m.group(1)), "\n".join(statements))
    notes = "\n".join(comments)
    as_of = re.search(r"as[- ]of (\d{4}-\d{2}-\d{2})", notes)
    as_of = date.fromisoformat(as_of.group(1)) if as_of else DOC_DAY
    body = rule.sections()["Example"]
    named = re.search(r"--broker (\w+)", body)
    broker = named.group(1) if named else (None if not rule.needs else rule.brokers(compiler.brokers())[0])
    quoted = re.search(r"--quotes[^\n]*?(\S+) at ([0-9.]+)", body)
    quotes = None
    if quoted:
        quotes = tmp_path / "quotes.csv"
        quotes.write_text(f"symbol,last_price\n{quoted.group(1)},{quoted.group(2)}\n")
    run = Run(broker=broker, as_of=as_of, quotes=quotes and str(quotes), config=plan_config() if "--plan" in body else None)
    source = run.read("example.ord", "example.ord", text.encode())
    run.check(source)
    diagnostics = run.finish()
    fired = [d for d in diagnostics if d.name == rule.name]
    assert fired, show(diagnostics)
    said = re.search(r"\b(error|warning|info)\b", notes)
    if said:
        assert fired[0].severity == said.group(1)


# -- documented behaviour around the table's rules


def test_groww_needs_a_segment_ordspec_cannot_infer():
    text = "GTT BUY 75 TITAN25XYZ24000CE trigger 100 up market product NRML"
    diagnostics = lint_text(text, broker="groww")
    assert [(d.name, d.line, d.column) for d in diagnostics if d.severity == "error"] == [("missing-field", 1, 12)]
    requests, _ = compile_text(text)  # must not raise
    assert requests is None


def test_derived_reference_ids_always_fit_groww():
    """reference-id docs: an order without `ref` gets a derived id (os- and 16 letters and digits), which always fits."""
    text = "\n".join([GTT, GTT, OCO + " product MIS", "GTT SELL 10 TCS trigger 4100 up market product CNC"])
    requests, diagnostics = compile_text(text)
    assert diagnostics == [] and requests is not None
    ids = [r.as_dict()["body"]["reference_id"] for r in requests]
    assert len(set(ids)) == len(ids) == 4
    for ref in ids:
        assert re.fullmatch(r"os-[A-Za-z0-9]{16}", ref), ref
        assert lint_text(f"{GTT} ref {ref}", broker="groww") == []


def test_instrument_data_reports_the_first_twenty_rows(tmp_path):
    """instrument-data docs: the row is skipped; the first twenty are reported at their CSV line."""
    bad = [changed(NIFTY_OPT_ROW, trading_symbol=f"NIFTY25OCT{24000 + 50 * i}CE", lot_size="x") for i in range(23)]
    path = _write_master([TCS_ROW] + bad, tmp_path / "master.csv")
    diagnostics = lint_text(GTT, instruments=path)
    assert {d.name for d in diagnostics} == {"instrument-data"}
    assert all(d.severity == "warning" and d.file == path for d in diagnostics)
    assert [d.line for d in diagnostics] == list(range(3, 23)) + [23]
    assert "3 more rows" in diagnostics[-1].message


def test_instrument_data_skips_the_row(tmp_path):
    """A skipped row is not used: its lot 7 would make quantity 75 fail lot-size; the symbol is then not in the master."""
    path = _write_master([TCS_ROW, changed(NIFTY_OPT_ROW, lot_size="7", tick_size="x")], tmp_path / "m.csv")
    diagnostics = lint_text(OCO, instruments=path)
    assert [(d.name, d.line) for d in diagnostics] == [("instrument-data", 3), ("unknown-symbol", 1)]


def test_internal_error_in_a_run_rule(monkeypatch):
    def broken(ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(registry.get("duplicate-reference"), "check", broken)
    diagnostics = lint_text(GTT.replace("3985", "3985.03") + " ref tcs-dip-001")
    assert {d.name for d in diagnostics} == {"internal-error", "tick-size"}


def test_connected_user_is_checked_before_anything_is_sent(tmp_path):
    """connected-user (scope dispatch): a guest JWT may BUY only; `dispatch --dry-run` checks it and sends nothing."""
    import base64

    from tests.conftest import run_cli

    def jwt(claims: dict) -> str:
        body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        return f"header.{body}.signature"

    orders = tmp_path / "sc.ord"
    orders.write_text("broker smallcase\nSMALLCASE BUY SCET_0010\n")
    env = {"ORDSPEC_TOKEN": jwt({"guest": True}), "ORDSPEC_SMALLCASE_SECRET": "secret"}
    base = ["dispatch", orders, "--dry-run", "--gateway", "g", "--base-url", "http://127.0.0.1:9", "--journal", tmp_path / "j.sqlite"]
    assert run_cli(*base, env=env).returncode == 0
    orders.write_text("broker smallcase\nSMALLCASE INVESTMORE SCET_0010\n")
    done = run_cli(*base, env=env)
    assert done.returncode == 1
    assert b"2:11: error OS312 connected-user" in done.stderr
    assert run_cli(*base, env={**env, "ORDSPEC_TOKEN": jwt({"guest": False})}).returncode == 0
