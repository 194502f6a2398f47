"""What a broker's answer means for the order (each broker's envelope is read in answers/<name>.py)."""

from __future__ import annotations

CONFIRMED = "confirmed"  # the broker did it
REJECTED = "rejected"  # the broker refused: nothing was placed
DUPLICATE = "duplicate"  # the broker has it already (Groww GA007): placed before
RETRY = "retry"  # refused for now, nothing done (429, a retry-safe error): try again
UNKNOWN = "unknown"  # the broker may or may not have acted


class Outcome:
    __slots__ = ("kind", "broker_id", "message", "retry_after", "data", "code")

    def __init__(self, kind: str, broker_id=None, message: str | None = None, retry_after=None, data=None, code=None):
        # An answer is a side input: an id or a message of another shape (a number, a list, an
        # object) is kept as text or dropped, never carried into the journal as it came.
        self.kind = kind
        self.broker_id = ident(broker_id)
        self.message = None if message is None else str(message)[:2000]
        self.retry_after = retry_after
        self.data = data  # the answer's payload, for GET and LIST
        self.code = code if isinstance(code, str) else None  # the broker's error code, where it gives one (GA006, ...)

    def __repr__(self) -> str:
        return f"Outcome({self.kind}, {self.broker_id!r}, {self.message!r})"


def ident(value) -> str | None:
    """A broker's order id as text: a string or a whole number; anything else (or an absurd length) is no id."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or (isinstance(value, int) and value.bit_length() > 256):
        return None
    text = str(value)
    return text if 0 < len(text) <= 200 else None
