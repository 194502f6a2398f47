"""One reading of a month and of Codifi's dates (ordspec/dates.py), and the window GA007 recovery
searches, which must be one Groww takes (list-window's own reading of "one month")."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings, strategies as st

from ordspec.dates import day_month_year, month_before, months_later, reformat
from tests.conftest import examples

MOMENTS = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)).map(lambda t: t.replace(microsecond=0))


def test_a_month_later_is_the_same_day_or_the_months_last():
    assert months_later(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert months_later(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert months_later(date(2025, 12, 15), 1) == date(2026, 1, 15)
    assert months_later(date(2025, 3, 31), -1) == date(2025, 2, 28)


@settings(max_examples=examples(400), deadline=None)
@given(MOMENTS)
def test_the_month_before_is_the_widest_window_that_spans_one_month(end):
    start = month_before(end)
    assert months_later(start, 1) >= end  # within one month, as list-window reads it
    assert months_later(start - timedelta(seconds=1), 1) < end  # and no second earlier is
    assert end - start >= timedelta(days=28)


def test_codifi_days_read_in_both_forms_and_nothing_else():
    assert day_month_year("19-06-2025") == day_month_year("19062025") == date(2025, 6, 19)
    for bad in ("1906-2025", "31-02-2025", "19-06-25", "０１０２２０２５", "0", "", None, 19062025):
        assert day_month_year(bad) is None, bad
    assert reformat("19062025", dashes=True) == "19-06-2025" and reformat("19-06-2025", dashes=False) == "19062025"
    assert reformat("0", dashes=True) == "0"  # the order book's "never"


class Listing:
    """A transport that answers every LIST with no orders, and keeps the queries it was sent."""

    def __init__(self):
        self.queries = []

    def send(self, request):
        from ordspec.dispatch.transport import Answer

        self.queries.append(request.query)
        return Answer(200, {"status": "SUCCESS", "payload": {"orders": []}}, {}, "")


def test_ga007_recovery_searches_a_window_groww_takes(monkeypatch):
    # the end of February: thirty days back from 2 March reach past one month (30 January + 1 month = 28 February)
    from ordspec import compiler
    from ordspec.dispatch import answers
    from tests.conftest import compile_text

    requests, _ = compile_text("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC ref tcs-dip-0001")
    groww = answers.get(compiler.get("groww"))
    monkeypatch.setattr(type(groww), "clock", staticmethod(lambda: datetime(2025, 3, 1, 10, 30)))
    transport = Listing()
    assert groww.recover(requests[0], transport) == (None, None)
    assert len(transport.queries) == 4  # one page in each status
    for query in transport.queries:
        start, end = (datetime.fromisoformat(query[k]) for k in ("start_date_time", "end_date_time"))
        assert end == datetime(2025, 3, 2, 10, 30)
        assert months_later(start, 1) >= end, query
