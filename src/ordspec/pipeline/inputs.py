"""The side inputs of a run, read once and only when first needed: the reference data
(--instruments masters, --quotes) and the broker's state (--state). A file that cannot be used is
a UsageError (exit 2, naming it); a master's rows that cannot be read are `instrument-data` reports."""

from __future__ import annotations

from ordspec.diagnostics import Report
from ordspec.pipeline import UsageError
from ordspec.source import Span

SHOWN_ROWS = 20  # instrument-data reports the first rows skipped, then a count of the rest


class Inputs:
    def __init__(self, instruments: list[str], quotes: str | None, state: str | None):
        self.instruments = instruments
        self.quotes = quotes
        self.state_path = state
        self.refdata = None  # the reference data, once read (read_refdata)
        self._state = None

    def read_refdata(self, reports: list):
        """Read the reference data; the master's skipped rows go to `reports`."""
        from ordspec.refdata import instruments

        try:
            self.refdata = instruments.RefData(self.instruments, self.quotes)
        except instruments.MasterError as e:  # (looked up when raised: without masters or quotes, their readers never load)
            raise UsageError(str(e)) from None
        reports.extend(skipped(self.refdata.master_problems))
        return self.refdata

    def given_state(self, state) -> None:
        """A state already read (plan reads Codifi's order book from the broker, not from --state)."""
        self._state = state

    def state(self):
        """The broker's own account of existing orders (--state), or None."""
        if self._state is None and self.state_path:
            from ordspec.state import State, StateError

            try:
                self._state = State.load(self.state_path)
            except StateError as e:
                raise UsageError(str(e)) from None
        return self._state


def skipped(problems) -> list[Report]:
    """instrument-data reports for the rows of a master that were skipped: (file, line, why) each."""
    out = [Report("instrument-data", file, Span(line, 1, line, 2), f"row skipped: {message}") for file, line, message in problems[:SHOWN_ROWS]]
    if len(problems) > SHOWN_ROWS:
        file, line, _ = problems[SHOWN_ROWS]
        out.append(Report("instrument-data", file, Span(line, 1, line, 2), f"{len(problems) - SHOWN_ROWS} more rows skipped"))
    return out
