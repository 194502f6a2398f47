"""Side inputs never end in a traceback (issue 8): --state, --quotes, --instruments, --base-url.

Each bad file is exit 2 with a message naming the file and its problem (a usage error), or a
diagnostic at the row it skips (`instrument-data`); the policy is refdata/readers.py's and
state.py's. Then, as tests/test_properties.py does for order files, generated and mutated files
must only ever give a clean result, diagnostics or a UsageError: never another exception, never
an `internal-error`, never a request that fails its schema.
"""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ordspec.pipeline.compile import compile_sources
from ordspec.dispatch.address import base_url
from ordspec.dispatch.journal import normal_url
from ordspec.pipeline import UsageError
from ordspec.pipeline.run import Run
from ordspec.refdata.instruments import GROWW_COLUMNS, INDSTOCKS_COLUMNS, RefData
from ordspec.state import State, StateError
from tests.conftest import DOC_DAY, examples, run_cli

BOOK = json.loads((Path(__file__).parent / "golden" / "codifi" / "state" / "orderbook-doc.json").read_text())
SIP_DAY = date(2025, 5, 19)
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
GTT = "GTT BUY 75 NIFTY25OCT24000CE trigger 100.05 down limit 100.10 product NRML"
SHARE = "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC"


def run(text: str, *, broker="groww", as_of=DOC_DAY, **side):
    """(requests or None, diagnostics) of `text` with the side inputs, as compile makes them."""
    r = Run(broker=broker, as_of=as_of, derive_keys=True, **side)
    r.load()
    source = r.read("t.ord", "t.ord", text.encode())
    return compile_sources(r, [(source, None)]), r.diagnostics


def clean_or_usage_error(text: str, **side) -> list:
    """The diagnostics, or [] after a UsageError; nothing else may be raised, no internal-error."""
    try:
        _, diagnostics = run(text, **side)
    except UsageError as e:
        assert str(e)
        return []
    assert [d for d in diagnostics if d.name == "internal-error"] == [], diagnostics
    return diagnostics


def skipped(diagnostics) -> list[tuple[int, str]]:
    return [(d.line, d.message) for d in diagnostics if d.name == "instrument-data"]


def no_traceback(done) -> str:
    err = done.stderr.decode()
    assert done.returncode == 2 and "Traceback" not in err and "internal-error" not in err and "internal error" not in err, err
    return err


# ----------------------------------------------------------------------------- --state


def write_json(path: Path, value) -> str:
    path.write_text(json.dumps(value, default=str))
    return str(path)


def without(entry: dict, dotted: str) -> dict:
    entry = json.loads(json.dumps(entry))
    where, _, name = dotted.rpartition(".")
    target = entry
    for part in where.split(".") if where else ():
        target = target[int(part)] if isinstance(target, list) else target[part]
    del target[name]
    return entry


REQUIRED = ["regDate", "startDate", "frequency", "endPeriod", "sipName", "scrips", "internal", "internal.orderNo",
            "internal.dueDate", "internal.execDate", "internal.active", "scrips.0.exchange", "scrips.0.tradingSymbol",
            "scrips.0.product", "scrips.0.token", "scrips.0.price"]


@pytest.mark.parametrize("field", REQUIRED)
def test_a_state_entry_missing_a_field_a_modify_needs_is_a_usage_error(tmp_path, field):
    path = write_json(tmp_path / "book.json", {"result": [without(BOOK["result"][0], field)]})
    with pytest.raises(StateError) as e:
        State.load(path)
    assert str(e.value).startswith(f"{path}: SIP #1 of the order book ")
    assert field.rpartition(".")[2] in str(e.value)


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"[[]]", "SIP #1 of the order book is a list, not an object"),
        (b"[1]", "SIP #1 of the order book is a number, not an object"),
        (b'{"result": {}}', "found an object without a `result` list"),
        (b'"book"', "found text"),
        (b'{"status": "Not_Ok", "emsg": "Session Expired"}', "found an object without a `result` list"),
        (b"{", "is not JSON"),
        (b"", "is not JSON"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
        (b'{"result": [NaN]}', "is not JSON: NaN is not a JSON number"),
        (b"[" * 100_000 + b"]" * 100_000, "nests too deep"),
        (b'[{"internal": []}]', "has an `internal` that is a list, not an object"),
    ],
)
def test_a_state_file_of_the_wrong_shape_is_a_usage_error(tmp_path, content, problem):
    path = tmp_path / "book.json"
    path.write_bytes(content)
    with pytest.raises(StateError, match=str(path)) as e:
        State.load(str(path))
    assert problem in str(e.value)


