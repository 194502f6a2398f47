"""The declared interface for a broker's answers: what dispatch asks of them, each with a default.

    outcome(request, answer)             what the answer means for the order (an Outcome)
    done_before(request, outcome)        after a lost answer: does this refusal say the first send worked?
    recover(request, transport, since)   after a duplicate: the order the broker holds, and how it differs
    find_lost(request, transport, since) after a create's answer was lost, at a broker that does not
                                         deduplicate: the order its book holds that is this one
    not_found(message)                   does a refused read say the order does not exist? (plan's refresh)

outcome() reads every broker's answer the same way (429: try again; then the envelope), asking the
broker's module three things: succeeded(body), confirmed(request, body) and refused(request,
answer, body).
"""

from __future__ import annotations

from ordspec.dispatch.outcome import REJECTED, RETRY, UNKNOWN, Outcome


class Answers:
    """How dispatch reads one broker's answers."""

    def __init__(self, broker):
        self.broker = broker  # compiler.base.Broker: the table's `dispatch` settings

    def outcome(self, request, answer) -> Outcome:
        """What an answer means for the order: its status first (429: try again), then the broker's envelope."""
        if answer.status == 429:
            return Outcome(RETRY, message="429 Too Many Requests", retry_after=answer.retry_after())
        body = answer.payload if isinstance(answer.payload, dict) else {}
        if 200 <= answer.status < 300 and self.succeeded(body):
            return self.confirmed(request, body)
        return self.refused(request, answer, body)

    def succeeded(self, body: dict) -> bool:
        """Whether the envelope of a 2xx answer says the broker did it."""
        raise NotImplementedError

    def confirmed(self, request, body: dict) -> Outcome:
        """An answer that says done: the order's id, the broker's note, and what a GET or LIST returned."""
        raise NotImplementedError

    def refused(self, request, answer, body: dict) -> Outcome:
        """Any other answer: the broker refused (rejected, or retry), or may have acted (unknown)."""
        raise NotImplementedError

    def done_before(self, request, outcome: Outcome) -> bool:
        """After an answer was lost, whether this refusal says the first send worked (Groww: GA006 for a cancel)."""
        return False

    def recover(self, request, transport, since: float | None = None) -> tuple:
        """After a duplicate: (the id of the order the broker holds under this key, the fields that differ,
        [] for none, None where ordspec cannot tell); (None, None) when the order cannot be found."""
        return None, None

    def find_lost(self, request, transport, since: float | None = None) -> tuple:
        """After a create's answer was lost, at a broker that does not deduplicate: (the id of the order in
        the broker's book that may be this one, the fields that differ, [] for none, None where ordspec
        cannot tell); (None, None) when none is found. Dispatch confirms only [] under an id no other
        journaled order holds, and never sends the create again. The default searches nothing."""
        return None, None

    def finds_lost(self) -> bool:
        """Whether this broker's find_lost searches its book (it overrides the default)."""
        return type(self).find_lost is not Answers.find_lost

    @property
    def recovers(self) -> bool:
        """Whether this broker can look for an order it holds (it overrides recover): plan asks after a stopped create."""
        return type(self).recover is not Answers.recover

    def not_found(self, message: str) -> bool:
        """Whether a refused GET's message says the order does not exist (plan shows it as gone), not a failed read."""
        return False


def refusal(answer, body: dict, unknown: str, rejected: str, code: str | None = None) -> Outcome:
    """A 5xx or an answer without a readable body may mean the broker acted (unknown, `unknown` said);
    anything else is a refusal (rejected, `rejected` said)."""
    if answer.status >= 500 or not body:
        return server_error(answer, unknown)
    return Outcome(REJECTED, message=rejected, code=code)


def server_error(answer, text: str) -> Outcome:
    """A 5xx or an answer that cannot be read: the broker may have acted."""
    return Outcome(UNKNOWN, message=f"HTTP {answer.status}: {text}")
