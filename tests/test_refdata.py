"""Reference data: trading symbols, lot, tick and freeze sizes with their dates, and the Groww instrument master.

The facts come from /work/shared/reference/market-facts.md (and the bundled
tables in ordspec/refdata/data/ that cite it); each is tested both where
ordspec keeps it (symbols.parse, RefData.lookup, RefData.tick) and where a user
meets it (the diagnostics of lint).
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest

from ordspec.pipeline import UsageError
from ordspec.pipeline.run import Run
from ordspec.refdata.instruments import GROWW_COLUMNS, MasterError, RefData
from ordspec.refdata.symbols import looks_derivative, parse
from tests.conftest import DOC_DAY, REFERENCE, compile_text, lint_text, names, parse_one


def only(diagnostics, name: str):
    found = [d for d in diagnostics if d.name == name]
    assert len(found) == 1, diagnostics
    return found[0]


def errors(diagnostics) -> list[str]:
    return [d.name for d in diagnostics if d.severity == "error"]


@pytest.fixture(scope="module")
def ref() -> RefData:
    return RefData()


def gtt(qty, symbol, price="100", *, extra="product NRML") -> str:
    return f"GTT BUY {qty} {symbol} trigger {price} up limit {price} {extra}\n"


# -- trading symbols


class TestSymbols:
    @pytest.mark.parametrize(
        "symbol, underlying, type, expiry, strike",
        [
            ("NIFTY25OCT24000CE", "NIFTY", "CE", date(2025, 10, 31), Decimal("24000")),
            ("BANKNIFTY25DEC56000PE", "BANKNIFTY", "PE", date(2025, 12, 31), Decimal("56000")),
            ("NIFTY25OCTFUT", "NIFTY", "FUT", date(2025, 10, 31), None),
            ("ASIANPAINT25FEBFUT", "ASIANPAINT", "FUT", date(2025, 2, 28), None),
            ("NIFTY28FEBFUT", "NIFTY", "FUT", date(2028, 2, 29), None),
            ("RELIANCE25NOV1450.5CE", "RELIANCE", "CE", date(2025, 11, 30), Decimal("1450.5")),
            ("M&M25OCTFUT", "M&M", "FUT", date(2025, 10, 31), None),
            ("BAJAJ-AUTO25OCT9000CE", "BAJAJ-AUTO", "CE", date(2025, 10, 31), Decimal("9000")),
            ("NIFTYNXT5025OCTFUT", "NIFTYNXT50", "FUT", date(2025, 10, 31), None),
            ("NIFTYNXT5025OCT70000CE", "NIFTYNXT50", "CE", date(2025, 10, 31), Decimal("70000")),
            ("SENSEX25OCT80000CE", "SENSEX", "CE", date(2025, 10, 31), Decimal("80000")),
            ("CRUDEOIL25DECFUT", "CRUDEOIL", "FUT", date(2025, 12, 31), None),
        ],
    )
    def test_monthly_contracts_expire_at_their_months_end_at_the_latest(self, symbol, underlying, type, expiry, strike):
        c = parse(symbol)
        assert (c.underlying, c.type, c.expiry, c.expiry_exact, c.strike) == (underlying, type, expiry, False, strike)
        assert c.expiry_month == (expiry.year, expiry.month)

    @pytest.mark.parametrize(
        "symbol, underlying, type, expiry, strike",
        [
            ("NIFTY25O0924000CE", "NIFTY", "CE", date(2025, 10, 9), Decimal("24000")),
            ("NIFTY25N0424000PE", "NIFTY", "PE", date(2025, 11, 4), Decimal("24000")),
            ("NIFTY25D3026000CE", "NIFTY", "CE", date(2025, 12, 30), Decimal("26000")),
            ("NIFTY2510924000CE", "NIFTY", "CE", date(2025, 1, 9), Decimal("24000")),
            ("NIFTY2590224500PE", "NIFTY", "PE", date(2025, 9, 2), Decimal("24500")),
            ("NIFTY2610625000CE", "NIFTY", "CE", date(2026, 1, 6), Decimal("25000")),
            ("SENSEX2511080000CE", "SENSEX", "CE", date(2025, 1, 10), Decimal("80000")),
            ("NIFTYNXT5025O0970000CE", "NIFTYNXT50", "CE", date(2025, 10, 9), Decimal("70000")),
        ],
    )
    def test_weekly_options_name_their_day(self, symbol, underlying, type, expiry, strike):
        # YY + M + DD, M being 1-9 for January to September and O, N, D for the rest
        c = parse(symbol)
        assert (c.underlying, c.type, c.expiry, c.expiry_exact, c.strike) == (underlying, type, expiry, True, strike)

    def test_a_weekly_option_on_nifty_next_50_in_a_numbered_month(self):
        # Alone, the symbol splits two ways (NIFTYNXT5 02 5 10 970000 CE is a real date too);
        # weekly options are index options, so a known underlying settles it.
        c = parse("NIFTYNXT502510970000CE", {"NIFTYNXT50"})
        assert (c.underlying, c.expiry, c.strike) == ("NIFTYNXT50", date(2025, 1, 9), Decimal("70000"))
        inst = RefData().lookup("NIFTYNXT502510970000CE", None, date(2025, 1, 1))
        assert (inst.underlying, inst.expiry, inst.lot[0]) == ("NIFTYNXT50", date(2025, 1, 9), 25)

    @pytest.mark.parametrize(
        "symbol, underlying",
        [
            ("TCS", "TCS"),
            ("TCS-EQ", "TCS"),
            ("TCS-BE", "TCS"),
            ("RELIANCE-SM", "RELIANCE"),
            ("BAJAJ-AUTO", "BAJAJ-AUTO"),
            ("M&M", "M&M"),
            ("3MINDIA", "3MINDIA"),
            ("TCS-XX", "TCS-XX"),  # not a series: part of the name
        ],
    )
    def test_shares_and_their_series_suffixes(self, symbol, underlying):
        c = parse(symbol)
        assert (c.type, c.underlying, c.expiry, c.strike) == ("EQ", underlying, None, None)
        assert not looks_derivative(symbol)

    @pytest.mark.parametrize(
        "symbol",
        ["NIFTY25XYZ24000CE", "NIFTY25O3224000CE", "NIFTY25N3124000CE", "NIFTY25O0024000CE", "NIFTY25OCTCE", "NIFTY2524000FUT"],
    )
    def test_contract_like_symbols_that_do_not_read(self, symbol):
        assert looks_derivative(symbol)
        assert parse(symbol) is None

    def test_an_unreadable_contract_on_an_unknown_underlying_is_a_warning_at_the_symbol(self):
        text = "GTT BUY 75 TITAN25XYZ24000CE trigger 100 up market product NRML\n"
        d = only(lint_text(text), "unknown-symbol")
        assert d.severity == "warning"
        assert (d.line, d.column, d.end_column) == (1, 12, 29)
        assert d.message == "cannot read TITAN25XYZ24000CE as a contract symbol"
        assert errors(lint_text(text)) == []

    def test_a_lower_case_share_is_a_warning(self):
        d = only(lint_text("GTT BUY 10 tcs trigger 100 up market product CNC\n"), "unknown-symbol")
        assert d.help == "write TCS"

    @pytest.mark.parametrize("symbol", ["NIFTY", "BANKNIFTY", "FINNIFTY", "MIDCPNIFTY", "NIFTYNXT50", "SENSEX", "BANKEX"])
    def test_an_index_is_not_a_contract(self, ref, symbol):
        assert ref.lookup(symbol, None, DOC_DAY).type == "IDX"
        d = only(lint_text(f"OCO SELL 50 {symbol} target 120.5 sl 95\n"), "index-symbol")
        assert d.message == f"{symbol} is an index, not a tradable contract"
        assert f"{symbol}25OCTFUT" in d.help  # a contract of the --as-of month


# -- lot sizes: by the contract's expiry


LOTS = [
    ("NIFTY24DEC24000CE", 25),
    ("NIFTY25JAN24000CE", 75),
    ("NIFTY25OCT24000CE", 75),
    ("NIFTY25DECFUT", 75),
    ("NIFTY25D3026000CE", 75),
    ("NIFTY26JAN24000CE", 65),
    ("NIFTY2610625000CE", 65),
    ("NIFTY26DEC26000CE", 65),
    ("BANKNIFTY25JAN50000CE", 30),
    ("BANKNIFTY25JUN50000CE", 30),
    ("BANKNIFTY25JULFUT", 35),
    ("BANKNIFTY25DEC56000PE", 35),
    ("BANKNIFTY26JANFUT", 30),
    ("FINNIFTY25DECFUT", 65),
    ("FINNIFTY26JANFUT", 60),
    ("MIDCPNIFTY25JUNFUT", 120),
    ("MIDCPNIFTY25JUL12000CE", 140),
    ("MIDCPNIFTY25OCTFUT", 140),
    ("MIDCPNIFTY25DEC13000PE", 140),
    ("MIDCPNIFTY26JANFUT", 120),
    ("NIFTYNXT5025OCTFUT", 25),
    ("SENSEX25OCT80000CE", 20),
    ("SENSEX2511080000CE", 20),
    ("BANKEX25OCTFUT", 30),
]


class TestLotSizes:
    @pytest.mark.parametrize("symbol, lot", LOTS)
    def test_the_lot_belongs_to_the_expiry(self, ref, symbol, lot):
        inst = ref.lookup(symbol, None, DOC_DAY)
        assert inst.lot[0] == lot
        assert re.search(r"circular|NSE/FAOP/|SEBI/HO/", inst.lot[1]), inst.lot[1]  # the circular it comes from

    def test_not_to_the_day_it_is_checked_on(self, ref):
        # Old and new lots trade side by side: on one day, December 2025 is 75 and January 2026 is 65.
        for day in (date(2025, 10, 1), date(2025, 12, 15)):
            assert ref.lookup("NIFTY25DEC24000CE", None, day).lot[0] == 75
            assert ref.lookup("NIFTY26JAN24000CE", None, day).lot[0] == 65

    @pytest.mark.parametrize("symbol, lot", LOTS)
    def test_lint_checks_whole_lots(self, symbol, lot):
        early = date(2024, 11, 1)  # every contract above is live
        assert "lot-size" not in names(lint_text(gtt(lot * 3, symbol), as_of=early))
        d = only(lint_text(gtt(lot + 5, symbol), as_of=early), "lot-size")
        assert d.message == f"quantity {lot + 5} is not a whole number of lots: {symbol} trades in lots of {lot}"
        assert d.help.startswith(f"use {lot} (1 lot) or {2 * lot} (2 lots); lot {lot} from ")

    def test_the_documents_own_example(self):
        text = "OCO SELL 50 NIFTY25OCT24000CE target 120.50 limit 121 sl 95 product MIS\n"
        d = only(lint_text(text), "lot-size")
        assert (d.severity, d.code, d.line, d.column, d.end_column) == ("error", "OS201", 1, 10, 12)
        assert d.message == "quantity 50 is not a whole number of lots: NIFTY25OCT24000CE trades in lots of 75"

    def test_december_and_january_expiries_side_by_side(self):
        text = gtt(65, "NIFTY25DEC24000CE") + gtt(65, "NIFTY26JAN24000CE") + gtt(75, "NIFTY25DEC24000CE") + gtt(75, "NIFTY26JAN24000CE")
        found = [(d.line, d.message.rsplit(" ", 1)[-1]) for d in lint_text(text) if d.name == "lot-size"]
        assert found == [(1, "75"), (4, "65")]

    @pytest.mark.parametrize(
        "text, as_of",
        [
            (gtt(100, "RELIANCE25OCTFUT", "1500"), DOC_DAY),
            (gtt(20, "SENSEX2510780000CE"), date(2025, 1, 2)),  # before the lot of 20 applies
            (gtt(100, "CRUDEOIL25DECFUT", "6000"), DOC_DAY),
        ],
    )
    def test_an_unknown_lot_is_said_not_guessed(self, text, as_of):
        d = only(lint_text(text, as_of=as_of), "reference-data")
        assert d.severity == "info"
        assert d.message.endswith("lot-size was not checked")
        assert "lot-size" not in names(lint_text(text, as_of=as_of))

    def test_shares_have_no_lot(self, ref):
        assert ref.lookup("TCS", None, DOC_DAY).lot is None
        assert names(lint_text(gtt(7, "TCS", "3985", extra="product CNC"))) == []


# -- freeze quantities: by the day checked


class TestFreezeQuantities:
    @pytest.mark.parametrize(
        "day, freeze",
        [
            (date(2025, 6, 1), None),
            (date(2025, 8, 31), None),
            (date(2025, 9, 1), 900),
            (date(2025, 10, 1), 900),
            (date(2025, 11, 2), 900),
            (date(2025, 11, 3), None),
            (date(2026, 1, 31), None),
            (date(2026, 2, 1), 600),
            (date(2026, 6, 30), 600),
        ],
    )
    def test_banknifty_by_day(self, ref, day, freeze):
        inst = ref.lookup("BANKNIFTY26JUN50000CE", None, day)
        assert (inst.freeze[0] if inst.freeze else None) == freeze

    @pytest.mark.parametrize(
        "symbol, freeze",
        [
            ("NIFTY26JUN24000CE", 1800),
            ("BANKNIFTY26JUNFUT", 600),
            ("FINNIFTY26JUNFUT", 1800),
            ("MIDCPNIFTY26JUNFUT", 2800),
            ("NIFTYNXT5026JUNFUT", 600),
        ],
    )
    def test_from_february_2026(self, ref, symbol, freeze):
        assert ref.lookup(symbol, None, date(2026, 2, 1)).freeze[0] == freeze
        assert ref.lookup(symbol, None, date(2026, 1, 31)).freeze is None

    def test_none_for_shares_or_unknown_underlyings(self, ref):
        assert ref.lookup("TCS", None, date(2026, 3, 2)).freeze is None
        assert ref.lookup("RELIANCE26MARFUT", None, date(2026, 3, 2)).freeze is None

    def test_lint_on_the_day(self):
        text = gtt(945, "BANKNIFTY25OCT50000CE")  # 27 lots of 35
        d = only(lint_text(text, as_of=date(2025, 10, 1)), "freeze-quantity")
        assert (d.line, d.column, d.end_column) == (1, 9, 12)
        assert d.message == "quantity 945 is above the freeze quantity of 900 for BANKNIFTY"
        assert d.help.startswith("split it into orders of at most 900;") and "in force on 2025-10-01" in d.help
        assert "freeze-quantity" not in names(lint_text(text, as_of=date(2025, 8, 31)))
        assert "freeze-quantity" not in names(lint_text(gtt(875, "BANKNIFTY25OCT50000CE"), as_of=date(2025, 10, 1)))

    def test_exactly_the_freeze_quantity_is_allowed(self):
        assert names(lint_text(gtt(600, "BANKNIFTY26FEB50000CE"), as_of=date(2026, 2, 2))) == []
        d = only(lint_text(gtt(630, "BANKNIFTY26FEB50000CE"), as_of=date(2026, 2, 2)), "freeze-quantity")
        assert "of 600 for BANKNIFTY" in d.message

    def test_the_rules_own_example(self):
        text = "GTT SELL 1820 NIFTY26DEC26000CE trigger 100 down market product NRML\n"
        d = only(lint_text(text, as_of=date(2026, 3, 2)), "freeze-quantity")
        assert d.message == "quantity 1820 is above the freeze quantity of 1800 for NIFTY"
        assert errors(lint_text(text, as_of=date(2026, 3, 2))) == ["freeze-quantity"]


# -- tick sizes: by price band and day


NSE_BANDS = [
    ("0.01", "0.01"),
    ("249.99", "0.01"),
    ("250", "0.05"),
    ("999.95", "0.05"),
    ("1000", "0.10"),
    ("4999.90", "0.10"),
    ("5000", "0.50"),
    ("9999.50", "0.50"),
    ("10000", "1.00"),
    ("19999", "1.00"),
    ("20000", "5.00"),
    ("150000", "5.00"),
]


class TestTickSizes:
    @pytest.mark.parametrize("price, tick", NSE_BANDS)
    def test_nse_cash_bands_from_15_april_2025(self, ref, price, tick):
        inst = ref.lookup("TCS", None, DOC_DAY)
        found = ref.tick(inst, Decimal(price), date(2025, 4, 15))
        assert found[0] == Decimal(tick)
        assert "2025-03-13" in found[1]

    @pytest.mark.parametrize("price, tick", NSE_BANDS)
    def test_stock_futures_tick_like_shares(self, ref, price, tick):
        inst = ref.lookup("RELIANCE25OCTFUT", None, DOC_DAY)
        assert ref.tick(inst, Decimal(price), DOC_DAY)[0] == Decimal(tick)

    def test_no_cash_band_is_known_before(self, ref):
        for symbol in ("TCS", "RELIANCE25OCTFUT"):
            assert ref.tick(ref.lookup(symbol, None, DOC_DAY), Decimal("3985"), date(2025, 4, 14)) is None

    @pytest.mark.parametrize(
        "price, ok",
        [
            ("249.99", True),
            ("250.01", False),
            ("250.05", True),
            ("999.95", True),
            ("1000.05", False),
            ("1000.10", True),
            ("4999.90", True),
            ("5000.10", False),
            ("5000.50", True),
            ("9999.50", True),
            ("10000.50", False),
            ("10001", True),
            ("19999", True),
            ("20001", False),
            ("20005", True),
        ],
    )
    def test_lint_reads_the_band_off_the_price(self, price, ok):
        diagnostics = lint_text(f"GTT BUY 1 TCS trigger {price} down limit {price} product CNC\n")
        found = [d for d in diagnostics if d.name == "tick-size"]
        assert len(found) == (0 if ok else 2), diagnostics
        if not ok:
            assert found[0].message.startswith(f"trigger price {price} is not a multiple of the tick size ")

    def test_each_price_has_its_own_band(self):
        text = "GTT BUY 1 TCS trigger 249.99 down limit 250.01 product CNC\n"
        d = only(lint_text(text), "tick-size")
        assert d.message == "limit price 250.01 is not a multiple of the tick size 0.05"
        assert d.help.startswith("nearest valid prices: 250.00 or 250.05; tick 0.05 from ")
        assert (d.column, d.end_column) == (text.index("250.01") + 1, text.index("250.01") + 7)

    def test_the_rules_own_example_and_the_day_it_starts(self):
        text = "GTT BUY 10 TCS trigger 3985.03 down limit 3990 product CNC\n"
        d = only(lint_text(text, as_of=date(2025, 4, 15)), "tick-size")
        assert d.message == "trigger price 3985.03 is not a multiple of the tick size 0.10"
        assert "tick-size" not in names(lint_text(text, as_of=date(2025, 4, 14)))

    @pytest.mark.parametrize("day", [date(2024, 6, 3), DOC_DAY])
    def test_index_options_tick_005_on_any_day(self, ref, day):
        inst = ref.lookup("NIFTY25OCT24000CE", None, day)
        assert ref.tick(inst, Decimal("120"), day)[0] == Decimal("0.05")
        assert ref.tick(ref.lookup("SENSEX25OCT80000CE", None, day), Decimal("120"), day)[0] == Decimal("0.05")
        found = [d.message for d in lint_text(gtt(75, "NIFTY25OCT24000CE", "120.52"), as_of=day) if d.name == "tick-size"]
        assert found == [f"{what} price 120.52 is not a multiple of the tick size 0.05" for what in ("trigger", "limit")]
        assert "tick-size" not in names(lint_text(gtt(75, "NIFTY25OCT24000CE", "120.55"), as_of=day))

    @pytest.mark.parametrize(
        "level, tick",
        [("9000", "0.05"), ("14999.95", "0.05"), ("15000", "0.10"), ("25000", "0.10"), ("29999.90", "0.10"), ("30000", "0.20"), ("56000", "0.20")],
    )
    def test_index_futures_tick_by_level(self, ref, level, tick):
        inst = ref.lookup("NIFTY25OCTFUT", None, DOC_DAY)
        assert ref.tick(inst, Decimal(level), DOC_DAY)[0] == Decimal(tick)

    def test_lint_index_futures(self):
        bad = [d.message for d in lint_text(gtt(75, "NIFTY25OCTFUT", "25000.05")) if d.name == "tick-size"]
        assert bad == ["trigger price 25000.05 is not a multiple of the tick size 0.10", "limit price 25000.05 is not a multiple of the tick size 0.10"]
        assert "tick-size" not in names(lint_text(gtt(75, "NIFTY25OCTFUT", "14999.95")))
        assert "tick-size" not in names(lint_text(gtt(35, "BANKNIFTY25OCTFUT", "56000.20")))
        assert "tick-size" in names(lint_text(gtt(35, "BANKNIFTY25OCTFUT", "56000.10")))

    def test_no_tick_is_guessed_for_commodities_or_stock_options(self, ref):
        assert ref.tick(ref.lookup("CRUDEOIL25DECFUT", None, DOC_DAY), Decimal("6000.03"), DOC_DAY) is None
        assert ref.tick(ref.lookup("RELIANCE25OCT1500CE", None, DOC_DAY), Decimal("10.03"), DOC_DAY) is None


# -- segment, exchange and expiry


class TestSegmentExchangeExpiry:
    @pytest.mark.parametrize(
        "symbol, exchange, segment",
        [
            ("TCS", "NSE", "CASH"),
            ("TCS-EQ", "NSE", "CASH"),
            ("NIFTY25OCT24000CE", "NSE", "FNO"),
            ("RELIANCE25OCTFUT", "NSE", "FNO"),
            ("SENSEX25OCT80000CE", "BSE", "FNO"),
            ("BANKEX25OCTFUT", "BSE", "FNO"),
            ("CRUDEOIL25DECFUT", "MCX", "COMMODITY"),
            ("GOLDM25DECFUT", "MCX", "COMMODITY"),
        ],
    )
    def test_inferred_from_the_symbol(self, ref, symbol, exchange, segment):
        inst = ref.lookup(symbol, None, DOC_DAY)
        assert (inst.exchange, inst.segment) == (exchange, segment)
        (stmt,), _ = parse_one(f"GTT BUY 1 {symbol} trigger 100 up market\n")
        assert stmt.opt("exchange") == exchange and "exchange" in stmt.defaulted
        assert stmt.segment.value == segment

    def test_a_share_may_name_either_exchange(self, ref):
        assert ref.lookup("TCS", "BSE", DOC_DAY).exchange == "BSE"
        assert names(lint_text("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC exchange BSE\n")) == []

    def test_a_contract_names_its_own_exchange(self):
        text = "GTT BUY 20 SENSEX25OCT80000CE trigger 100 up market product NRML exchange NSE\n"
        d = only(lint_text(text), "exchange-mismatch")
        assert (d.message, d.help) == ("SENSEX25OCT80000CE trades on BSE, not NSE", "write `exchange BSE`")
        assert d.column == text.rindex("NSE") + 1

    @pytest.mark.parametrize(
        "text, message",
        [
            ("OCO SELL 75 NIFTY25OCT24000CE target 120.5 sl 95 product MIS segment CASH\n", "NIFTY25OCT24000CE is in segment FNO, not CASH"),
            ("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC segment FNO\n", "TCS is in segment CASH, not FNO"),
            ("GTT BUY 100 CRUDEOIL25DECFUT trigger 6000 up market product NRML segment FNO\n", "CRUDEOIL25DECFUT is in segment COMMODITY, not FNO"),
        ],
    )
    def test_a_segment_that_is_not_the_instruments(self, text, message):
        assert only(lint_text(text), "segment-mismatch").message == message

    def test_the_inferred_segment_reaches_the_request(self):
        (request,), diagnostics = compile_text("OCO SELL 75 NIFTY25OCT24000CE target 120.5 sl 95 product MIS\n")
        assert diagnostics == []
        assert (request.body["segment"], request.body["exchange"]) == ("FNO", "NSE")

    def test_a_monthly_contract_is_live_through_its_months_end(self):
        text = "OCO SELL 75 NIFTY25OCT24000CE target 120.5 sl 95 product MIS\n"
        assert "expired-contract" not in names(lint_text(text, as_of=date(2025, 10, 31)))
        d = only(lint_text(text, as_of=date(2025, 11, 1)), "expired-contract")
        assert d.message == "NIFTY25OCT24000CE expired in October 2025 (checked as of 2025-11-01)"
        assert (d.column, d.end_column) == (13, 30)

    def test_a_weekly_option_expires_on_its_day(self):
        text = gtt(75, "NIFTY25O0924000CE")
        assert "expired-contract" not in names(lint_text(text, as_of=date(2025, 10, 9)))
        d = only(lint_text(text, as_of=date(2025, 10, 10)), "expired-contract")
        assert d.message == "NIFTY25O0924000CE expired on 2025-10-09 (checked as of 2025-10-10)"

    def test_shares_do_not_expire(self, ref):
        assert ref.lookup("TCS", None, DOC_DAY).expiry is None
        assert names(lint_text(gtt(1, "TCS", "3985", extra="product CNC"), as_of=date(2040, 1, 1))) == []


# -- the Groww instrument master (--instruments)


def _row(**values) -> dict:
    row = dict.fromkeys(GROWW_COLUMNS, "")
    row.update(is_reserved="0", buy_allowed="1", sell_allowed="1")
    row.update(values)
    return row


ROWS = {
    "option": _row(
        exchange="NSE", exchange_token="35001", trading_symbol="NIFTY25OCT24000CE", groww_symbol="NSE-NIFTY-28Oct25-24000-CE",
        name="NIFTY", instrument_type="CE", segment="FNO", underlying_symbol="NIFTY", underlying_exchange_token="26000",
        expiry_date="2025-10-28", strike_price="24000", lot_size="50", tick_size="0.10", freeze_quantity="1801",
    ),
    "banknifty": _row(
        exchange="NSE", exchange_token="35002", trading_symbol="BANKNIFTY25OCT50000CE", groww_symbol="NSE-BANKNIFTY-28Oct25-50000-CE",
        name="BANKNIFTY", instrument_type="CE", segment="FNO", underlying_symbol="BANKNIFTY", underlying_exchange_token="26009",
        expiry_date="2025-10-28", strike_price="50000", lot_size="30", tick_size="0.05", freeze_quantity="601",
    ),
    "share": _row(
        exchange="NSE", exchange_token="11536", trading_symbol="TCS", groww_symbol="NSE-TCS", name="TATA CONSULTANCY SERV LT",
        instrument_type="EQ", segment="CASH", series="EQ", isin="INE467B01029", lot_size="1", tick_size="0.10",
    ),
    "index": _row(exchange="NSE", exchange_token="26000", trading_symbol="NIFTY", groww_symbol="NSE-NIFTY", name="NIFTY 50", instrument_type="IDX"),
    "bse": _row(
        exchange="BSE", exchange_token="1", trading_symbol="FOO25OCTFUT", groww_symbol="BSE-FOO-30Oct25-FUT", name="FOO",
        instrument_type="FUT", segment="FNO", underlying_symbol="FOO", expiry_date="2025-10-30", lot_size="100", tick_size="0.05",
    ),
}


def write_master(path, rows, columns=GROWW_COLUMNS, *, prefix="") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        if isinstance(row, str):
            out.write(row + "\n")
        else:
            writer.writerow(row)
    path.write_text(prefix + out.getvalue(), encoding="utf-8")
    return str(path)


@pytest.fixture
def master(tmp_path) -> str:
    return write_master(tmp_path / "instruments.csv", ROWS.values())


class TestInstrumentMaster:
    def test_the_columns_are_the_documented_ones(self):
        assert GROWW_COLUMNS[:3] == ("exchange", "exchange_token", "trading_symbol") and len(GROWW_COLUMNS) == 19
        facts = REFERENCE / "market-facts.md"
        if not facts.exists():
            pytest.skip("the shared reference documents are not present")
        text = " ".join(facts.read_text(encoding="utf-8").split())
        listed = re.search(r"columns, in order: `([^`]*)`", text).group(1)
        assert tuple(c.strip() for c in listed.split(",")) == GROWW_COLUMNS

    def test_exact_values_from_the_master(self, master):
        inst = RefData(master).lookup("NIFTY25OCT24000CE", None, DOC_DAY)
        assert inst.origin == "master"
        assert (inst.exchange, inst.segment, inst.type, inst.underlying) == ("NSE", "FNO", "CE", "NIFTY")
        assert (inst.expiry, inst.expiry_exact, inst.strike) == (date(2025, 10, 28), True, Decimal("24000"))
        assert inst.lot[0] == 50 and inst.tick[0] == Decimal("0.10")
        assert inst.lot[1].endswith("line 2")

    def test_the_master_overrides_the_bundled_lot(self, master):
        text = gtt(75, "NIFTY25OCT24000CE", "100.10")
        assert "lot-size" not in names(lint_text(text))
        d = only(lint_text(text, instruments=master), "lot-size")
        assert "trades in lots of 50" in d.message
        assert f"lot 50 from instrument master {master}, line 2" in d.help

    def test_the_master_overrides_the_bundled_tick(self, master):
        text = gtt(50, "NIFTY25OCT24000CE", "100.05")
        assert "tick-size" not in names(lint_text(text))
        found = [d for d in lint_text(text, instruments=master) if d.name == "tick-size"]
        assert len(found) == 2 and all("tick size 0.10" in d.message for d in found)

    def test_the_master_gives_the_exact_expiry(self, master):
        text = gtt(50, "NIFTY25OCT24000CE")
        assert "expired-contract" not in names(lint_text(text, as_of=date(2025, 10, 29)))
        d = only(lint_text(text, as_of=date(2025, 10, 29), instruments=master), "expired-contract")
        assert d.message == "NIFTY25OCT24000CE expired on 2025-10-28 (checked as of 2025-10-29)"
        assert "expired-contract" not in names(lint_text(text, as_of=date(2025, 10, 28), instruments=master))

    def test_freeze_quantity_is_read_as_one_less(self, master):
        inst = RefData(master).lookup("BANKNIFTY25OCT50000CE", None, DOC_DAY)
        assert inst.freeze[0] == 600  # Groww publishes 601
        assert "minus one" in inst.freeze[1]
        assert "freeze-quantity" not in names(lint_text(gtt(600, "BANKNIFTY25OCT50000CE"), instruments=master))
        d = only(lint_text(gtt(630, "BANKNIFTY25OCT50000CE"), instruments=master), "freeze-quantity")
        assert d.message == "quantity 630 is above the freeze quantity of 600 for BANKNIFTY"
        # and it overrides the bundled 900 in force that day
        assert "freeze-quantity" not in names(lint_text(gtt(630, "BANKNIFTY25OCT50000CE")))

    def test_a_share_and_an_index_from_the_master(self, master):
        data = RefData(master)
        share = data.lookup("TCS", None, DOC_DAY)
        assert (share.type, share.segment, share.tick[0], share.freeze) == ("EQ", "CASH", Decimal("0.10"), None)
        assert only(lint_text("OCO SELL 50 NIFTY target 120 sl 95 product MIS\n", instruments=master), "index-symbol")

    def test_the_masters_exchange_is_the_default(self, master):
        (stmt,), _ = parse_one("GTT BUY 100 FOO25OCTFUT trigger 100 up limit 100 product NRML\n")
        assert stmt.opt("exchange") == "NSE"  # the symbol alone
        run = Run(as_of=DOC_DAY, instruments=master)
        (stmt,) = run.check(run.read("t.ord", "t.ord", b"GTT BUY 100 FOO25OCTFUT trigger 100 up limit 100 product NRML\n"))
        assert (stmt.opt("exchange"), stmt.segment.value, stmt.instrument.lot[0]) == ("BSE", "FNO", 100)

    def test_an_exchange_the_master_does_not_list(self, master):
        diagnostics = lint_text(gtt(100, "FOO25OCTFUT", extra="product NRML exchange NSE"), instruments=master)
        d = only(diagnostics, "exchange-mismatch")
        assert d.message == "FOO25OCTFUT trades on BSE, not NSE"
        assert "reference-data" not in names(diagnostics)

    def test_a_symbol_missing_from_the_master(self, master):
        text = "GTT BUY 10 INFY trigger 1500 up limit 1500 product CNC\n"
        assert "unknown-symbol" not in names(lint_text(text))
        d = only(lint_text(text, instruments=master), "unknown-symbol")
        assert (d.severity, d.line, d.column) == ("warning", 1, 12)
        assert d.message == f"INFY is not in the instrument master {master}"
        assert RefData(master).in_master("INFY") is False and RefData().in_master("INFY") is None

    def test_a_symbol_missing_from_the_master_still_gets_the_bundled_tables(self, master):
        d = only(lint_text(gtt(50, "NIFTY25NOV24000CE"), instruments=master), "lot-size")
        assert "lots of 75" in d.message

    def test_bad_rows_are_warnings_at_their_line(self, tmp_path):
        rows = [
            ROWS["share"],
            _row(exchange="NSE", trading_symbol="NIFTY25NOV24000CE", instrument_type="CE", segment="FNO", lot_size="seventy-five", tick_size="0.05"),
            "NSE,35004,NIFTY25NOV24100CE,x,NIFTY,CE,FNO",
            ",,,,,,,,,,,,,,,,,,",  # an empty row is no problem
            _row(exchange="NSE", trading_symbol="NIFTY25NOV24200CE", instrument_type="CE", lot_size="75", tick_size="0"),
            _row(exchange="NSE", trading_symbol="NIFTY25NOV24300CE", instrument_type="CE", lot_size="75", expiry_date="2025-13-25"),
            _row(exchange="NSE", trading_symbol="NIFTY25NOV24400CE", instrument_type="CE", lot_size="75.5"),
            _row(exchange="NSE", trading_symbol="NIFTY25NOV24500CE", instrument_type="CE", lot_size="75", strike_price="24k"),
            _row(exchange="NSE", trading_symbol="NIFTY25NOV24600CE", instrument_type="CE", lot_size="75", freeze_quantity="lots"),
        ]
        path = write_master(tmp_path / "m.csv", rows)
        diagnostics = lint_text(gtt(75, "NIFTY25NOV24000CE"), instruments=path)
        warnings = [d for d in diagnostics if d.name == "instrument-data"]
        assert [(d.file, d.line, d.column, d.severity) for d in warnings] == [(path, line, 1, "warning") for line in (3, 4, 6, 7, 8, 9, 10)]
        assert all(d.message.startswith("row skipped: ") for d in warnings)
        assert warnings[1].message == "row skipped: 7 columns, expected 19"
        assert warnings[2].message == "row skipped: tick_size 0 is not above zero"
        # the skipped contract is checked against the bundled tables instead
        assert RefData(path).lookup("NIFTY25NOV24000CE", None, DOC_DAY).origin == "symbol"
        assert errors(diagnostics) == []

    def test_only_the_first_twenty_bad_rows_are_listed(self, tmp_path):
        bad = [_row(exchange="NSE", trading_symbol=f"X{i}", lot_size="many") for i in range(25)]
        path = write_master(tmp_path / "m.csv", bad)
        warnings = [d for d in lint_text("GTT BUY 10 TCS trigger 3985 down limit 3990\n", instruments=path) if d.name == "instrument-data"]
        assert len(warnings) == 21
        assert [d.line for d in warnings[:20]] == list(range(2, 22))
        assert (warnings[20].line, warnings[20].message) == (22, "5 more rows skipped")

    def test_a_bad_row_after_a_multi_line_field_is_at_its_line(self, tmp_path):
        share = dict(ROWS["share"], name="TATA CONSULTANCY\nSERVICES")
        bad = _row(exchange="NSE", trading_symbol="NIFTY25NOV24000CE", lot_size="seventy-five")
        path = write_master(tmp_path / "m.csv", [share, bad])
        assert (tmp_path / "m.csv").read_text().splitlines()[3].startswith("NSE,,NIFTY25NOV24000CE")
        assert [line for _, line, _ in RefData(path).master_problems] == [4]

    def test_a_byte_order_mark_and_crlf_are_read(self, tmp_path):
        path = tmp_path / "m.csv"
        write_master(path, [ROWS["banknifty"]], prefix="\ufeff")
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
        data = RefData(str(path))
        assert data.master_problems == []
        assert data.lookup("BANKNIFTY25OCT50000CE", None, DOC_DAY).lot[0] == 30

    @pytest.mark.parametrize(
        "content, message",
        [
            (b"exchange,trading_symbol,lot_size\nNSE,TCS,1\n", "missing column(s) exchange_token, groww_symbol"),
            (b"", "is empty: expected a CSV instrument file with a header line"),
            (b'{"instruments": []}\n', "is not a Groww instrument CSV"),
            (b"\xff\xfe\x00\x01\x02binary", "is not UTF-8 text"),
        ],
    )
    def test_a_file_that_is_not_a_groww_master(self, tmp_path, content, message):
        path = tmp_path / "bad.csv"
        path.write_bytes(content)
        with pytest.raises(MasterError, match=re.escape(message)):
            RefData(str(path))
        with pytest.raises(UsageError, match=re.escape(message)):
            Run(instruments=str(path), as_of=DOC_DAY).load()
        with pytest.raises(UsageError):
            lint_text("GTT BUY 10 TCS trigger 3985 down limit 3990\n", instruments=str(path))

    def test_a_missing_file(self, tmp_path):
        with pytest.raises(MasterError, match="cannot read instrument file"):
            RefData(str(tmp_path / "nowhere.csv"))

    def test_through_the_command(self, cli, tmp_path, master):
        orders = tmp_path / "o.ord"
        orders.write_text(gtt(630, "BANKNIFTY25OCT50000CE"))
        bad = tmp_path / "bad.csv"
        bad.write_text("exchange,trading_symbol\nNSE,TCS\n")
        done = cli("lint", orders, "--instruments", bad, "--as-of", "2025-10-01")
        assert done.returncode == 2
        assert b"missing column" in done.stderr and done.stdout == b""
        done = cli("lint", orders, "--instruments", master, "--as-of", "2025-10-01", "--format", "json")
        assert done.returncode == 1
        found = [(d["name"], d["line"]) for d in json.loads(done.stdout)["diagnostics"]]
        assert found == [("freeze-quantity", 1)]


class TestRememberedLookups:
    def test_a_symbol_is_read_once_per_exchange_and_day(self, monkeypatch):
        ref = RefData()
        calls = []
        read = ref._lookup
        monkeypatch.setattr(ref, "_lookup", lambda *key: calls.append(key) or read(*key))
        first = ref.lookup("BANKNIFTY26JUN50000CE", None, date(2026, 2, 1))
        assert ref.lookup("BANKNIFTY26JUN50000CE", None, date(2026, 2, 1)) is first
        assert ref.lookup("BANKNIFTY26JUN50000CE", None, date(2026, 1, 31)).freeze is None  # another day: asked afresh
        assert ref.lookup("NOTASYMBOL25OCT1CE", None, DOC_DAY) is ref.lookup("NOTASYMBOL25OCT1CE", None, DOC_DAY)
        assert first.freeze[0] == 600 and len(calls) == 3

    def test_what_is_remembered_is_bounded(self, monkeypatch):
        from ordspec.refdata import instruments

        monkeypatch.setattr(instruments, "MAX_REMEMBERED", 2)
        ref = RefData()
        for symbol in ("TCS", "INFY", "NIFTY25OCT24000CE", "TCS"):
            assert ref.lookup(symbol, None, DOC_DAY).symbol == symbol
            assert len(ref._looked_up) <= 2
