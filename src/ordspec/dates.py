"""India's day, calendar months and the brokers' ways of writing a day: one reading of each, for every part.

A low-level module (it imports nothing of ordspec): the rules, the back ends, dispatch and the
paper broker all mean the same month and read the same Codifi dates. The modules on the lint
path take the date types from here (tests/test_lint_path.py keeps `datetime` off that path).
"""

from __future__ import annotations

try:
    # The types themselves, from the C module: Python 3.11's datetime.py first builds a pure-Python
    # copy of them that it then replaces, which costs a plain lint 1.5 ms of start-up (3.12 moved
    # that copy out). They are the same classes either way: datetime.date is _datetime.date.
    from _datetime import date, datetime, timedelta, timezone
except ImportError:  # an interpreter without the C module (PyPy)
    from datetime import date, datetime, timedelta, timezone

IST = timezone(timedelta(hours=5, minutes=30))


def today() -> date:
    """Today on the Indian markets' clock, whatever the machine's zone."""
    return datetime.now(IST).date()


def months_later(start, months: int):
    """The same day `months` later (or earlier, if negative), clamped to the month's end
    (31 January + 1 = 28 or 29 February). `start` is a date or a datetime."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    day = start.day
    while True:
        try:
            return start.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def month_before(end):
    """The earliest time a window ending at `end` may start and span no more than one month
    (months_later of it reaches `end`): the widest one-month window up to `end`."""
    start = months_later(end, -1)
    if months_later(start, 1) >= end:
        return start
    return end.replace(day=1, hour=0, minute=0, second=0, microsecond=0)  # end is past the last day of the month before


def day_month_year(text) -> date | None:
    """A day Codifi writes as DD-MM-YYYY or DDMMYYYY; None if the text is neither, or no real day."""
    if not isinstance(text, str) or not text.isascii():
        return None
    digits = text.replace("-", "")
    if len(digits) != 8 or not digits.isdigit() or text not in (digits, f"{digits[:2]}-{digits[2:4]}-{digits[4:]}"):
        return None
    try:
        return date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    except ValueError:
        return None


def reformat(text: str, dashes: bool) -> str:
    """A Codifi day in the other form (DD-MM-YYYY with `dashes`, else DDMMYYYY); any other text
    (the order book's "0": never) as it is."""
    digits = text.replace("-", "")
    if len(digits) != 8 or not digits.isdigit():
        return text
    return f"{digits[:2]}-{digits[2:4]}-{digits[4:]}" if dashes else digits
