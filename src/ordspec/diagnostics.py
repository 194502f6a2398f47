"""Diagnostics are data; render/ turns them into text, JSON, SARIF or GitHub annotations.

The bottom of the tree: nothing here imports ordspec."""

from __future__ import annotations

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)


class Diagnostic:
    __slots__ = ("file", "line", "column", "end_line", "end_column", "severity", "code", "name", "message", "help")

    def __init__(self, file, line, column, end_line, end_column, severity, code, name, message, help=None):
        self.file = file  # display name of the file
        self.line, self.column, self.end_line, self.end_column = line, column, end_line, end_column
        self.severity, self.code, self.name = severity, code, name
        self.message, self.help = message, help

    def as_dict(self) -> dict:
        out = {name: getattr(self, name) for name in self.__slots__}
        if out["help"] is None:
            del out["help"]
        return out

    def __repr__(self) -> str:
        return f"<{self.file}:{self.line}:{self.column} {self.severity} {self.code} {self.name} {self.message}>"


class Report:
    """A problem a front end or reader found, by rule name: the pipeline gives it its code and
    severity from rules/codes.py (codes.diagnostics), so that reading a file loads no rule."""

    __slots__ = ("name", "file", "line", "column", "end_line", "end_column", "message", "help")

    def __init__(self, name: str, file: str, span, message: str, help: str | None = None):
        self.name = name
        self.file = file
        self.line, self.column, self.end_line, self.end_column = span.line, span.column, span.end_line, span.end_column
        self.message = message
        self.help = help

    def __repr__(self) -> str:
        return f"<{self.file}:{self.line}:{self.column} {self.name} {self.message}>"


def summary(diagnostics, files: int) -> dict:
    counts = {ERROR: 0, WARNING: 0, INFO: 0}
    for d in diagnostics:
        counts[d.severity] += 1
    return {"files": files, "errors": counts[ERROR], "warnings": counts[WARNING], "infos": counts[INFO]}
