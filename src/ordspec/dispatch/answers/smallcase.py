"""smallcase Gateway's answers: {"success": true, "data": {"transactionId"}} or {"success": false, "errors": [...]}."""

from __future__ import annotations

from ordspec.dispatch.answers.base import Answers, refusal
from ordspec.dispatch.outcome import CONFIRMED, Outcome


class Smallcase(Answers):
    def succeeded(self, body: dict) -> bool:
        return body.get("success") is True

    def confirmed(self, request, body: dict) -> Outcome:
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        return Outcome(CONFIRMED, data.get("transactionId"), None, data=data)

    def refused(self, request, answer, body: dict) -> Outcome:
        errors = body.get("errors") or [answer.text[:200]]
        message = ", ".join(str(e) for e in errors) if isinstance(errors, list) else str(errors)
        return refusal(answer, body, message, f"{answer.status}: {message}")