@pytest.mark.parametrize(
    "change, problem",
    [
        (("internal", "orderNo", 25042400000049), "internal.orderNo 25042400000049 is not an order number"),
        (("internal", "active", "maybe"), 'internal.active "maybe" is not "true" or "false"'),
        (("internal", "dueDate", "31-02-2025"), "internal.dueDate \"31-02-2025\" is not a date"),
        ((None, "regDate", 20250619), "regDate 20250619 is not a date"),
        ((None, "endPeriod", "0"), 'endPeriod "0" is not a number of installments'),
        ((None, "scrips", "TCS-EQ"), "has no `scrips` list"),
        ((None, "scrips", []), "has an empty `scrips` list"),
        (("scrips", "price", "-5"), 'scrip #1 price "-5" is not an amount above zero'),
        (("scrips", "price", True), "scrip #1 price true is not an amount above zero"),
        (("scrips", "price", "+2000"), 'scrip #1 price "+2000" is not an amount above zero'),
        (("scrips", "token", 11536), "scrip #1 token 11536 is not an instrument token"),
        (("scrips", "sipType", "both"), 'scrip #1 sipType "both" is not'),
        (("scrips", "sipType", "qty"), "scrip #1 qty null is not a quantity above zero"),
    ],
)
def test_a_state_entry_of_the_wrong_types_is_a_usage_error(tmp_path, change, problem):
    entry = json.loads(json.dumps(BOOK["result"][0]))
    part, name, value = change
    target = entry if part is None else entry[part][0] if part == "scrips" else entry[part]
    target[name] = value
    with pytest.raises(StateError, match="SIP #1 of the order book") as e:
        State.load(write_json(tmp_path / "book.json", [entry]))
    assert problem in str(e.value)


def test_a_state_with_one_order_number_twice_is_a_usage_error(tmp_path):
    path = write_json(tmp_path / "book.json", {"result": [BOOK["result"][0], BOOK["result"][0]]})
    with pytest.raises(StateError, match="SIP #2 of the order book repeats order number 25042400000049"):
        State.load(path)


def test_a_state_file_with_a_byte_order_mark_and_json_numbers_is_read(tmp_path):
    entry = json.loads(json.dumps(BOOK["result"][0]))
    entry["frequency"], entry["endPeriod"], entry["scrips"][0]["price"] = 3, 3, 2000.50
    path = tmp_path / "book.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"result": [entry]}).encode())
    requests, diagnostics = run("MODIFY SIP 25042400000049 installments 6", broker="codifi", as_of=SIP_DAY, state=str(path))
    assert diagnostics == []
    assert requests[0].body["scrips"][0]["price"] == "2000.5" and requests[0].body["frequency"] == "3"


@pytest.mark.parametrize("content", [b"[[]]", b'[{"internal": "x"}]', b"\xff", b'{"result": [{"internal": {"orderNo": "1"}}]}'])
def test_a_bad_state_through_the_command_is_exit_2_naming_the_file(tmp_path, content):
    (tmp_path / "o.ord").write_text("MODIFY SIP 25042400000049 installments 6\n")
    (tmp_path / "book.json").write_bytes(content)
    done = run_cli("compile", "o.ord", "--broker", "codifi", "--state", "book.json", "--as-of", "2025-05-19", cwd=tmp_path)
    assert "book.json" in no_traceback(done) and done.stdout == b""


def _json_values():
    leaves = st.none() | st.booleans() | st.integers(-10, 10**13) | st.text(max_size=12) | st.sampled_from(
        ["0", "1", "3", "2000", "-1", "19-06-2025", "19062025", "31-02-2025", "true", "false", "qty", "prc", "", "1e3"]
    )
    return st.recursive(leaves, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)


PLAUSIBLE = st.sampled_from(["0", "1", "2", "3", "10", "+3", "03", "2000", "2000.50", "+2000", "19-06-2025", "19062025", "01-01-2026", "true", "false",
                             "TRUE", "qty", "prc", "NSE", "CNC", "MIS", "11536", "TCS-EQ", None, True])


