"""GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`.

Paths are relative to the repository root, as GitHub resolves them. Escaping follows the runner's rules: in the message %, CR and LF are
percent-encoded; in properties also `:` and `,`.
"""

from __future__ import annotations

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(d, root: str | None = None) -> str:
    import os

    path = d.file
    if root is not None and not path.startswith("<"):
        relative = os.path.relpath(os.path.abspath(path), root)
        path = path if relative.startswith("..") else relative.replace(os.sep, "/")
    props = [
        f"file={_property(path)}",
        f"line={d.line}",
        f"col={d.column}",
        f"endLine={d.end_line}",
        f"endColumn={d.end_column}",
        f"title={_property(f'{d.code} {d.name}')}",
    ]
    message = d.message + (f"\nhelp: {d.help}" if d.help else "")
    return f"::{LEVELS[d.severity]} {','.join(props)}::{_data(message)}"


def report(diagnostics, root: str | None = None) -> str:
    """Annotations with paths relative to the repository root (where the workflow checks out), as SARIF's."""
    from ordspec.render.sarif import repository_root

    root = root or repository_root()
    return "".join(annotation(d, root) + "\n" for d in diagnostics)
