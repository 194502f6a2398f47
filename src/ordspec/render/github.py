"""GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`.

Escaping follows the runner's rules: in the message %, CR and LF are
percent-encoded; in properties also `:` and `,`.
"""

from __future__ import annotations

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(d) -> str:
    props = [
        f"file={_property(d.file)}",
        f"line={d.line}",
        f"col={d.column}",
        f"endLine={d.end_line}",
        f"endColumn={d.end_column}",
        f"title={_property(f'{d.code} {d.name}')}",
    ]
    message = d.message + (f"\nhelp: {d.help}" if d.help else "")
    return f"::{LEVELS[d.severity]} {','.join(props)}::{_data(message)}"


def report(diagnostics) -> str:
    return "".join(annotation(d) + "\n" for d in diagnostics)
