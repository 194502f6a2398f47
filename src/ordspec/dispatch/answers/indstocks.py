"""INDstocks' answers: {"status": "success", "data": {"order_data": [{"order_id", "child_order_details"}]}},
or {"status": "error", "error_type", "message"}; an error type the table lists as retry-safe
(NetworkException) says nothing was done, and is tried again."""

from __future__ import annotations

from ordspec.dispatch.answers.base import Answers, refusal
from ordspec.dispatch.outcome import CONFIRMED, RETRY, Outcome


class Indstocks(Answers):
    def succeeded(self, body: dict) -> bool:
        return str(body.get("status", "")).lower() == "success"

    def confirmed(self, request, body: dict) -> Outcome:
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        orders = data.get("order_data") if isinstance(data.get("order_data"), list) and data.get("order_data") else [data]
        first = orders[0] if isinstance(orders[0], dict) else {}
        ident = first.get("order_id") or (request.body or {}).get("order_id")
        details = first.get("child_order_details")
        child = details.get("order_id") if isinstance(details, dict) else None
        return Outcome(CONFIRMED, ident, f"child order {child}" if child else first.get("order_status"), data=body.get("data"))

    def refused(self, request, answer, body: dict) -> Outcome:
        kind = str(body.get("error_type") or body.get("type") or "")
        message = str(body.get("message") or answer.text[:200])
        if kind in self.broker.setting("dispatch.retry_safe_errors"):
            return Outcome(RETRY, message=f"{kind}: {message}", retry_after=answer.retry_after())
        return refusal(answer, body, f"{kind} {message}".strip(), f"{kind or answer.status}: {message}")
