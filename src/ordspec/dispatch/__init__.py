"""Dispatch: check and compile a file, then send each request exactly once.

Nothing is sent unless the whole file compiles. Each request that changes
anything is journaled (journal.py) before it is sent and settled after a
definite answer, under a key made of the broker, the base URL and the
order's idempotency key (its `ref`, or one derived from what it is). A
request the journal has confirmed is not sent again. One whose answer was
lost is sent again only to a broker that deduplicates (Groww, by
reference_id: a GA007 answer means the order is there); elsewhere it is
reported as unknown, with how to check, and the run exits non-zero.
Reads (GET, LIST) are sent every time and not journaled.
"""

from __future__ import annotations

import random
import time

from ordspec.dispatch.journal import CONFIRMED, REJECTED, SENDING, UNKNOWN, Journal
from ordspec.dispatch.outcome import DUPLICATE, RETRY, Outcome
from ordspec.dispatch.transport import Lost, NotSent

MAX_ATTEMPTS = 5
BACKOFF = 0.5  # seconds, doubled per attempt
BACKOFF_CAP = 8.0
RETRY_AFTER_CAP = 60.0


class Result:
    """What happened to one request: state is confirmed, already, rejected or unknown (or planned, in a dry run)."""

    __slots__ = ("request", "key", "state", "broker_id", "message", "data")

    def __init__(self, request, key, state, broker_id=None, message=None, data=None):
        self.request = request
        self.key = key
        self.state = state
        self.broker_id = broker_id
        self.message = message
        self.data = data

    @property
    def source(self) -> str:
        return f"{self.request.file}:{self.request.line}"

    @property
    def ok(self) -> bool:
        return self.state in ("confirmed", "already", "planned")


def journal_key(broker: str, base_url: str, request) -> str | None:
    """The journal's key for a request that changes something; None for a read."""
    if request.method == "GET":
        return None
    return f"{broker} {base_url.rstrip('/')} {request.statement.key}"


class Sender:
    def __init__(self, broker, base_url: str, journal: Journal, transport, credentials, backoff: float = BACKOFF, sleep=time.sleep):
        self.broker = broker
        self.base_url = base_url
        self.journal = journal
        self.transport = transport
        self.credentials = credentials
        self.dedup = bool(broker.table["dispatch"].get("deduplicates"))
        self.backoff = backoff
        self.sleep = sleep

    def check_hint(self) -> str:
        return self.broker.table["dispatch"].get("check", "check with the broker")

    def send(self, request) -> Result:
        key = journal_key(self.broker.name, self.base_url, request)
        if key is None:
            outcome = self.attempts(request)
            state = "confirmed" if outcome.kind == CONFIRMED else ("unknown" if outcome.kind == UNKNOWN else "rejected")
            return Result(request, None, state, outcome.broker_id, self.credentials.redact(outcome.message), outcome.data)
        body = Journal.body_text(request.body)
        entry = self.journal.get(key)
        if entry is not None:
            if entry.state == CONFIRMED:
                if entry.body != body:
                    return Result(request, key, "rejected", entry.broker_id, f"{request.statement.key} was sent before with another order ({entry.source}): give this one its own ref")
                return Result(request, key, "already", entry.broker_id, f"sent before ({entry.source})")
            if entry.state in (SENDING, UNKNOWN) and not self.dedup:
                return Result(request, key, "unknown", entry.broker_id, self.unknown_help(key, "an earlier run sent this and got no answer"))
        self.journal.sending(key, request, self.base_url, f"{request.file}:{request.line}")
        outcome = self.attempts(request)
        if outcome.kind == DUPLICATE:
            outcome = self.recover(request, outcome)
        message = self.credentials.redact(outcome.message)
        if outcome.kind == CONFIRMED:
            self.journal.settle(key, CONFIRMED, outcome.broker_id, message)
            return Result(request, key, "confirmed", outcome.broker_id, message, outcome.data)
        if outcome.kind == UNKNOWN:
            self.journal.settle(key, UNKNOWN, None, message)
            return Result(request, key, "unknown", None, self.unknown_help(key, message))
        self.journal.settle(key, REJECTED, None, message)
        return Result(request, key, "rejected", None, message)

    def unknown_help(self, key: str, why: str) -> str:
        return (
            f"{why}; not sent again, because {self.broker.title} does not deduplicate: {self.check_hint()}, "
            f"then record it with `ordspec journal resolve \"{key}\" --placed ID` or `--not-placed`"
        )

    def attempts(self, request) -> Outcome:
        """Send until there is an answer worth keeping; retry only what cannot double an order."""
        delay = self.backoff
        last = None
        for attempt in range(1, MAX_ATTEMPTS + 1):
            final = attempt == MAX_ATTEMPTS
            try:
                answer = self.transport.send(request)
            except NotSent as e:
                last = Outcome(REJECTED, message=f"not sent: {e}")  # no connection: nothing was placed
                if not final:
                    self.pause(delay)
                    delay = min(delay * 2, BACKOFF_CAP)
                    continue
                return Outcome(REJECTED, message=f"not sent after {attempt} attempts: {e}")
            except Lost as e:
                if self.dedup and not final:
                    self.pause(delay)
                    delay = min(delay * 2, BACKOFF_CAP)
                    continue
                return Outcome(UNKNOWN, message=f"no answer ({e})")
            try:
                outcome = self.broker.module.outcome(request, answer)
            except Exception as e:  # an answer ordspec cannot read says nothing about what the broker did
                outcome = Outcome(UNKNOWN, message=f"HTTP {answer.status}, an answer ordspec cannot read ({type(e).__name__}): {answer.text[:200]}")
            if outcome.kind == RETRY and not final:
                self.pause(min(outcome.retry_after, RETRY_AFTER_CAP) if outcome.retry_after is not None else delay)
                delay = min(delay * 2, BACKOFF_CAP)
                continue
            if outcome.kind == UNKNOWN and self.dedup and not final:
                self.pause(delay)
                delay = min(delay * 2, BACKOFF_CAP)
                continue
            if outcome.kind == RETRY:  # refused every time: nothing was placed
                return Outcome(REJECTED, message=f"gave up after {attempt} attempts: {outcome.message}")
            return outcome
        return last

    def pause(self, seconds: float) -> None:
        self.sleep(seconds * (0.8 + 0.4 * random.random()))  # jitter, so that a batch of clients spreads out

    def recover(self, request, outcome: Outcome) -> Outcome:
        """The broker has the order already (an earlier send whose answer was lost): find its id."""
        find = getattr(self.broker.module, "recover", None)
        ident = None
        if find is not None:
            try:
                ident = find(request, self.transport)
            except (NotSent, Lost):
                ident = None
        note = "already placed by an earlier send (" + (outcome.message or "duplicate") + ")"
        if ident is None:
            note += "; its id could not be found"
        return Outcome(CONFIRMED, ident, note)
