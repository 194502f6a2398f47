"""`ordspec fmt` (issue 5, README "Formatter"): canonical text, what it keeps, the command's modes,
and hypothesis properties on generated whole files.

1. Examples: statement words and option values upper case, leg and option words lower case (as
   DESIGN.md writes them), single spaces, canonical prices, legs then options in a fixed order,
   defaults left to their lines; comments, suppressions, blank lines (at most two) and CRLF kept;
   a line whose reading reported anything is left as written; a file with a syntax error is not
   formatted; --check, `-`, directories, YAML, and examples/ already formatted.
2. Properties on generated files (several statements, `default` and `broker` lines, comments,
   blank lines, random keyword case and spacing, random trailing zeros, shuffled options):
   fmt is idempotent; fmt never changes what a file compiles to (Groww on DOC_DAY; SIP files with
   Codifi, BRACKET files with INDstocks, SMALLCASE files with smallcase): the same requests,
   derived reference ids and source lines included, and never changes lint's diagnostics (names
   and lines); fmt never crashes on mutated text.

ORDSPEC_PROPERTY_SCALE=N runs N times the examples.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from tests.conftest import DOC_DAY, ROOT, compile_text, examples, lint_text, run_cli

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def fmt_text(text: str, name: str = "t.ord") -> str | None:
    """What `ordspec fmt` writes for `text` (None: not formatted), in-process."""
    from ordspec import fmt
    from ordspec.source import SourceFile

    new, errors = fmt.source(SourceFile(name, text))
    assert (new is None) == bool(errors)
    return new


def write(path: Path, content: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8"))
    return path


def out(r) -> str:
    return r.stdout.decode("utf-8")


def err(r) -> str:
    return r.stderr.decode("utf-8")


# --------------------------------------------------------------------------
# 1. Canonical output on examples

CANONICAL = [
    # statement words and option values up, leg and option words down; single spaces; prices
    (
        "gtt  buy 10 TCS\ttrigger 3985.00 DOWN LIMIT 3990.50 Product cnc   Exchange nse",
        "GTT BUY 10 TCS trigger 3985 down limit 3990.5 product CNC exchange NSE",
    ),
    ("Gtt Sell 10 TCS TRIGGER 4100.000 UP Market", "GTT SELL 10 TCS trigger 4100 up market"),
    ("gtt buy 10 TCS trigger 0.50 down limit 0.5000", "GTT BUY 10 TCS trigger 0.5 down limit 0.5"),
    # legs then options, options in a fixed order, wherever they were written
    (
        "oco sell 75 NIFTY25OCT24000CE ref sref-unique-456 SL 95 segment fno target 120.50 limit 121 position 75 product mis",
        "OCO SELL 75 NIFTY25OCT24000CE target 120.5 limit 121 sl 95 product MIS segment FNO ref sref-unique-456 position 75",
    ),
    (
        "OCO SELL 75 NIFTY25OCT24000CE target 120.50 limit 121 sl 95 position 75 product MIS segment FNO ref sref-unique-456",
        "OCO SELL 75 NIFTY25OCT24000CE target 120.5 limit 121 sl 95 product MIS segment FNO ref sref-unique-456 position 75",
    ),
    (
        "bracket buy 75 NIFTY25OCT24000CE limit 37.00 sl 34 limit 33 target 41 limit 42 security 51011 product nrml",
        "BRACKET BUY 75 NIFTY25OCT24000CE limit 37 target 41 limit 42 sl 34 limit 33 product NRML security 51011",
    ),
    (
        'sip buy inr2000.00 TCS-EQ MONTHLY token 11536 start 2025-07-01 installments 12 name "tcs monthly"',
        'SIP BUY INR2000 TCS-EQ monthly token 11536 name "tcs monthly" start 2025-07-01 installments 12',
    ),
    (
        "sip buy 5 INFY-EQ token 1594 plus 2 HDFCBANK-EQ token 1333 exchange bse product cnc weekly start 2025-07-07 installments 26 name core",
        "SIP BUY 5 INFY-EQ weekly token 1594 name core start 2025-07-07 installments 26 plus 2 HDFCBANK-EQ product CNC exchange BSE token 1333",
    ),
    (
        'smallcase investmore SCET_0010 notes "a # b" iscid 5f58be2e0ae6815aef0d1118',
        'SMALLCASE INVESTMORE SCET_0010 notes "a # b" iscid 5f58be2e0ae6815aef0d1118',
    ),
    ("smallcase sip_setup iscid 5f58be2e0ae6815aef0d1118", "SMALLCASE SIP_SETUP iscid 5f58be2e0ae6815aef0d1118"),
    (
        "modify oco oco_a12bc3 segment fno validity day qty 40 product mis target 122.0 sl 97.50",
        "MODIFY OCO oco_a12bc3 qty 40 target 122 sl 97.5 product MIS segment FNO validity DAY",
    ),
    (
        "modify gtt gtt_91a7f4 segment cash qty 12 trigger 3980 down limit 3985 side buy",
        "MODIFY GTT gtt_91a7f4 qty 12 side BUY trigger 3980 down limit 3985 segment CASH",
    ),
    ("modify sip 123 qty inr2500.0 installments 3", "MODIFY SIP 123 qty INR2500 installments 3"),
    (
        "list oco segment fno status active page 0 size 10 from 2025-01-16T09:15:00 to 2025-01-16T15:30:00",
        "LIST OCO segment FNO status ACTIVE page 0 size 10 from 2025-01-16T09:15:00 to 2025-01-16T15:30:00",
    ),
    # ids and symbols keep their case
    ("get gtt GTT_AbC segment cash", "GET GTT GTT_AbC segment CASH"),
    ("pause sip 25042400000049", "PAUSE SIP 25042400000049"),
    ("cancel bracket GTT-2914581 segment fno", "CANCEL BRACKET GTT-2914581 segment FNO"),
    # `default` and `broker` lines
    ("DEFAULT\tProduct  mis", "default product MIS"),
    ("Broker  GROWW", "broker groww"),
    # leading and trailing blanks go
    ("  \tGTT BUY 10 TCS trigger 3985 down limit 3990 \t", "GTT BUY 10 TCS trigger 3985 down limit 3990"),
]


@pytest.mark.parametrize("written, canonical", CANONICAL)
def test_canonical_form(written, canonical):
    assert fmt_text(written + "\n") == canonical + "\n"
    assert fmt_text(canonical + "\n") == canonical + "\n"


def test_defaults_are_left_to_their_lines():
    text = (
        "default product CNC\n"
        "default segment CASH\n"
        "GTT BUY 10 TCS trigger 3985 down limit 3990\n"
        "GTT BUY 10 TCS trigger 3985 down limit 3990 product MIS\n"
        "CANCEL GTT gtt_91a7f4\n"
    )
    assert fmt_text(text) == text


def test_the_spine_formats_and_reads_back_the_same():
    spine = (ROOT / "tests" / "data" / "spine.ord").read_text(encoding="utf-8")
    once = fmt_text(spine)
    assert once is not None and fmt_text(once) == once
    assert [(d.name, d.line) for d in lint_text(once)] == [(d.name, d.line) for d in lint_text(spine)]


def test_comments_and_suppressions_are_kept():
    text = (
        "# header: ₹ and \"quotes\"\n"
        "   # indented comment\n"
        "gtt buy 10 TCS trigger 3985.03 down limit 3990 product cnc    # ordspec: ignore[tick-size]\n"
        'smallcase buy SCET_0010 notes "not # a comment"#tight\n'
        "GTT BUY 10 TCS trigger 3985 down limit 3990\t# tab before\n"
    )
    assert fmt_text(text) == (
        "# header: ₹ and \"quotes\"\n"
        "# indented comment\n"
        "GTT BUY 10 TCS trigger 3985.03 down limit 3990 product CNC  # ordspec: ignore[tick-size]\n"
        'SMALLCASE BUY SCET_0010 notes "not # a comment"  #tight\n'
        "GTT BUY 10 TCS trigger 3985 down limit 3990  # tab before\n"
    )
    # the suppression still silences its rule after formatting
    assert lint_text(fmt_text(text)) == []


def test_blank_lines_are_all_kept():
    """Every blank line stays (trailing ones go): compile's output names each statement's line."""
    a = "GTT BUY 10 TCS trigger 3985 down limit 3990"
    text = f"{a}\n\n{a}\n\n\n{a}\n\n\n\n\n  \t\n{a}\n\n\n"
    assert fmt_text(text) == f"{a}\n\n{a}\n\n\n{a}\n\n\n\n\n\n{a}\n"


def test_crlf_line_endings_are_kept():
    text = "# orders\r\ngtt buy 10 TCS trigger 3985.0 down limit 3990\r\n\r\nBROKER groww\r\n"
    assert fmt_text(text) == "# orders\r\nGTT BUY 10 TCS trigger 3985 down limit 3990\r\n\r\nbroker groww\r\n"


def test_lf_file_stays_lf_and_gets_a_final_newline():
    assert fmt_text("gtt buy 10 TCS trigger 3985 down limit 3990") == "GTT BUY 10 TCS trigger 3985 down limit 3990\n"
    assert fmt_text("") == ""
    assert fmt_text("\n\n") == ""


@pytest.mark.parametrize(
    "line",
    [
        "gtt buy 10 TCS trigger 3985 down limit 3990 product XYZ   # a bad value",
        "gtt  buy 10 TCS trigger 1e3 down limit 3990",
        "gtt buy 10 TCS trigger 3985 down limit 3990 product CNC product MIS",
        "smallcase buy SCET_0010 notes \"x\"  position 5",
        "default  product  XYZ",
    ],
)
def test_a_line_with_a_bad_value_is_left_as_written(line):
    text = f"gtt buy 10 TCS trigger 3985 down limit 3990\n{line}\n"
    assert fmt_text(text) == f"GTT BUY 10 TCS trigger 3985 down limit 3990\n{line}\n"


def test_a_file_with_a_syntax_error_is_not_formatted(tmp_path):
    broken = "gtt buy 10 TCS trigger 3985 down limit 3990\nGTT BUY 10 TCS trigger 3985 down limit\n"
    path = write(tmp_path / "broken.ord", broken)
    fine = write(tmp_path / "fine.ord", "gtt buy 10 TCS trigger 3985 down limit 3990\n")
    r = run_cli("fmt", "broken.ord", "fine.ord", cwd=tmp_path)
    assert r.returncode == 1
    assert path.read_bytes() == broken.encode()
    assert fine.read_text() == "GTT BUY 10 TCS trigger 3985 down limit 3990\n"  # the others are formatted all the same
    assert "broken.ord:2:39: error OS001 syntax" in err(r) and "not formatted" in err(r)
    assert "1 file reformatted, 0 unchanged, 1 not formatted." in out(r)


def test_a_non_utf8_file_is_not_formatted(tmp_path):
    data = b"GTT BUY 10 TCS trigger 3985 down limit 3990\n# caf\xe9\n"
    path = tmp_path / "latin.ord"
    path.write_bytes(data)
    r = run_cli("fmt", "latin.ord", cwd=tmp_path)
    assert r.returncode == 1 and path.read_bytes() == data
    assert "latin.ord:2:" in err(r)


def test_check_changes_nothing_and_lists_the_files(tmp_path):
    ugly = "gtt buy 10 TCS trigger 3985 down limit 3990\n"
    a = write(tmp_path / "a.ord", ugly)
    b = write(tmp_path / "b.ord", "GTT BUY 10 TCS trigger 3985 down limit 3990\n")
    r = run_cli("fmt", "--check", "a.ord", "b.ord", cwd=tmp_path)
    assert r.returncode == 1
    assert a.read_text() == ugly
    assert out(r).splitlines() == ["would reformat a.ord", "1 file would be reformatted, 1 unchanged."]
    r = run_cli("fmt", "--check", "b.ord", cwd=tmp_path)
    assert r.returncode == 0 and "would reformat" not in out(r)


def test_fmt_rewrites_in_place_and_reports(tmp_path):
    a = write(tmp_path / "a.ord", "gtt buy 10 TCS trigger 3985 down limit 3990\n")
    r = run_cli("fmt", "a.ord", cwd=tmp_path)
    assert r.returncode == 0
    assert a.read_text() == "GTT BUY 10 TCS trigger 3985 down limit 3990\n"
    assert out(r).splitlines() == ["reformatted a.ord", "1 file reformatted, 0 unchanged."]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ord"]  # no temporary file left behind
    assert run_cli("fmt", "a.ord", cwd=tmp_path).returncode == 0


def test_stdin_to_stdout():
    r = run_cli("fmt", "-", input=b"gtt buy 10 TCS trigger 3985.0 down limit 3990 # c\r\n")
    assert r.returncode == 0
    assert r.stdout == b"GTT BUY 10 TCS trigger 3985 down limit 3990  # c\r\n"
    check = run_cli("fmt", "--check", "-", input=b"gtt buy 10 TCS trigger 3985 down limit 3990\n")
    assert check.returncode == 1 and check.stdout == b""
    check = run_cli("fmt", "--check", "-", input=b"GTT BUY 10 TCS trigger 3985 down limit 3990\n")
    assert check.returncode == 0 and check.stdout == b""


def test_stdin_with_a_syntax_error_is_echoed_unchanged():
    broken = b"gtt buy 10 TCS trigger 3985 down limit\n"
    r = run_cli("fmt", "-", input=broken)
    assert r.returncode == 1 and r.stdout == broken
    assert "<stdin>:1:" in err(r)


def test_directories_format_ord_files_only_and_leave_yaml_alone(tmp_path):
    ugly = "gtt buy 10 TCS trigger 3985 down limit 3990\n"
    yaml_text = "orders:\n  - gtt buy 10 TCS trigger 3985 down limit 3990\n"
    write(tmp_path / "d" / "a.ord", ugly)
    write(tmp_path / "d" / "sub" / "b.ord", ugly)
    write(tmp_path / "d" / "o.yaml", yaml_text)
    write(tmp_path / "d" / "notes.txt", ugly)
    write(tmp_path / "d" / ".hidden" / "c.ord", ugly)
    r = run_cli("fmt", "--check", "d", cwd=tmp_path)
    assert r.returncode == 1
    assert out(r).splitlines() == [
        "would reformat d/a.ord",
        "would reformat d/sub/b.ord",
        "2 files would be reformatted, 0 unchanged.",
    ]
    r = run_cli("fmt", "d", cwd=tmp_path)
    assert r.returncode == 0
    canonical = "GTT BUY 10 TCS trigger 3985 down limit 3990\n"
    assert (tmp_path / "d" / "a.ord").read_text() == (tmp_path / "d" / "sub" / "b.ord").read_text() == canonical
    assert (tmp_path / "d" / ".hidden" / "c.ord").read_text() == ugly  # hidden directories are not walked
    assert (tmp_path / "d" / "o.yaml").read_text() == yaml_text
    assert (tmp_path / "d" / "notes.txt").read_text() == ugly
    # a YAML file named explicitly is left alone too
    r = run_cli("fmt", "--check", "d/o.yaml", cwd=tmp_path)
    assert r.returncode == 0 and (tmp_path / "d" / "o.yaml").read_text() == yaml_text


def test_missing_path_is_a_usage_error(tmp_path):
    r = run_cli("fmt", "nope.ord", cwd=tmp_path)
    assert r.returncode == 2 and "nope.ord" in err(r) and "Traceback" not in err(r)


def test_every_example_is_already_formatted():
    r = run_cli("fmt", "--check", "examples", cwd=ROOT)
    assert r.returncode == 0, out(r)


def test_every_example_formats_to_the_same_requests():
    """Whatever their layout, formatting the examples changes none of their requests."""
    brokers = {"codifi-sip": "codifi", "indstocks": "indstocks", "smallcase": "smallcase", "kite": "kite", "dhan": "dhan"}
    quotes = str(ROOT / "examples" / "kite-quotes.csv")  # the last prices every Kite GTT carries
    for path in sorted((ROOT / "examples").glob("*.ord")):
        text = path.read_text(encoding="utf-8")
        broker = brokers.get(path.stem, "groww")
        before = requests_of(text, broker, gateway="gw", quotes=quotes, client_id="1000000132")
        after = requests_of(fmt_text(text), broker, gateway="gw", quotes=quotes, client_id="1000000132")
        assert before[0] is not None, path.name
        assert after == before, path.name


SIP_BY_VALUE = "SIP BUY INR2000.0 TCS-EQ daily start 2025-11-03 installments 1 name AD token 11536 product CNC\n"


def test_fmt_writes_a_sip_amount_without_trailing_zeros():
    assert fmt_text(SIP_BY_VALUE) == "SIP BUY INR2000 TCS-EQ daily product CNC token 11536 name AD start 2025-11-03 installments 1\n"


def test_fmt_keeps_what_a_sip_by_value_compiles_to():
    before = requests_of(SIP_BY_VALUE, "codifi")
    after = requests_of(fmt_text(SIP_BY_VALUE), "codifi")
    assert before[0] is not None
    assert after == before


# --------------------------------------------------------------------------
# 2. Properties on generated files


def requests_of(text: str, broker: str, **options):
    """(requests with their reference keys, or None; diagnostics as (name, line)) of compiling `text`."""
    requests, diagnostics = compile_text(text, broker=broker, as_of=DOC_DAY, **options)
    found = None if requests is None else [(r.as_dict(), r.statement.key) for r in requests]
    return found, sorted((d.name, d.line) for d in diagnostics)


def lint_of(text: str, broker=None):
    return sorted((d.name, d.line) for d in lint_text(text, broker=broker))


# A token: ("kw", word) is a keyword or option value (any case), ("lit", text) is written as is
# (symbols, ids, dates, strings), ("price", text) is a decimal that may gain trailing zeros.
def kw(word):
    return ("kw", word)


def lit(text):
    return ("lit", text)


def price(text):
    return ("price", text)


def opt(name, value, literal=False):
    return [kw(name), lit(value) if literal else kw(value)]


@st.composite
def cased(draw, word: str) -> str:
    how = draw(st.sampled_from(["upper", "lower", "title", "mixed", "as-is"]))
    if how == "mixed":
        flips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
        return "".join(c.upper() if f else c.lower() for c, f in zip(word, flips))
    return {"upper": word.upper(), "lower": word.lower(), "title": word.title(), "as-is": word}[how]


@st.composite
def zeros(draw, text: str) -> str:
    extra = draw(st.integers(0, 2))
    if not extra:
        return text
    return text + ("0" * extra if "." in text else "." + "0" * extra)


SEPARATORS = st.sampled_from([" ", " ", " ", "  ", "\t", " \t", "   "])


@st.composite
def render(draw, tokens) -> str:
    words = []
    for kind, text in tokens:
        if kind == "kw":
            words.append(draw(cased(text)))
        elif kind == "price":
            words.append(draw(zeros(text)))
        else:
            words.append(text)
    line = words[0]
    for w in words[1:]:
        line += draw(SEPARATORS) + w
    return line


@st.composite
def arranged(draw, head, units, entry=None, tail=()) -> list:
    """head, then the units in any order (an entry before any leg), then the tail groups."""
    units = draw(st.permutations(units))
    if entry is not None:
        legs = [i for i, u in enumerate(units) if u and u[0][1] in ("target", "sl")]
        at = draw(st.integers(0, min(legs) if legs else len(units)))
        units = units[:at] + [entry] + units[at:]
    tokens = list(head)
    for unit in units:
        tokens += unit
    for group in tail:
        tokens += group
    return tokens


REF_TAILS = st.from_regex(r"[a-z0-9]{3,6}", fullmatch=True)  # refs are "r" + the statement's number + a tail: unique in a file


def maybe(draw, unit):
    return [unit] if draw(st.booleans()) else []


# Groww: statements valid on DOC_DAY (each keeps its own product: defaults come from `default` lines)
@st.composite
def groww_statement(draw, n=0):
    which = draw(st.sampled_from(["gtt-buy", "gtt-sell", "gtt-reliance", "oco-long", "oco-short", "modify-gtt", "modify-oco", "cancel", "get", "list"]))
    common = maybe(draw, opt("validity", "DAY")) + maybe(draw, opt("exchange", "NSE"))
    if which == "gtt-buy":
        head = [kw("GTT"), kw("BUY"), lit(str(draw(st.integers(1, 50)))), lit("TCS")]
        entry = [kw("trigger"), price("3985"), kw("down"), kw("limit"), price(draw(st.sampled_from(["3990", "3990.5", "3986.1"])))]
        units = [opt("product", draw(st.sampled_from(["CNC", "MIS"])))] + common + maybe(draw, opt("segment", "CASH"))
    elif which == "gtt-sell":
        head = [kw("GTT"), kw("SELL"), lit(str(draw(st.integers(1, 50)))), lit("TCS")]
        entry = [kw("trigger"), price("4100"), kw("up")] + draw(st.sampled_from([[kw("market")], [kw("limit"), price("4095.5")]]))
        units = [opt("product", "CNC")] + common
    elif which == "gtt-reliance":
        head = [kw("GTT"), kw("BUY"), lit("5"), lit("RELIANCE")]
        entry = [kw("trigger"), price("1520"), kw("up"), kw("limit"), price("1525.5")]
        units = [opt("product", "MIS")] + common
    elif which == "oco-long":
        qty = draw(st.sampled_from([65, 130]))
        head = [kw("OCO"), kw("SELL"), lit(str(qty)), lit("NIFTY30DEC26000CE")]
        entry = None
        target = [kw("target"), price("180.5")] + draw(st.sampled_from([[], [kw("limit"), price("181")]]))
        sl = [kw("sl"), price("95")] + draw(st.sampled_from([[], [kw("limit"), price("94.5")]]))
        units = [target, sl, opt("product", draw(st.sampled_from(["NRML", "MIS"])))] + common
        units += maybe(draw, [kw("position"), lit("130")]) + maybe(draw, opt("segment", "FNO"))
    elif which == "oco-short":
        head = [kw("OCO"), kw("BUY"), lit("30"), lit("BANKNIFTY30DEC55000PE")]
        entry = None
        units = [[kw("target"), price("80")], [kw("sl"), price("140"), kw("limit"), price("141")], [kw("position"), lit("-30")], opt("product", "MIS")] + common
    elif which == "modify-gtt":
        head = [kw("MODIFY"), kw("GTT"), lit("gtt_91a7f4")]
        entry = [kw("trigger"), price("3980"), kw("down"), kw("limit"), price("3985")]
        units = [opt("segment", "CASH"), [kw("qty"), lit("12")], opt("side", "BUY")]
    elif which == "modify-oco":
        head = [kw("MODIFY"), kw("OCO"), lit("oco_a12bc3")]
        entry = None
        units = [opt("segment", "FNO"), [kw("qty"), lit("40")], [kw("target"), price("122")], [kw("sl"), price("97.5")]]
        units += maybe(draw, opt("validity", "DAY")) + maybe(draw, opt("product", "MIS"))
    elif which in ("cancel", "get"):
        kind, ident, segment = draw(st.sampled_from([("GTT", "gtt_91a7f4", "CASH"), ("OCO", "oco_a12bc3", "FNO")]))
        head = [kw(which.upper()), kw(kind), lit(ident)]
        entry = None
        units = [opt("segment", segment)]
    else:
        head = [kw("LIST"), kw("OCO")]
        entry = None
        units = [opt("segment", "FNO")] + maybe(draw, opt("status", "ACTIVE")) + maybe(draw, [kw("page"), lit("0"), kw("size"), lit("10")])
        units += maybe(draw, [kw("from"), lit("2025-01-16T09:15:00"), kw("to"), lit("2025-01-16T15:30:00")])
    if head[0][1] in ("GTT", "OCO") and draw(st.booleans()):
        units.append(opt("ref", f"r{n:03d}-{draw(REF_TAILS)}", literal=True))
    return draw(arranged(head, units, entry))


@st.composite
def indstocks_statement(draw, n=0):
    which = draw(st.sampled_from(["bracket", "bracket-stock", "bracket-market", "gtt", "modify", "cancel"]))
    entry = None
    if which == "bracket":
        head = [kw("BRACKET"), kw("BUY"), lit(draw(st.sampled_from(["65", "130"]))), lit("NIFTY30DEC26000CE")]
        entry = [kw("limit"), price("180")]
        units = [[kw("sl"), price("170"), kw("limit"), price("169.5")], [kw("target"), price("195"), kw("limit"), price("196")]]
        units += [opt("product", "NRML"), [kw("security"), lit("51011")]] + maybe(draw, opt("validity", "DAY"))
    elif which == "bracket-stock":
        head = [kw("BRACKET"), kw("BUY"), lit("10"), lit("RELIANCE")]
        entry = [kw("limit"), price("1500")]
        units = [[kw("sl"), price("1450"), kw("limit"), price("1449")], [kw("target"), price("1600"), kw("limit"), price("1601")]]
        units += [opt("product", "CNC"), [kw("security"), lit("2885")]]
    elif which == "bracket-market":
        head = [kw("BRACKET"), kw("BUY"), lit("65"), lit("NIFTY30DEC26000CE")]
        entry = [kw("market")]
        units = [[kw("sl"), price("170"), kw("limit"), price("169.5")], opt("product", "NRML"), [kw("security"), lit("51011")]]
    elif which == "gtt":
        head = [kw("GTT"), kw("BUY"), lit("10"), lit("RELIANCE")]
        entry = [kw("trigger"), price("1520"), kw("up"), kw("limit"), price("1522")]
        units = [opt("product", "CNC"), [kw("security"), lit("2885")]]
    elif which == "modify":
        head = [kw("MODIFY"), kw("BRACKET"), lit("DRV-28131451")]
        entry = [kw("limit"), price("181")]
        units = [opt("segment", "FNO"), [kw("qty"), lit("65")], [kw("sl"), price("171"), kw("limit"), price("170.5")], [kw("target"), price("196"), kw("limit"), price("197")]]
    else:
        head = [kw("CANCEL"), kw("BRACKET"), lit("GTT-2914581")]
        units = [opt("segment", "FNO")]
    return draw(arranged(head, units, entry))


DSL_STRING_CHARS = st.sampled_from(list("abcXYZ019 -_#:,.;%₹éü") + ['\\"', "\\\\"])


@st.composite
def dsl_string(draw, min_size=1, max_size=20) -> str:
    return '"' + "".join(draw(st.lists(DSL_STRING_CHARS, min_size=min_size, max_size=max_size))) + '"'


@st.composite
def codifi_statement(draw, n=0):
    which = draw(st.sampled_from(["sip", "sip", "sip-plus", "pause", "resume", "cancel", "list"]))
    if which.startswith("sip"):
        # an amount may carry trailing zeros (INR2000.00 is one request with INR2000)
        size = draw(st.sampled_from([lit("1"), lit("5"), lit(draw(zeros("INR2000"))), lit(draw(zeros("INR2500.5")))]))
        head = [kw("SIP"), kw("BUY"), size, lit("TCS-EQ")]
        name = draw(st.one_of(st.sampled_from(["AD", "tcs-monthly", "core"]), dsl_string()))
        units = [
            [kw(draw(st.sampled_from(["daily", "weekly", "monthly"])))],
            [kw("start"), lit("2025-11-03")],
            [kw("installments"), lit(str(draw(st.integers(1, 30))))],
            [kw("name"), lit(name)],
            [kw("token"), lit("11536")],
            opt("product", "CNC"),
        ]
        units += maybe(draw, [kw("registered"), lit("2025-10-01")]) + maybe(draw, opt("exchange", "NSE"))
        tail = []
        if which == "sip-plus":
            scrip = [[kw("token"), lit("1333")]] + maybe(draw, opt("exchange", "NSE")) + maybe(draw, opt("product", "CNC"))
            tail = [[kw("plus"), lit("2"), lit("HDFCBANK-EQ")] + [t for u in draw(st.permutations(scrip)) for t in u]]
        return draw(arranged(head, units, None, tail))
    if which == "list":
        return draw(arranged([kw("LIST"), kw("SIP")], []))
    return draw(arranged([kw(which.upper()), kw("SIP"), lit("25042400000049")], []))


@st.composite
def smallcase_statement(draw, n=0):
    which = draw(st.sampled_from(["BUY", "INVESTMORE", "EXIT", "REBALANCE", "SIP_SETUP"]))
    if which == "SIP_SETUP":
        return draw(arranged([kw("SMALLCASE"), kw("SIP_SETUP")], [[kw("iscid"), lit("5f58be2e0ae6815aef0d1118")]]))
    units = maybe(draw, [kw("notes"), lit(draw(dsl_string(max_size=40)))])
    if which in ("INVESTMORE", "REBALANCE"):
        units.append([kw("iscid"), lit("5f58be2e0ae6815aef0d1118")])
    return draw(arranged([kw("SMALLCASE"), kw(which), lit("SCET_0010")], units))


COMMENT_TEXT = st.lists(st.sampled_from(list("abc XYZ 019-#:\"'₹é\t") + [" ordspec: ignore[tick-size]"]), max_size=12).map("".join)


@st.composite
def order_file(draw, broker: str, statement, defaults=(), move_product=False) -> str:
    """A whole .ord file: an optional `broker` line, `default` lines, statements (some twice),
    comments at the end of lines and on their own, up to two blank lines in a row. With
    `move_product`, a create's product may move to a `default product` line before it (MODIFY
    takes no default, so only creates have a product to move in the valid generators)."""
    lines = []
    if draw(st.booleans()):
        lines.append("#" + draw(COMMENT_TEXT))
    if draw(st.booleans()):
        lines.append(draw(render([kw("broker"), kw(broker)])))
    for n in range(draw(st.integers(1, 5))):
        for name, value in draw(st.lists(st.sampled_from(defaults), max_size=1)) if defaults else []:
            lines.append(draw(render([kw("default"), kw(name), lit(value) if value[0].isdigit() else kw(value)])))
        tokens = draw(statement(n))
        if move_product and kw("product") in tokens and draw(st.booleans()):
            # the statement's product moves to a `default product` line just before it
            at = tokens.index(kw("product"))
            value = tokens[at + 1][1]
            tokens = tokens[:at] + tokens[at + 2:]
            lines.append(draw(render([kw("default"), kw("product"), kw(value)])))
        text = draw(render(tokens))
        lines.append(text)
        if draw(st.integers(0, 4)) == 0 and kw("ref") not in tokens:  # the same order again, written another way
            lines.append(draw(render(tokens)))
    out = []
    for line in lines:
        for _ in range(draw(st.integers(0, 2))):
            out.append(draw(st.sampled_from(["", "", " ", "\t "])))
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from(["", " ", "\t"])) + "#" + draw(COMMENT_TEXT))
        lead = draw(st.sampled_from(["", "", "", " ", "\t"]))
        trail = draw(st.sampled_from(["", "", "", " ", "\t"]))
        comment = ""
        if not line.startswith("#") and draw(st.integers(0, 3)) == 0:
            comment = draw(st.sampled_from(["", " ", "  ", "\t"])) + "#" + draw(COMMENT_TEXT)
        out.append(lead + line + trail + comment)
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    return newline.join(out) + draw(st.sampled_from([newline, "", newline * 2]))


GROWW_DEFAULTS = [("validity", "DAY"), ("exchange", "NSE")]
CODIFI_DEFAULTS = [("product", "CNC"), ("exchange", "NSE"), ("registered", "2025-10-01")]

groww_files = order_file("groww", groww_statement, GROWW_DEFAULTS, move_product=True)
indstocks_files = order_file("indstocks", indstocks_statement, [("validity", "DAY")], move_product=True)
codifi_files = order_file("codifi", codifi_statement, CODIFI_DEFAULTS, move_product=True)
smallcase_files = order_file("smallcase", smallcase_statement)


# Any statement the grammar reads, valid or not: random kinds, prices, options (some misplaced),
# values of the right form; for properties that need no valid order.
SYMBOLS = ["TCS", "RELIANCE", "TCS-EQ", "NIFTY", "NIFTY25OCT24000CE", "NIFTY30DEC26000CE", "BANKNIFTY25OCTFUT", "FOO25OCTFUT", "SCET_0010"]
PRICES = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False).map(str)


@st.composite
def option_value(draw, name: str):
    from ordspec.language import OPTIONS

    kind, choices, _ = OPTIONS[name]
    if kind == "enum":
        return kw(draw(st.sampled_from(choices)))
    if kind in ("word",):
        return lit(draw(st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{2,12}", fullmatch=True)))
    if kind == "position":
        return lit(str(draw(st.integers(-500, 500).filter(bool))))
    if kind in ("digits", "count", "integer"):
        return lit(str(draw(st.integers(0, 99999))))
    if kind == "text":
        return lit(draw(st.one_of(dsl_string(min_size=0), st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True))))
    if kind == "date":
        return lit(draw(st.dates(min_value=DOC_DAY.replace(year=2024), max_value=DOC_DAY.replace(year=2027))).isoformat())
    if kind == "datetime":
        return lit(draw(st.sampled_from(["2025-01-16T09:15:00", "2025-01-16T15:30:00", "2025-02-20T10:00:00"])))
    if kind == "quantity":
        return lit(draw(st.sampled_from(["1", "12", "40", "INR2500"])))
    raise AssertionError(kind)


WILD_OPTIONS = ["product", "exchange", "segment", "validity", "ref", "position", "security", "token", "name", "start",
                "installments", "registered", "notes", "iscid", "status", "page", "size", "from", "to", "side", "qty"]


@st.composite
def wild_statement(draw, n=0):
    verb = draw(st.sampled_from(["CREATE"] * 4 + ["MODIFY", "CANCEL", "GET", "LIST", "PAUSE", "RESUME"]))
    kind = draw(st.sampled_from(["GTT", "OCO", "BRACKET", "SIP"] + (["SMALLCASE"] if verb == "CREATE" else [])))
    if verb == "CREATE" and kind == "SMALLCASE":
        sc_type = draw(st.sampled_from(["BUY", "INVESTMORE", "EXIT", "SIP_SETUP"]))
        head = [kw("SMALLCASE"), kw(sc_type)] + ([] if sc_type == "SIP_SETUP" else [lit("SCET_0010")])
    elif verb == "CREATE":
        head = [kw(kind), kw(draw(st.sampled_from(["BUY", "SELL"]))), lit(str(draw(st.integers(1, 2000)))), lit(draw(st.sampled_from(SYMBOLS)))]
    elif verb == "LIST":
        head = [kw("LIST"), kw(kind)]
    else:
        head = [kw(verb), kw(kind), lit(draw(st.sampled_from(["gtt_91a7f4", "oco_a12bc3", "DRV-28131451", "25042400000049"])))]
    units = [[kw(name), draw(option_value(name))] for name in draw(st.lists(st.sampled_from(WILD_OPTIONS), unique=True, max_size=4))]
    entry = None
    if kind in ("GTT", "BRACKET") and verb in ("CREATE", "MODIFY"):
        entry = []
        if kind == "GTT" or draw(st.booleans()):
            entry += [kw("trigger"), price(draw(PRICES))]
        if kind == "GTT":
            entry.append(kw(draw(st.sampled_from(["up", "down"]))))
        entry += draw(st.sampled_from([[kw("market")], [kw("limit"), price(draw(PRICES))]]))
    if kind in ("OCO", "BRACKET", "GTT") and verb in ("CREATE", "MODIFY"):
        for role in draw(st.lists(st.sampled_from(["target", "sl"]), unique=True)):
            units.append([kw(role), price(draw(PRICES))] + draw(st.sampled_from([[], [kw("limit"), price(draw(PRICES))]])))
    if kind == "SIP" and verb in ("CREATE", "MODIFY"):
        units.append([kw(draw(st.sampled_from(["daily", "weekly", "monthly"])))])
    return draw(arranged(head, units, entry))


ALL_DEFAULTS = [("product", "CNC"), ("product", "MIS"), ("exchange", "NSE"), ("exchange", "BSE"), ("validity", "IOC"),
                ("segment", "CASH"), ("segment", "FNO"), ("registered", "2025-10-01")]
wild_files = order_file("groww", wild_statement, ALL_DEFAULTS, move_product=True)

ANY_FILE = st.one_of(groww_files, indstocks_files, codifi_files, smallcase_files, wild_files)


@settings(max_examples=examples(100), **SETTINGS)
@given(ANY_FILE)
@example("GTT BUY 10 TCS trigger 3985 down limit 3990\n\n\n\n# c\n")
def test_fmt_is_idempotent(text):
    once = fmt_text(text)
    note(repr(once))
    assert once is not None
    assert fmt_text(once) == once
    assert "\r\n" in once if text.split("\n", 1)[0].endswith("\r") else "\r" not in once


def compiles_the_same(text: str, broker: str, **options) -> None:
    once = fmt_text(text)
    note(repr(once))
    assert once is not None
    before = requests_of(text, broker, **options)
    after = requests_of(once, broker, **options)
    assert before[0] is not None, before[1]  # the generator writes valid files
    assert after == before
    assert lint_of(once) == lint_of(text)
    assert lint_of(once, broker) == lint_of(text, broker)


@settings(max_examples=examples(100), **SETTINGS)
@given(groww_files)
def test_fmt_never_changes_what_a_groww_file_compiles_to(text):
    compiles_the_same(text, "groww")


@settings(max_examples=examples(60), **SETTINGS)
@given(codifi_files)
def test_fmt_never_changes_what_a_codifi_sip_file_compiles_to(text):
    compiles_the_same(text, "codifi")


@settings(max_examples=examples(60), **SETTINGS)
@given(indstocks_files)
def test_fmt_never_changes_what_an_indstocks_bracket_file_compiles_to(text):
    compiles_the_same(text, "indstocks")


@settings(max_examples=examples(60), **SETTINGS)
@given(smallcase_files)
def test_fmt_never_changes_what_a_smallcase_file_compiles_to(text):
    compiles_the_same(text, "smallcase", gateway="gw")


@settings(max_examples=examples(100), **SETTINGS)
@given(wild_files)
def test_fmt_never_changes_lint_or_compile_of_any_file(text):
    """Valid or not: the same diagnostics (names and lines) and the same requests, for two brokers."""
    once = fmt_text(text)
    note(repr(once))
    assert once is not None
    assert fmt_text(once) == once
    assert lint_of(once) == lint_of(text)
    for broker in ("groww", "indstocks"):
        assert requests_of(once, broker) == requests_of(text, broker), broker


# -- never a crash, whatever the text

ODD = [
    "#", '"', "\\", "\r", "\n", "\r\n", "\t", "\x0b", "\x0c", "\x85", "\u2028", "\ufeff", "\u00a0", "\x00", "é", "₹", "🙂",
    "1e3", "-", ".", "5.", "0", "-1", "limit", "target", "sl", "market", "default", "broker", "plus", "product", "ref",
    "# ordspec: ignore[tick-size]", '"#"', "  ", "\n\n\n",
]


@st.composite
def mutated(draw, text: str) -> str:
    for _ in range(draw(st.integers(1, 6))):
        n = len(text)
        op = draw(st.sampled_from(["delete", "insert", "odd", "dup", "word-swap", "word-delete"]))
        at = draw(st.integers(0, n))
        if op == "delete" and n:
            end = min(n, at + draw(st.integers(1, 4)))
            text = text[:at] + text[end:]
        elif op == "insert":
            text = text[:at] + draw(st.characters(blacklist_categories=("Cs",))) + text[at:]
        elif op == "odd":
            text = text[:at] + draw(st.sampled_from(ODD)) + text[at:]
        elif op == "dup" and n:
            end = min(n, at + draw(st.integers(1, 12)))
            text = text[:end] + text[at:end] + text[end:]
        else:
            words = text.split(" ")
            if len(words) > 2:
                i = draw(st.integers(0, len(words) - 2))
                if op == "word-swap":
                    words[i], words[i + 1] = words[i + 1], words[i]
                else:
                    del words[i]
                text = " ".join(words)
    return text


@settings(max_examples=examples(150), **SETTINGS)
@given(ANY_FILE.flatmap(mutated))
def test_fmt_never_crashes_on_mutated_text(text):
    once = fmt_text(text)  # returns text, or None with the syntax errors: never raises
    note(repr(once))
    if once is not None:
        assert fmt_text(once) == once