@st.composite
def mutated_books(draw):
    """The document's order book with a few fields dropped or replaced, by plausible values or any JSON."""
    book = json.loads(json.dumps(BOOK))
    if draw(st.booleans()):  # a SIP of two scrips
        scrip = book["result"][1]["scrips"][0]
        book["result"][1]["scrips"].append({**scrip, "tradingSymbol": "INFY-EQ", "token": "1594"})
    places = [book] + [part for entry in book["result"] for part in (entry, entry["internal"], *entry["scrips"])]
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.sampled_from(places))
        key = draw(st.sampled_from(sorted(where) or ["x"]))
        if draw(st.integers(0, 4)) == 0:
            where.pop(key, None)
        else:
            where[key] = draw(PLAUSIBLE if draw(st.booleans()) else _json_values())
    return book if draw(st.booleans()) else book.get("result", book)


STATE_STATEMENTS = [
    "MODIFY SIP {n} installments 6", "MODIFY SIP {n} qty 2", "MODIFY SIP {n} qty INR2500", "PAUSE SIP {n}", "RESUME SIP {n}",
    'MODIFY SIP {n} weekly name "x" start 2025-06-20', "MODIFY SIP {n} plus 3 INFY-EQ token 1594", "CANCEL SIP {n}",
]


@settings(max_examples=examples(300), **SETTINGS)
@given(mutated_books() | _json_values())
@example([{"internal": "x"}])
@example({"result": [{"internal": {"orderNo": "1"}, "scrips": "x"}]})
def test_generated_state_files_give_diagnostics_or_a_usage_error(tmp_path, book):
    path = write_json(tmp_path / "book.json", book)
    text = "\n".join(s.format(n=n) for s in STATE_STATEMENTS for n in ("25042400000049", "25042400000038")) + "\n"
    clean_or_usage_error(text, broker="codifi", as_of=SIP_DAY, state=path)


# ----------------------------------------------------------------------------- --quotes


