"""The `ordspec` command.

`ordspec lint` is what a pre-commit hook starts on every commit, so it is
dispatched here before click is imported (click alone costs about 50 ms), and so is
`ordspec compile`, which CI runs on every change:
its options come from the same table (cli/options.py) that builds the click
command, and anything the fast path does not recognise (help, a bad value, an
unknown option) goes to click, which reports it. Run as the program, either
then ends its process as soon as its output is flushed (exit_now).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    import gc

    # A run builds many small objects and no reference cycles (the IR, YAML nodes and
    # diagnostics are trees): the cyclic collector would rescan the growing heap for
    # nothing, a third of YAML lint time. Collect rarely instead, not never.
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    args = sys.argv[1:] if argv is None else list(argv)
    if args and args[0] in ("lint", "compile"):
        from ordspec.cli import options

        lint = args[0] == "lint"
        parsed = options.parse_fast(args[1:], options.LINT if lint else options.COMPILE)
        if parsed is not None and (lint or len(parsed[1]) == 1):  # (compile takes one file)
            from ordspec.cli import commands

            values, paths = parsed
            code = commands.lint(paths, **values) if lint else commands.compile(paths[0], **values)
            if argv is None:  # the program itself (the console script, python -m ordspec), not a caller's main([...])
                exit_now(code)
            return code
    from ordspec.cli.app import cli

    try:
        cli.main(args=args, prog_name="ordspec")
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return 0


def exit_now(code: int) -> None:
    """End the process with `code` here, without tearing the interpreter down (as mypy does).

    A lint's or a compile's objects need no freeing and they leave no work to exit handlers (the
    output is written and closed by then), while freeing every module and object costs a cold
    lint a tenth of its time. Output is flushed first; if
    that fails, or a tracer or profiler is on (coverage, cProfile: they report at exit), this
    returns and the usual exit follows.
    """
    if sys.gettrace() is not None or sys.getprofile() is not None or "coverage" in sys.modules:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe or stream: the usual exit reports it as before
        return
    import os

    os._exit(code)
