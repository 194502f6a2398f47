"""Which files a run checks, and their text: directories walked for order files, YAML sniffed,
a binary or non-UTF-8 file reported (not raised)."""

from __future__ import annotations

import os

from ordspec.diagnostics import Report
from ordspec.pipeline import UsageError
from ordspec.source import NotText, SourceFile, Span, decode

ORDER_SUFFIXES = (".ord", ".yaml", ".yml")
MAX_FILE = 256 * 1024 * 1024


def looks_like_orders(path: str) -> bool:
    """Whether a YAML file is an order file, judged by its content (sniff.orders)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            head = f.read(65536)
    except OSError:
        return True  # let the read report it
    from ordspec.sniff import orders

    return orders(head)


def expand(paths: list[str], excluded=None, force: bool = False, warn=None) -> list[str]:
    """Files to check: files as given, directories walked for order files, '-' for stdin.

    A walk finds .ord files and the YAML files that are order files (looks_like_orders),
    minus `excluded(path)` (the configuration's excludes). Files named explicitly are
    checked as they are, unless `force` (--force-exclude, for pre-commit, which names every
    matching file): then the same two filters apply to them too. `warn(message)` hears of a
    directory with no order file in it, and of named files that all were filtered out.
    """
    out = []
    warned = False
    for path in paths:
        if path == "-" or os.path.isfile(path):
            if force and path != "-" and ((excluded and excluded(path)) or (path.endswith((".yaml", ".yml")) and not looks_like_orders(path))):
                continue
            out.append(path)
        elif os.path.isdir(path):
            found = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules", "__pycache__"))
                found.extend(os.path.join(root, f) for f in files if f.endswith(ORDER_SUFFIXES))
            kept = [p for p in sorted(found) if not (excluded and excluded(p)) and (p.endswith(".ord") or looks_like_orders(p))]
            if not kept and warn:
                warn(f"no order files found under {path}")
                warned = True
            out.extend(kept)
        elif os.path.exists(path):
            raise UsageError(f"{path}: not a file or directory")
        else:
            raise UsageError(f"{path}: no such file or directory")
    if not out and paths and warn and not warned:  # named files, all filtered out
        warn(f"no order files found under {', '.join(paths)}")
    return out


def source(path: str, name: str, data: bytes | None = None) -> tuple[SourceFile | None, Report | None]:
    """The text of a file (read from `path` unless `data` is given), or why it has none (an `encoding` report).

    A file that cannot be opened is a UsageError.
    """
    if data is None:
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_FILE + 1)
        except OSError as e:
            raise UsageError(f"{path}: {e.strerror or e}") from None
    if len(data) > MAX_FILE:
        return None, Report("encoding", name, Span(1, 1, 1, 2), f"this file is larger than {MAX_FILE // 2**20} MiB")
    try:
        text = decode(data)
    except NotText as e:
        return None, Report("encoding", name, Span(e.line, e.column, e.line, e.column + 1), str(e))
    return SourceFile(name, text), None


def form(name: str) -> str:
    """The front end a file is read with, by its name: "yaml" or "dsl"."""
    return "yaml" if name.endswith((".yaml", ".yml")) else "dsl"
