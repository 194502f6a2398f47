"""Send each request exactly once: the journal first, then the broker, then the journal again.

A request that changes anything is journaled (journal.py) before it is sent and settled after a
definite answer, under a key made of the broker, the base URL and the order's idempotency key
(its `ref`, or one derived from what it is). A request the journal has confirmed is not sent
again. One whose answer was lost is sent again only to a broker that deduplicates (Groww, by
reference_id: a GA007 answer means the order is there); elsewhere it is reported as unknown,
with how to check, and the run exits non-zero, unless the broker's answers can find exactly that
order in its book (Answers.find_lost: Kite, the whole GTT in its list). Reads (GET, LIST) are sent every time and not
journaled. What an answer means is each broker's own reading (answers/<name>.py).
"""

from __future__ import annotations

import random
import time

from ordspec.dispatch import answers
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
    """The journal's key for a request that changes something; None for a read.

    A new order is keyed by what it is (its ref, or the id derived from its
    content), wherever it is written: the same order in another file is the
    same order, and is not placed twice. An action (modify, cancel, pause,
    resume) is keyed by its file too: pausing a SIP again from a new file
    next month is a new action.
    """
    if request.method == "GET":
        return None
    part = f" {request.part}" if request.part else ""  # one of a statement's several requests (a leg)
    if request.statement.verb == "CREATE":
        return f"{broker} {base_url} {request.statement.key}{part}"
    import os

    return f"{broker} {base_url} {os.path.abspath(request.file)} {request.statement.key}{part}"


