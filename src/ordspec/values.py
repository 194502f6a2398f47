"""Reading the words of a statement as values: decimals, whole numbers, dates, words.

Each reader returns (value, None) or (None, Problem). A problem names the rule
it breaks and says what to write instead; nothing is rounded or guessed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ordspec.dates import date, datetime
from ordspec.language import OPTIONS
from ordspec.source import ascii_upper

MAX_INTEGER_DIGITS = 12  # no price or quantity is near a lakh crore
MAX_PLACES = 8


def written(value: Decimal) -> str:
    """A decimal as ordspec writes it back: its plain digits, without trailing zeros (120.50 -> 120.5)."""
    return format(value.normalize(), "f")


def _digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() alone also takes other scripts' digits and superscripts."""
    return text.isdigit() and text.isascii()


def is_integer(text: str) -> bool:
    return _digits(text[1:] if text[:1] in "+-" else text)


def is_plain(text: str) -> bool:
    """[+-]?digits(.digits)?"""
    whole, dot, places = (text[1:] if text[:1] in "+-" else text).partition(".")
    return _digits(whole) and (not dot or _digits(places))


def _shaped(text: str, shape: str) -> bool:
    """Whether text has digits where `shape` has 9 and the same other characters."""
    return len(text) == len(shape) and all(c.isdigit() and c.isascii() if s == "9" else c == s for c, s in zip(text, shape))


class Problem:
    __slots__ = ("rule", "message", "help")

    def __init__(self, rule: str, message: str, help: str | None = None):
        self.rule = rule
        self.message = message
        self.help = help


def _plain_form(text: str) -> str | None:
    """What a number-like word would be as a plain decimal, if it is one."""
    candidate = text.replace(",", "").replace("_", "")
    try:
        number = Decimal(candidate)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    plain = format(number, "f")
    return plain if is_plain(plain) else None


def decimal(text: str, what: str = "price"):
    if text[:1] == "+" or not is_plain(text):
        plain = _plain_form(text)
        if plain is not None and plain != text and len(plain) <= 24:
            return None, Problem("bad-number", f"`{text}` is not a plain decimal {what}", f"write {plain}")
        return None, Problem("bad-number", f"`{text}` is not a {what}", f"write a plain decimal such as 120.50")
    whole, _, places = text.lstrip("+-").partition(".")
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS or len(places) > MAX_PLACES:
        return None, Problem(
            "bad-number",
            f"`{text}` is out of range for a {what}",
            f"prices have at most {MAX_INTEGER_DIGITS} digits before the point and {MAX_PLACES} after",
        )
    return Decimal(text), None


def amount_text(text: str) -> str | None:
    """The number of an amount written INR2000 or ₹2000; None for anything else."""
    if ascii_upper(text[:3]) == "INR":
        return text[3:]
    if text[:1] == "\u20b9":  # the rupee sign
        return text[1:]
    return None


def integer(text: str, what: str = "quantity"):
    if text[:1] != "+" and is_integer(text):
        if len(text.lstrip("+-").lstrip("0")) > MAX_INTEGER_DIGITS:
            return None, Problem("bad-number", f"`{text}` is out of range for a {what}")
        return int(text), None
    plain = _plain_form(text)
    if plain is not None and is_integer(plain) and len(plain) <= 24:
        return None, Problem("bad-number", f"`{text}` is not a plain whole number", f"write {plain}")
    return None, Problem("bad-number", f"`{text}` is not a whole number: a {what} is counted in units")


def calendar_date(text: str):
    if _shaped(text, "9999-99-99"):
        try:
            return date.fromisoformat(text), None
        except ValueError:
            pass
        return None, Problem("bad-value", f"`{text}` is not a calendar date")
    return None, Problem("bad-value", f"`{text}` is not a date", "write YYYY-MM-DD, such as 2025-06-19")


def date_time(text: str):
    if _shaped(text, "9999-99-99T99:99:99"):
        try:
            return datetime.fromisoformat(text), None
        except ValueError:
            pass
        return None, Problem("bad-value", f"`{text}` is not a valid date and time")
    return None, Problem("bad-value", f"`{text}` is not a date and time", "write YYYY-MM-DDThh:mm:ss, such as 2025-01-16T09:15:00")


def suggest(word: str, choices) -> str | None:
    """The closest choice to a misspelt word, if one is close."""
    from difflib import get_close_matches  # only on the error path

    found = get_close_matches(ascii_upper(word), [ascii_upper(c) for c in choices], n=1, cutoff=0.6)
    return found[0] if found else None


def enum(text: str, choices: tuple, what: str):
    upper = ascii_upper(text)  # ASCII only: str.upper() reads `ca\u017fh` (a LONG S) as CASH
    if upper in choices:
        return upper, None
    hint = suggest(text, choices)
    help = f"did you mean {hint}?" if hint else None
    article = "an" if what[0] in "aeiou" else "a"
    return None, Problem("bad-value", f"`{text}` is not {article} {what}: expected {', '.join(choices)}", help)


def option(name: str, text: str):
    """Read the value of option `name` (see language.OPTIONS)."""
    kind, choices, _ = OPTIONS[name]
    if kind == "enum":
        return enum(text, choices, name)
    if kind == "quantity":
        return integer(text)
    if kind in ("position", "integer", "count"):
        return integer(text, name)
    if kind == "digits":
        if _digits(text):
            return text, None
        return None, Problem("bad-value", f"`{text}` is not a {name}: it is a number such as 51011")
    if kind == "date":
        return calendar_date(text)
    if kind == "datetime":
        return date_time(text)
    return text, None  # word, text
