"""Codifi's answers: {"status": "Ok", "message": "Success", "result": [{"orderNo"}]}, or "Not_Ok" with a message."""

from __future__ import annotations

from ordspec.dispatch.answers.base import Answers, refusal
from ordspec.dispatch.outcome import CONFIRMED, Outcome


class Codifi(Answers):
    def succeeded(self, body: dict) -> bool:
        return str(body.get("status", "")).lower() == "ok"

    def confirmed(self, request, body: dict) -> Outcome:
        result = body.get("result")
        first = result[0] if isinstance(result, list) and result and isinstance(result[0], dict) else {}
        ident = first.get("orderNo") or (request.body or {}).get("orderNo")
        return Outcome(CONFIRMED, ident, body.get("message"), data=result)

    def refused(self, request, answer, body: dict) -> Outcome:
        message = str(body.get("message") or body.get("emsg") or answer.text[:200])
        return refusal(answer, body, message, f"{answer.status}: {message}")
