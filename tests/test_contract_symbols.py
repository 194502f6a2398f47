"""contract-symbol: a symbol meant as a contract on a known underlying is a contract or an error, never a share."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ordspec.refdata.instruments import RefData
from tests.conftest import DOC_DAY, compile_text, examples, lint_text, names

BUNDLED = sorted(RefData().underlyings)
ENDINGS = ("FUT", "CE", "PE")


def gtt(symbol: str, qty: int = 75) -> str:
    return f"GTT BUY {qty} {symbol} trigger 100 up market product NRML"


def only(diagnostics, name: str):
    found = [d for d in diagnostics if d.name == name]
    assert len(found) == 1, [str(d) for d in diagnostics]
    return found[0]


@pytest.mark.parametrize(
    "symbol, reason",
    [
        ("NIFTY30DEC26000C", "the strike 26000 needs CE or PE after it"),
        ("BANKNIFTY30DEC55000P", "the strike 55000 needs CE or PE after it"),
        ("NIFTY30DEC26000", "the strike 26000 needs CE or PE after it"),
        ("NIFTY30DECFU", "a future ends in FUT"),
        ("NIFTY30DEC", "after the month comes FUT, or a strike and CE or PE"),
        ("NIFTY2623024000CE", "a weekly option names its expiry day (YY M DD), and 2026 has no 30 February"),
        ("NIFTY2643124000PE", "a weekly option names its expiry day (YY M DD), and 2026 has no 31 April"),
        ("NIFTY26N3124000CE", "a weekly option names its expiry day (YY M DD), and 2026 has no 31 November"),
        ("NIFTYDEC26000CE", "after NIFTY come the two digits of the expiry year"),
        ("SENSEX26XYZ80000CE", "after the year comes the month (JAN to DEC) or, in a weekly option, the day as M DD"),
        ("GOLD26DEC", "after the month comes FUT, or a strike and CE or PE"),
    ],
)
def test_a_malformed_contract_is_an_error_at_the_symbol_not_a_share(symbol, reason):
    text = gtt(symbol) + "\n"
    d = only(lint_text(text, broker="groww"), "contract-symbol")
    assert (d.severity, d.line, d.column, d.end_column) == ("error", 1, 12, 12 + len(symbol))
    underlying = d.message.split(" a ", 1)[1].split(" contract")[0]
    assert d.message == f"{symbol} does not read as a {underlying} contract: {reason}"
    assert f"{underlying}25OCT24000CE" in d.help and f"{underlying}25OCTFUT" in d.help and f"{underlying}25O01" in d.help
    assert [n for n in names(lint_text(text, broker="groww")) if n != "contract-symbol"] == []  # not also "no segment"
    requests, _ = compile_text(text)
    assert requests is None  # never a CASH request


def test_the_issues_examples_no_longer_compile_as_cash():
    for symbol in ("NIFTY30DEC26000C", "BANKNIFTY30DEC55000P", "NIFTY30DEC26000", "NIFTY30DECFU"):
        requests, diagnostics = compile_text(gtt(symbol).replace("NRML", "MIS"))
        assert requests is None and "contract-symbol" in names(diagnostics), symbol


def test_a_lower_case_contract_is_an_error_with_its_upper_case():
    d = only(lint_text(gtt("nifty25oct24000ce")), "contract-symbol")
    assert (d.message, d.help) == ("`nifty25oct24000ce` is not upper case, as contract symbols are", "write NIFTY25OCT24000CE")


def test_it_cannot_be_suppressed():
    diagnostics = lint_text(gtt("NIFTY30DEC26000C") + "  # ordspec: ignore[contract-symbol]\n")
    assert "contract-symbol" in names(diagnostics)


@pytest.mark.parametrize("symbol", ["NIFTYBEES", "NIFTY1", "BANKNIFTY1", "BANKBEES", "SENSEXIETF", "NIFTY50BEES", "GOLDIAM", "GOLDBEES", "SILVERBEES", "GOLDETF"])
def test_shares_and_etfs_named_after_an_underlying_stay_shares(symbol):
    text = f"GTT BUY 10 {symbol} trigger 100 up market product CNC"
    assert lint_text(text, broker="groww") == []
    [request], _ = compile_text(text)
    assert request.body["segment"] == "CASH" and request.body["trading_symbol"] == symbol


def test_a_symbol_the_master_lists_is_what_the_master_says(tmp_path):
    from tests.test_rules import _write_master, changed, NIFTY_OPT_ROW

    odd = changed(NIFTY_OPT_ROW, trading_symbol="NIFTY30DEC26000C", exchange_token="35002")
    master = _write_master([odd], tmp_path / "m.csv")
    assert lint_text(gtt("NIFTY30DEC26000C"), instruments=master) == []


def test_an_underlying_of_the_master_counts(tmp_path):
    from tests.test_rules import RELIANCE_FUT_ROW, _write_master

    master = _write_master([RELIANCE_FUT_ROW], tmp_path / "m.csv")
    text = "GTT BUY 500 RELIANCE25OCTFU trigger 1500 up market product NRML"
    assert "contract-symbol" not in names(lint_text(text))  # without the master RELIANCE is no known underlying
    d = only(lint_text(text, instruments=master), "contract-symbol")
    assert d.message == "RELIANCE25OCTFU does not read as a RELIANCE contract: a future ends in FUT"


# -- property: a known underlying and any suffix


PIECES = ["2", "5", "25", "26", "30", "31", "0", "1", "9", "O", "N", "D", "OCT", "DEC", "FEB", "FUT", "FU", "F",
          "CE", "PE", "C", "P", "E", "24000", "26000", ".5", "BEES", "ETF", "EQ", "-", "&", "M", "X"]
suffixes = st.one_of(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join),
    st.text(st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ&-."), min_size=1, max_size=12),
)


def _share_by_decision(symbol: str, known) -> bool:
    """What contract-symbol's docs say stays a share: no known underlying goes on like a contract, or an ETF ending."""
    if symbol.endswith(("BEES", "ETF")):
        return True
    for cut in range(1, len(symbol)):
        rest = symbol[cut:]
        if symbol[:cut] in known and (len(rest) >= 2 and rest[:2].isdigit() and rest[:2].isascii() or rest.endswith(ENDINGS)):
            return False
    return True


@settings(max_examples=examples(400), deadline=None)
@given(st.sampled_from(BUNDLED), suffixes)
@example("NIFTY", "2623024000CE")
@example("NIFTY", "30DEC26000C")
@example("GOLD", "M25OCTFUT")
@example("NIFTYNXT50", "25O0970000CE")
def test_a_known_underlying_and_any_suffix_is_a_contract_or_reported(underlying, suffix):
    symbol = underlying + suffix
    ref = RefData()
    inst = ref.lookup(symbol, None, DOC_DAY)
    diagnostics = lint_text(gtt(symbol))
    if "contract-symbol" in names(diagnostics):
        assert inst is None or inst.type == "EQ"
        return
    if inst is not None and inst.is_derivative:
        assert inst.underlying in BUNDLED and symbol.startswith(inst.underlying)
        assert inst.expiry is not None and inst.expiry > date(2000, 1, 1)
        return
    assert _share_by_decision(symbol, ref.underlyings), (symbol, inst and inst.type, names(diagnostics))
