"""The pipeline: read -> parse -> resolve -> rules -> diagnostics, and compile after it.

    read.py      files to check (directories walked, YAML sniffed) and their text
    inputs.py    the side inputs: reference data (--instruments, --quotes) and state (--state)
    keys.py      each statement's idempotency key, and the keys duplicate-reference compares
    run.py       Run: the files of one run checked with one set of options, then the run-wide rules
    parallel.py  lint -j: files checked in several processes, the run-wide rules over them all
    compile.py   all or nothing: the requests of a run that has no error, each schema-checked

Lint, compile, dispatch, simulate and the language server all check through the same Run, so they
check exactly what lint checks.
"""


class UsageError(Exception):
    """Bad options or unreadable paths: exit 2."""
