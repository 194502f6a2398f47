"""`ordspec fmt`: rewrite .ord files canonically (the formatting itself is ordspec.fmt)."""

from __future__ import annotations

import os
import sys

from ordspec.cli.commands import _fail, _warn
from ordspec.pipeline import UsageError
from ordspec.pipeline.read import expand


def fmt(paths, check=False, stdin_filename=None) -> int:
    """Rewrite .ord files canonically; --check changes nothing and exits 1 if a file would change."""
    from ordspec import fmt as formatter
    from ordspec.source import NotText, SourceFile, decode

    files = []
    for path in paths:
        try:
            found = [p for p in expand([path]) if p.endswith(".ord") or (p == "-" and not (stdin_filename or "").endswith((".yaml", ".yml")))]
        except UsageError as e:
            return _fail(str(e))
        if not found and path != "-" and os.path.isdir(path):
            _warn(f"no .ord files found under {path}")
        elif not found:
            name = (stdin_filename or "<stdin>") if path == "-" else path
            yaml = name.endswith((".yaml", ".yml"))
            _warn(f"skipping {name}: fmt rewrites .ord files only" + ("; YAML is left as written" if yaml else ""))
            if path == "-" and not check:
                sys.stdout.buffer.write(sys.stdin.buffer.read())  # a filter passes what it does not format
        files.extend(found)
    changed = failed = 0
    for path in files:
        name = (stdin_filename or "<stdin>") if path == "-" else path
        try:
            data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
            text = decode(data)
        except OSError as e:
            return _fail(f"{path}: {e.strerror}")
        except NotText as e:
            sys.stderr.write(f"{name}:{e.line}:{e.column}: error: {e}; not formatted\n")
            failed += 1
            continue
        new, errors = formatter.source(SourceFile(name, text))
        if new is not None and data.startswith(b"\xef\xbb\xbf"):
            new = "\ufeff" + new  # the byte-order mark stays
            text = "\ufeff" + text
        if new is None:
            for d in errors:
                sys.stderr.write(f"{d.file}:{d.line}:{d.column}: error {d.code} {d.name} {d.message}; not formatted\n")
            failed += 1
            if path == "-" and not check:
                sys.stdout.write(text)
            continue
        if path == "-":
            if not check:
                sys.stdout.write(new)
            changed += new != text
            continue
        if new != text:
            changed += 1
            if check:
                sys.stdout.write(f"would reformat {path}\n")
            else:
                tmp = f"{path}.tmp{os.getpid()}"
                with open(tmp, "w", encoding="utf-8", newline="") as f:
                    f.write(new)
                os.replace(tmp, path)
                sys.stdout.write(f"reformatted {path}\n")
    if "-" not in paths:
        unchanged = len(files) - changed - failed
        verb = "would be reformatted" if check else "reformatted"
        sys.stdout.write(f"{changed} file{'s' if changed != 1 else ''} {verb}, {unchanged} unchanged" + (f", {failed} not formatted" if failed else "") + ".\n")
    if failed:
        return 1
    return 1 if check and changed else 0