class Sender:
    def __init__(self, broker, base_url: str, journal: Journal, transport, credentials, backoff: float = BACKOFF, sleep=time.sleep):
        self.broker = broker
        self.base_url = base_url
        self.journal = journal
        self.transport = transport
        self.credentials = credentials
        self.answers = answers.get(broker)
        self.dedup = broker.setting("dispatch.deduplicates")
        self.backoff = backoff
        self.sleep = sleep

    def check_hint(self) -> str:
        return self.broker.setting("dispatch.check")

    def key(self, request) -> str | None:
        """The journal key of a request (plan/apply keys its steps by the order's name instead)."""
        return journal_key(self.broker.name, self.base_url, request)

    def send(self, request) -> Result:
        key = self.key(request)
        if key is None:
            outcome, _ = self.attempts(request)
            state = "confirmed" if outcome.kind == CONFIRMED else ("unknown" if outcome.kind == UNKNOWN else "rejected")
            return Result(request, None, state, outcome.broker_id, outcome.message, outcome.data)
        body = Journal.body_text(request.body)
        entry = self.journal.get(key)
        maybe_done = False  # an earlier send may have worked, its answer lost
        since = None
        if entry is not None:
            if entry.state == CONFIRMED:
                if entry.body != body:
                    return Result(request, key, "rejected", entry.broker_id, f"{request.statement.key} was sent before with another order ({entry.source}): give this one its own ref")
                again = "give it its own `ref`" if request.statement.verb == "CREATE" else "write it in another file"
                return Result(request, key, "already", entry.broker_id, f"sent before from {entry.source}; to send it again, {again}")
            if entry.state in (SENDING, UNKNOWN):
                maybe_done, since = True, entry.updated
                if not self.dedup:
                    why = "an earlier run sent this and got no answer" if entry.state == UNKNOWN else "an earlier run was stopped while sending this"
                    found = self.find_lost(request, key, since, why)
                    if found.kind == CONFIRMED:
                        self.journal.settle(key, CONFIRMED, found.broker_id, found.message)
                        return Result(request, key, "confirmed", found.broker_id, found.message)
                    self.journal.settle(key, UNKNOWN, None, found.message)
                    return Result(request, key, "unknown", entry.broker_id, self.unknown_help(key, found.message))
        started = time.time()
        self.journal.sending(key, request, self.base_url, f"{request.file}:{request.line}")
        outcome, lost = self.attempts(request)
        maybe_done = maybe_done or lost
        if outcome.kind == UNKNOWN and lost and not self.dedup:
            outcome = self.find_lost(request, key, started, outcome.message)
        if outcome.kind == DUPLICATE:
            outcome = self.recover(request, outcome, maybe_done, since)
        elif outcome.kind == REJECTED and maybe_done and self.answers.done_before(request, outcome):
            outcome = Outcome(CONFIRMED, request.statement.order_id.value if request.statement.order_id else None, f"done by an earlier send whose answer was lost ({outcome.message})")
        if outcome.kind == CONFIRMED:
            self.journal.settle(key, CONFIRMED, outcome.broker_id, outcome.message)
            return Result(request, key, "confirmed", outcome.broker_id, outcome.message, outcome.data)
        if outcome.kind == UNKNOWN:
            self.journal.settle(key, UNKNOWN, None, outcome.message)
            return Result(request, key, "unknown", None, self.unknown_help(key, outcome.message))
        self.journal.settle(key, REJECTED, None, outcome.message)
        return Result(request, key, "rejected", None, outcome.message)

    def find_lost(self, request, key: str, since: float | None, why: str) -> Outcome:
        """A create whose answer was lost, at a broker that does not deduplicate: confirmed only when
        the broker's Answers.find_lost finds exactly this order in its book, under an id no other
        order of the journal holds; else unknown. Never a resend."""
        if request.statement.verb != "CREATE" or not self.answers.finds_lost():
            return Outcome(UNKNOWN, message=why)
        try:
            ident, differs = self.answers.find_lost(request, self.transport, since)
        except (NotSent, Lost):
            ident = differs = None
        mine = f"{self.broker.name} {self.base_url} "
        taken = {e.broker_id for e in self.journal.entries(CONFIRMED) if e.key != key and e.key.startswith(mine)}
        if ident is None or differs != [] or ident in taken:
            return Outcome(UNKNOWN, message=f"{why}; ordspec looked in {self.broker.title}'s book and did not find exactly this order")
        return Outcome(CONFIRMED, ident, f"placed by the send whose answer was lost ({why}): found in {self.broker.title}'s book, the same order")

    def unknown_help(self, key: str, why: str) -> str:
        if self.dedup:
            return f"{why}; the next run sends it again ({self.broker.title} deduplicates: it cannot be placed twice)"
        return (
            f"{why}; not sent again, because {self.broker.title} does not deduplicate: {self.check_hint()}, "
            f"then record it with `ordspec journal resolve \"{key}\" --placed ID` or `--not-placed`"
        )

    def attempts(self, request):
        """Send until there is an answer worth keeping; retry only what cannot double an order.

        Returns (outcome, lost): `lost` when an attempt may have reached the broker without an answer.
        """
        delay = self.backoff
        lost = False
        for attempt in range(1, MAX_ATTEMPTS + 1):
            final = attempt == MAX_ATTEMPTS
            try:
                answer = self.transport.send(request)
            except NotSent as e:
                if not final:
                    self.pause(delay)
                    delay = min(delay * 2, BACKOFF_CAP)
                    continue
                return Outcome(REJECTED, message=f"not sent after {attempt} attempts: {self.credentials.redact(str(e))}"), lost
            except Lost as e:
                lost = True
                if self.dedup and not final:
                    self.pause(delay)
                    delay = min(delay * 2, BACKOFF_CAP)
                    continue
                return Outcome(UNKNOWN, message=f"no answer ({self.credentials.redact(str(e))})"), lost
            # redact what the broker said before anything is made of it (it may echo the token)
            answer.text = self.credentials.scrub(answer.text)
            try:
                answer.payload = self.credentials.scrub(answer.payload)
                outcome = self.answers.outcome(request, answer)
            except Exception as e:  # an answer ordspec cannot read says nothing about what the broker did
                answer.payload = None
                outcome = Outcome(UNKNOWN, message=f"HTTP {answer.status}, an answer ordspec cannot read ({type(e).__name__}): {answer.text[:200]}")
            if outcome.kind == CONFIRMED and request.statement.verb == "CREATE" and outcome.broker_id is None:
                # "done" without the new order's id is an answer of another shape than documented
                outcome = Outcome(UNKNOWN, message=f"HTTP {answer.status}: the broker says it placed the order but gives no order id ordspec can read: {answer.text[:200]}")
            if outcome.kind == RETRY:
                if outcome.retry_after is not None and outcome.retry_after > RETRY_AFTER_CAP:
                    return Outcome(REJECTED, message=f"not placed: the broker asked to wait {outcome.retry_after:.0f} s ({outcome.message})"), lost
                if not final:
                    self.pause(outcome.retry_after if outcome.retry_after is not None else delay, jitter=outcome.retry_after is None)
                    delay = min(delay * 2, BACKOFF_CAP)
                    continue
                return Outcome(REJECTED, message=f"not placed: gave up after {attempt} refusals ({outcome.message})"), lost
            if outcome.kind == UNKNOWN:
                lost = True
                if self.dedup and not final:
                    self.pause(delay)
                    delay = min(delay * 2, BACKOFF_CAP)
                    continue
            return outcome, lost
        return Outcome(UNKNOWN, message="no answer"), lost

    def pause(self, seconds: float, jitter: bool = True) -> None:
        # jitter spreads a batch of clients out; a Retry-After is honoured as given, never shortened
        self.sleep(seconds * (1.0 + 0.4 * random.random()) if jitter else seconds)

    def recover(self, request, outcome: Outcome, maybe_done: bool, since) -> Outcome:
        """The broker already has an order under this reference: is it this one, and what is its id?"""
        try:
            ident, differs = self.answers.recover(request, self.transport, since)
        except (NotSent, Lost):
            ident = differs = None
        if ident is not None and differs:
            return Outcome(
                REJECTED,
                message=f"the reference id {request.statement.key} is taken by another order ({ident}), not placed again: "
                f"{'; '.join(differs)}. Give this order its own ref, or cancel the other",
            )
        if ident is not None and differs is None:
            return Outcome(UNKNOWN, message=f"the reference id {request.statement.key} is taken by {ident}, which ordspec cannot compare with this order ({outcome.message}): {self.check_hint()}")
        if ident is not None:
            return Outcome(CONFIRMED, ident, f"already placed by an earlier send ({outcome.message})")
        if maybe_done:  # ordspec sent it before and lost the answer: it is this order
            return Outcome(CONFIRMED, None, f"already placed by an earlier send whose answer was lost ({outcome.message}); its id could not be found")
        return Outcome(UNKNOWN, message=f"the reference id {request.statement.key} is taken ({outcome.message}), but ordspec never sent it and cannot find the order: {self.check_hint()}")
