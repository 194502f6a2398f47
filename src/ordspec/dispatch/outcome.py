"""What a broker's answer means for the order: each back end reads its own envelope."""

from __future__ import annotations

CONFIRMED = "confirmed"  # the broker did it
REJECTED = "rejected"  # the broker refused: nothing was placed
DUPLICATE = "duplicate"  # the broker has it already (Groww GA007): placed before
RETRY = "retry"  # refused for now, nothing done (429, a retry-safe error): try again
UNKNOWN = "unknown"  # the broker may or may not have acted


class Outcome:
    __slots__ = ("kind", "broker_id", "message", "retry_after", "data", "code")

    def __init__(self, kind: str, broker_id=None, message: str | None = None, retry_after=None, data=None, code=None):
        self.kind = kind
        self.broker_id = broker_id
        self.message = message
        self.retry_after = retry_after
        self.data = data  # the answer's payload, for GET and LIST
        self.code = code  # the broker's error code, where it gives one (GA006, ...)

    def __repr__(self) -> str:
        return f"Outcome({self.kind}, {self.broker_id!r}, {self.message!r})"


def common(answer) -> Outcome | None:
    """What every broker's answer means by its status alone."""
    if answer.status == 429:
        return Outcome(RETRY, message="429 Too Many Requests", retry_after=answer.retry_after())
    return None


def server_error(answer, text: str) -> Outcome:
    """A 5xx or an answer that cannot be read: the broker may have acted."""
    return Outcome(UNKNOWN, message=f"HTTP {answer.status}: {text}")
