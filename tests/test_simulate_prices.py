"""Price files: what reads (ticks, candles, offsets, quotes) and what is a `price-data` diagnostic at
file:line:column; orders the file has no prices for (`no-prices`); never a traceback, on any bytes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ordspec.rules import codes
from ordspec.simulate.engine import IST, Candle, Point
from ordspec.simulate.prices import read
from tests.conftest import examples, run_cli

GOOD_TICKS = "time,symbol,price\n2025-10-01T09:15:00,TCS,3990.50\n2025-10-01T09:16:00,TCS,3984\n"
GOOD_CANDLES = "time,symbol,open,high,low,close,volume\n2025-10-01T09:15:00+05:30,TCS,3990,3995,3980,3984.5,1200\n"


def problems(text: str):
    path, found = read("p.csv", text.encode())
    assert (path is None) == bool(found)
    return [(d.name, d.line, d.column, d.message) for d in found]


def test_ticks_read_as_decimals_in_india_time():
    path, found = read("p.csv", GOOD_TICKS.encode())
    assert found == [] and path.kind == "ticks"
    assert path.rows == [
        Point(datetime(2025, 10, 1, 9, 15, tzinfo=IST), "TCS", Decimal("3990.50"), "p.csv:2"),
        Point(datetime(2025, 10, 1, 9, 16, tzinfo=IST), "TCS", Decimal("3984"), "p.csv:3"),
    ]
    assert str(path.rows[0].price) == "3990.50"  # as written: never through a float


def test_candles_and_offsets():
    path, found = read("p.csv", (GOOD_CANDLES + "2025-10-01T03:50:00Z,TCS,3984,3986,3970,3971,900\n").encode())
    assert found == [] and path.kind == "candles"
    assert path.rows[1] == Candle(datetime(2025, 10, 1, 9, 20, tzinfo=IST), "TCS", Decimal(3984), Decimal(3986), Decimal(3970), Decimal(3971), "p.csv:3")


def test_quoted_fields_a_bom_crlf_and_blank_lines():
    text = '\ufefftime,symbol,price\r\n"2025-10-01T09:15:00","TCS","3990.50"\r\n\r\n'
    path, found = read("p.csv", text.encode())
    assert found == [] and path.rows[0].price == Decimal("3990.50")


# One passing and one failing file per problem: (failing text, line, column, words of the message).
FAILING = {
    "unknown-column": ("time,symbol,last\n2025-10-01T09:15:00,TCS,1\n", 1, 13, "unknown column `last`"),
    "missing-column": ("time,symbol,open,high,low\n", 1, 1, "the header lacks close"),
    "ticks-and-candles": ("time,symbol,price,open,high,low,close\n", 1, 1, "not both"),
    "column-count": (GOOD_TICKS + "2025-10-01T09:17:00,TCS\n", 4, 1, "2 columns where the header has 3"),
    "bad-time": (GOOD_TICKS + "16/01/2025 09:17,TCS,3984\n", 4, 1, "is not a time"),
    "bad-date": (GOOD_TICKS + "2025-02-30T09:17:00,TCS,3984\n", 4, 1, "not a valid ISO 8601 time"),
    "exponent": (GOOD_TICKS + "2025-10-01T09:17:00,TCS,3.9e3\n", 4, 25, "not a plain decimal price"),
    "float-text": (GOOD_TICKS + "2025-10-01T09:17:00,TCS,nan\n", 4, 25, "is not a price"),
    "zero": (GOOD_TICKS + "2025-10-01T09:17:00,TCS,0\n", 4, 25, "not above zero"),
    "negative": (GOOD_TICKS + "2025-10-01T09:17:00,TCS,-5\n", 4, 25, "below zero"),
    "out-of-order": (GOOD_TICKS + "2025-10-01T09:14:00,TCS,3984\n", 4, 1, "earlier than its row on line 3"),
    "same-candle-twice": (GOOD_CANDLES + "2025-10-01T09:15:00,TCS,3990,3995,3980,3984.5,1\n", 3, 1, "the same time as"),
    "candle-shape": ("time,symbol,open,high,low,close\n2025-10-01T09:15:00,TCS,3990,3985,3980,3984\n", 2, 1, "must enclose"),
    "volume": ("time,symbol,open,high,low,close,volume\n2025-10-01T09:15:00,TCS,3990,3995,3980,3984,lots\n", 2, 45, "volume `lots`"),
    "symbol": (GOOD_TICKS + "2025-10-01T09:17:00,TCS\u00a0,3984\n", 4, 21, "is not a symbol"),
    "quote": (GOOD_TICKS + '2025-10-01T09:17:00,"TCS,3984\n', 4, 21, "double quote"),
    "empty": ("", 1, 1, "no header"),
    "no-rows": ("time,symbol,price\n", 1, 1, "no prices"),
    "not-utf8": ("time,symbol,price\n2025-10-01T09:15:00,TCS\xe9,1\n", 2, 1, "not UTF-8"),
}


@pytest.mark.parametrize("case", sorted(FAILING))
def test_price_data_fails_at_the_row(case):
    text, line, column, words = FAILING[case]
    data = text.encode("latin-1") if case == "not-utf8" else text.encode()
    path, found = read("p.csv", data)
    assert path is None and found, case
    first = codes.diagnostics(found)[0]  # (the reader reports by rule name; its code and severity are codes.py's)
    assert (first.name, first.code, first.severity) == ("price-data", "OS020", "error")
    assert (first.line, first.column) == (line, column), (first.line, first.column, first.message)
    assert words in first.message, first.message


def test_price_data_passes_the_good_files():
    assert problems(GOOD_TICKS) == [] and problems(GOOD_CANDLES) == []


def test_many_bad_rows_report_twenty_and_count_the_rest():
    text = "time,symbol,price\n" + "".join(f"2025-10-01T09:{i:02d}:00,TCS,x\n" for i in range(30))
    found = problems(text)
    assert len(found) == 21 and found[-1][3] == "10 more rows cannot be read"


def test_through_the_command_bad_prices_are_diagnostics_not_tracebacks(tmp_path):
    (tmp_path / "orders.ord").write_text("broker groww\nGTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\n")
    (tmp_path / "prices.csv").write_text(FAILING["out-of-order"][0])
    r = run_cli("simulate", "orders.ord", "--prices", "prices.csv", cwd=tmp_path)
    err = r.stderr.decode()
    assert r.returncode == 1 and r.stdout == b""
    assert "prices.csv:4:1: error OS020 price-data TCS at 2025-10-01T09:14:00+05:30 is earlier than its row on line 3" in err
    assert " 4 | 2025-10-01T09:14:00,TCS,3984" in err and "Traceback" not in err


def test_no_prices_for_an_order_symbol(tmp_path):
    (tmp_path / "orders.ord").write_text("broker groww\nGTT BUY 10 INFY trigger 1450 down limit 1452 product CNC\n")
    (tmp_path / "prices.csv").write_text(GOOD_TICKS)
    r = run_cli("simulate", "orders.ord", "--prices", "prices.csv", cwd=tmp_path)
    err = r.stderr.decode()
    assert r.returncode == 1 and "orders.ord:2:12: error OS021 no-prices the price file has no rows for INFY" in err
    assert "prices.csv has prices for TCS" in err
    (tmp_path / "orders.ord").write_text("broker groww\nGTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\n")
    assert run_cli("simulate", "orders.ord", "--prices", "prices.csv", cwd=tmp_path).returncode == 0


def test_every_scrip_of_a_sip_needs_prices(tmp_path):
    (tmp_path / "orders.ord").write_text(
        "broker codifi\nSIP BUY 5 TCS token 11536 plus 2 HDFCBANK-EQ token 1333 weekly start 2025-10-01 installments 2 name core product CNC registered 2025-09-01\n"
    )
    (tmp_path / "prices.csv").write_text(GOOD_TICKS)
    r = run_cli("simulate", "orders.ord", "--prices", "prices.csv", cwd=tmp_path)
    assert r.returncode == 1 and b"no rows for HDFCBANK-EQ" in r.stderr


def _mutate(data: bytes, edits) -> bytes:
    out = bytearray(data)
    for where, what, byte in edits:
        i = where % (len(out) + 1)
        if what == 0 and out:
            del out[min(i, len(out) - 1)]
        elif what == 1:
            out.insert(i, byte)
        elif out:
            out[min(i, len(out) - 1)] = byte
    return bytes(out)


SEED = (GOOD_CANDLES + "2025-10-01T09:20:00,TCS,3984,3986,3970,3971,900\n").encode()
INTERESTING = st.sampled_from(list(b',"\n\r.-+e0123456789:TZ ') + [0, 0xE9, 0xFF, 0xC3])


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 2), INTERESTING | st.integers(0, 255)), min_size=1, max_size=6),
       st.sampled_from([SEED, GOOD_TICKS.encode()]))
def test_mutated_price_files_never_raise(edits, seed):
    data = _mutate(seed, edits)
    path, found = read("m.csv", data)
    lines = data.count(b"\n") + 1
    assert (path is None) == bool(found)
    for d in found:
        assert d.name == "price-data" and 1 <= d.line <= lines and d.column >= 1 and d.message
    if path is not None:
        for row in path.rows:
            values = [row.price] if isinstance(row, Point) else [row.open, row.high, row.low, row.close]
            assert all(isinstance(v, Decimal) and v > 0 for v in values) and row.time.tzinfo is not None
        times = [r.time for r in path.rows]
        assert times == sorted(times)