def write_text(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("price", ["-4000", "0", "NaN", "inf", "four thousand", "1e999", "4,000", "\u20b94000", "1e3", "4000.123456789"])
def test_a_bad_last_price_is_a_skipped_row(tmp_path, price):
    quotes = write_text(tmp_path / "q.csv", f'symbol,last_price\nTCS,"{price}"\nINFY,1500\n')
    diagnostics = clean_or_usage_error(SHARE, quotes=quotes)
    [(line, message)] = skipped(diagnostics)
    assert line == 2 and message.startswith("row skipped: last_price")
    assert RefData(quotes=quotes).quotes == {"INFY": Decimal("1500")}


def test_a_symbol_quoted_twice_at_different_prices_has_no_quote(tmp_path):
    quotes = write_text(tmp_path / "q.csv", "symbol,last_price\nTCS,4000\nINFY,1500\nTCS,4010\nINFY,1500.00\n")
    data = RefData(quotes=quotes)
    assert data.quotes == {"INFY": Decimal("1500")}  # the same price twice is one quote
    assert data.master_problems == [(quotes, 4, "TCS is quoted again at 4010 (line 2 says 4000): neither price is used")]


@pytest.mark.parametrize(
    "content, problem",
    [
        ("symbol,price\nTCS,4000\n", "it needs the columns symbol and last_price"),
        ("symbol,last_price,last_price\nTCS,4000,4001\n", "the column last_price is named twice"),
        ("", "is empty"),
        ("\n\n", "is empty"),
    ],
)
def test_a_quotes_file_that_cannot_be_used_is_a_usage_error(tmp_path, content, problem):
    quotes = write_text(tmp_path / "q.csv", content)
    with pytest.raises(UsageError, match=problem):
        run(SHARE, quotes=quotes)


def test_a_quotes_file_that_is_not_utf8_through_the_command(tmp_path):
    (tmp_path / "o.ord").write_text(SHARE + "\n")
    (tmp_path / "q.csv").write_bytes(b"symbol,last_price\nTCS\xff,4000\n")
    done = run_cli("lint", "o.ord", "--quotes", "q.csv", "--as-of", "2025-10-01", cwd=tmp_path)
    assert "q.csv is not UTF-8 text" in no_traceback(done)


def _cells():
    return st.sampled_from(["TCS", "INFY", "NIFTY25OCT24000CE", "4000", "4000.05", "0", "-1", "NaN", "1e999", "", " ", '"', "x,y"]) | st.text(max_size=8)


@settings(max_examples=examples(200), **SETTINGS)
@given(st.lists(st.sampled_from(["symbol", "last_price", "SYMBOL", " last_price ", "ltp", ""]), min_size=0, max_size=4),
       st.lists(st.lists(_cells(), max_size=4), max_size=6))
def test_generated_quotes_files_give_diagnostics_or_a_usage_error(tmp_path, header, rows):
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    quotes = write_text(tmp_path / "q.csv", out.getvalue())
    clean_or_usage_error(SHARE + "\n" + GTT.replace("GTT BUY", "GTT SELL").replace("down", "up"), quotes=quotes)
    try:
        loaded = RefData(quotes=quotes).quotes
    except Exception as e:  # noqa: BLE001 - what it may raise is checked here
        assert type(e).__name__ == "MasterError", e
        return
    assert all(isinstance(v, Decimal) and v.is_finite() and v > 0 for v in loaded.values())


# ----------------------------------------------------------------------------- --instruments

GROWW_ROW = dict.fromkeys(GROWW_COLUMNS, "") | dict(
    exchange="NSE", exchange_token="35001", trading_symbol="NIFTY25OCT24000CE", instrument_type="CE", segment="FNO",
    underlying_symbol="NIFTY", expiry_date="2025-10-28", strike_price="24000", lot_size="75", tick_size="0.05", freeze_quantity="1801",
)
INDSTOCKS_ROW = dict(EXCH="NSE", SEGMENT="DERIVATIVE", SECURITY_ID="51011", TRADING_SYMBOL="NIFTY25OCT24000CE", LOT_UNITS="75",
                     EXPIRY_DATE="28-10-2025", STRIKE_PRICE="24000", OPTION_TYPE="CE", TICK_SIZE="0.05")
FORMATS = {"groww": (GROWW_COLUMNS, GROWW_ROW, "lot_size", "tick_size"), "indstocks": (INDSTOCKS_COLUMNS, INDSTOCKS_ROW, "LOT_UNITS", "TICK_SIZE")}


def write_master(path: Path, rows, columns) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns] if isinstance(row, dict) else row)
    return write_text(path, out.getvalue())


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "column, value, problem",
    [
        ("tick", "1e-30", "is below 0.0001, the smallest tick ordspec takes"),
        ("tick", "0.00001", "is below 0.0001, the smallest tick ordspec takes"),
        ("tick", "0", "is not above zero"),
        ("tick", "-0.05", "is not above zero"),
        ("tick", "NaN", "is not a plain decimal number"),
        ("tick", "inf", "is not a plain decimal number"),
        ("tick", "1e999", "is not a plain decimal number"),
        ("tick", "9" * 13, "is out of range"),
        ("lot", "-75", "is not above zero"),
        ("lot", "0", "is not above zero"),
        ("lot", "75.5", "is not a whole number"),
        ("lot", "1e2", "is not a plain decimal number"),
    ],
)
def test_a_bad_tick_or_lot_is_a_skipped_row_and_the_bundled_tables_apply(tmp_path, fmt, column, value, problem):
    columns, good, lot, tick = FORMATS[fmt]
    master = write_master(tmp_path / "m.csv", [good | {lot if column == "lot" else tick: value}], columns)
    started = time.perf_counter()
    diagnostics = clean_or_usage_error(GTT, instruments=master)
    assert time.perf_counter() - started < 20  # no hang on a tiny tick
    [(line, message)] = skipped(diagnostics)
    assert line == 2 and problem in message and message.startswith(f"row skipped: {lot if column == 'lot' else tick} ")
    assert RefData(master).lookup("NIFTY25OCT24000CE", None, DOC_DAY).origin == "symbol"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_smallest_tick_checks_any_price_without_rounding(tmp_path, fmt):
    columns, good, _, tick = FORMATS[fmt]
    master = write_master(tmp_path / "m.csv", [good | {tick: "0.0001"}], columns)
    diagnostics = clean_or_usage_error(GTT.replace("100.05", "100.00015").replace("100.10", "999999999999.9999"), instruments=master)
    [d] = [d for d in diagnostics if d.name == "tick-size"]
    assert "100.00015 is not a multiple of the tick size 0.0001" in d.message and "100.00010 or 100.00020" in d.help


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_contract_listed_twice_with_other_values_is_used_from_neither_row(tmp_path, fmt):
    columns, good, lot, _ = FORMATS[fmt]
    master = write_master(tmp_path / "m.csv", [good, good, good | {lot: "50"}, good], columns)
    data = RefData(master)
    assert data.lookup("NIFTY25OCT24000CE", None, DOC_DAY).origin == "symbol"
    assert [line for _, line, _ in data.master_problems] == [4, 5]
    assert "is listed again with other values" in data.master_problems[0][2]


