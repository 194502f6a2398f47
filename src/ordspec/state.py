"""What the broker says exists now (--state): the current SIPs of a Codifi order book.

A Codifi SIP modify replaces the whole SIP, so ordspec needs the SIP as it
stands to merge a change into; and with the state known, pausing a SIP that
is not active or resuming one that is not paused is caught before it is sent.
The file is the JSON that GET /info/sip/orderbook answers (or its `result`
list), as Codifi's SIP Orders API (SIP OrderBook) shows it.
"""

from __future__ import annotations

import json


class StateError(Exception):
    """A --state file that cannot be used (exit 2)."""


class State:
    def __init__(self, path: str, sips: dict[str, dict]):
        self.path = path
        self.sips = sips  # orderNo -> the order book entry

    @classmethod
    def load(cls, path: str) -> State:
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except OSError as e:
            raise StateError(f"cannot read {path}: {e.strerror}") from None
        except (ValueError, UnicodeDecodeError) as e:
            raise StateError(f"{path} is not JSON: {e}") from None
        entries = data.get("result") if isinstance(data, dict) else data
        if not isinstance(entries, list):
            raise StateError(f"{path} is not a Codifi SIP order book: expected {{\"result\": [...]}} or a list of SIPs")
        sips = {}
        for n, entry in enumerate(entries):
            number = entry.get("internal", {}).get("orderNo") if isinstance(entry, dict) else None
            if not isinstance(number, str) or not isinstance(entry.get("scrips"), list):
                raise StateError(f"{path}: SIP #{n + 1} has no internal.orderNo or no scrips list")
            sips[number] = entry
        return cls(path, sips)

    def sip(self, order_no: str) -> dict | None:
        return self.sips.get(order_no)

    @staticmethod
    def active(entry: dict) -> bool:
        return str(entry.get("internal", {}).get("active", "")).lower() == "true"