def test_a_groww_and_an_indstocks_row_that_agree_are_one_contract(tmp_path):
    groww = write_master(tmp_path / "g.csv", [GROWW_ROW], GROWW_COLUMNS)
    indstocks = write_master(tmp_path / "i.csv", [INDSTOCKS_ROW], INDSTOCKS_COLUMNS)
    inst = RefData([groww, indstocks]).lookup("NIFTY25OCT24000CE", None, DOC_DAY)
    assert (inst.lot[0], inst.freeze[0], inst.security_id) == (75, 1800, "51011")  # Groww's freeze, INDstocks' id


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "is empty"),
        (b"\xef\xbb\xbf\n", "is empty"),
        (b"exchange,trading_symbol\nNSE,TCS\n", "is not a Groww instrument CSV"),
        (b"NSE,TCS\xff\n", "is not UTF-8 text"),
    ],
)
def test_an_instrument_file_that_cannot_be_used_is_a_usage_error(tmp_path, fmt, content, problem):
    (tmp_path / "m.csv").write_bytes(content)
    with pytest.raises(UsageError, match=problem):
        run(GTT, instruments=str(tmp_path / "m.csv"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_instrument_header_with_a_column_twice_is_a_usage_error(tmp_path, fmt):
    columns, good, _, tick = FORMATS[fmt]
    master = write_master(tmp_path / "m.csv", [list(good.values()) + ["0.10"]], [*columns, tick])
    with pytest.raises(UsageError, match=f"the column {tick} is named twice"):
        run(GTT, instruments=master)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_row_with_more_fields_than_the_header_is_skipped(tmp_path, fmt):
    columns, good, _, _ = FORMATS[fmt]
    master = write_master(tmp_path / "m.csv", [[*good.values(), "shifted"], [*good.values(), "", ""]], columns)
    data = RefData(master)
    assert [(line, message) for _, line, message in data.master_problems] == [(2, f"{len(columns) + 1} columns, expected {len(columns)}")]
    assert data.lookup("NIFTY25OCT24000CE", None, DOC_DAY).origin == "master"  # trailing empty fields are no problem


def test_a_groww_row_of_an_unknown_instrument_type_or_segment_is_skipped(tmp_path):
    master = write_master(tmp_path / "m.csv", [GROWW_ROW | {"instrument_type": "OPT"}, GROWW_ROW | {"segment": "NFO"}], GROWW_COLUMNS)
    assert [m for _, _, m in RefData(master).master_problems] == [
        "instrument_type `OPT` is not EQ, IDX, FUT, CE or PE", "segment `NFO` is not CASH, FNO, COMMODITY or CURRENCY"]


def test_bad_instrument_files_through_the_command(tmp_path):
    (tmp_path / "o.ord").write_text(GTT + "\n")
    write_master(tmp_path / "m.csv", [GROWW_ROW | {"tick_size": "1e-30", "lot_size": "-75"}], GROWW_COLUMNS)
    done = run_cli("lint", "o.ord", "--instruments", "m.csv", "--as-of", "2025-10-01", "--format", "json", cwd=tmp_path)
    assert done.returncode in (0, 1) and b"Traceback" not in done.stderr
    found = [(d["name"], d["file"], d["line"]) for d in json.loads(done.stdout)["diagnostics"] if d["name"] == "instrument-data"]
    assert found == [("instrument-data", "m.csv", 2)]
    (tmp_path / "empty.csv").write_bytes(b"")
    done = run_cli("lint", "o.ord", "--instruments", "empty.csv", "--as-of", "2025-10-01", cwd=tmp_path)
    assert "empty.csv is empty" in no_traceback(done)


def _master_cells():
    return st.sampled_from(["", "NSE", "BSE", "CE", "FUT", "EQ", "FNO", "CASH", "DERIVATIVE", "75", "0", "-1", "0.05", "0.0001", "1e-30",
                            "NaN", "inf", "1e999", "2025-10-28", "28-10-2025", "2025-02-30", "NIFTY25OCT24000CE", "TCS", "NIFTY"]) | st.text(max_size=6)


@st.composite
def master_files(draw) -> tuple[list, list]:
    """(header, rows) of a Groww or INDstocks master: the good row with some cells replaced, columns lost or added."""
    columns, good, _, _ = FORMATS[draw(st.sampled_from(sorted(FORMATS)))]
    header = list(columns) if draw(st.booleans()) else draw(st.lists(st.sampled_from([*columns, "x", ""]), max_size=len(columns) + 2))
    rows = []
    for _ in range(draw(st.integers(0, 5))):
        row = dict(good)
        for name in draw(st.lists(st.sampled_from(columns), max_size=4)):
            row[name] = draw(_master_cells())
        rows.append([row.get(c, "") for c in header] + draw(st.lists(_master_cells(), max_size=1)))
    return header, rows


@settings(max_examples=examples(250), **SETTINGS)
@given(master_files())
@example((list(GROWW_COLUMNS), [[(GROWW_ROW | {"tick_size": "1e-30"})[c] for c in GROWW_COLUMNS]]))
@example((list(INDSTOCKS_COLUMNS), [[(INDSTOCKS_ROW | {"LOT_UNITS": "-75", "TICK_SIZE": "0.000000001"})[c] for c in INDSTOCKS_COLUMNS]]))
def test_generated_instrument_files_give_diagnostics_or_a_usage_error(tmp_path, file):
    header, rows = file
    master = write_master(tmp_path / "m.csv", rows, header)
    clean_or_usage_error(GTT + "\n" + SHARE + "\nOCO SELL 75 NIFTY25OCT24000CE target 120.5 sl 95 product MIS", instruments=master)


# ----------------------------------------------------------------------------- --base-url


@pytest.mark.parametrize(
    "url, problem",
    [
        ("http://[::1", "is not a URL (Invalid IPv6 URL)"),
        ("ftp://x", "it does not start with http:// or https://"),
        ("http://", "it names no host"),
        ("http://paper host:8765", "holds a space"),
        (" http://127.0.0.1:8765", "holds a space"),
        ("http://127.0.0.1:8765/?x=1", "it has a query or fragment"),
        ("http://127.0.0.1:8765#x", "it has a query or fragment"),
        ("http://user:secret@127.0.0.1:8765", "it carries a user name or password"),
        ("http://127.0.0.1:99999", "Port out of range"),
        ("http://127.0.0.1:8765/v1/../x", "its path has a . or .. segment"),
        ("http://h\u00e9te", "non-ASCII"),
    ],
)
def test_a_malformed_base_url_is_exit_2_before_anything_is_read(tmp_path, url, problem):
    (tmp_path / "o.ord").write_text("broker groww\n" + SHARE + " ref sidein-0001\n")
    done = run_cli("dispatch", "o.ord", "--dry-run", "--as-of", "2025-10-01", "--base-url", url, cwd=tmp_path)
    err = no_traceback(done)
    assert "--base-url" in err and problem in err and done.stdout == b""
    if "secret" in url:
        assert "secret" not in err.replace(url, "") or err.count("secret") == 1


@settings(max_examples=examples(300), **SETTINGS)
@given(st.text(max_size=30) | st.builds("".join, st.lists(st.sampled_from(
    ["http://", "https://", "HTTP://", "ftp://", "[", "]", "::1", "127.0.0.1", "host", ":", "8765", "/", "?", "#", "@", ".", "..", "%", " ", "-", "_"]),
    max_size=8)))
@example("http://[::1]:8765/api/")
def test_any_base_url_is_refused_with_a_message_or_is_one_httpx_reads_the_same(text):
    try:
        accepted = base_url(text)
    except ValueError as e:
        assert str(e)
        return
    keyed = normal_url(accepted)
    url = httpx.URL(keyed + "/v1/order-advance/create")
    assert url.scheme in ("http", "https") and url.host and not url.query and not url.fragment
    assert url.path.endswith("/v1/order-advance/create") and "/../" not in url.path
