"""Shared helpers: lint or compile text in-process, and find the installed `ordspec` command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

# The suite runs the installed command about a thousand times. Let Python keep its bytecode, as it
# does for a user, even where the outer environment says not to (PYTHONDONTWRITEBYTECODE): else
# every run compiles ordspec, and the grammar's tables, anew.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
REFERENCE = ROOT.parent / "shared" / "reference"  # the broker documents, where present
DOC_DAY = date(2025, 10, 1)  # a day on which the documents' F&O examples are live

# Hypothesis profiles: "ci" runs every property test's full count of examples (CI sets CI=true),
# "dev" a quarter of them, for a suite that runs in a minute or two on a laptop; ORDSPEC_HYPOTHESIS
# names one outright. ORDSPEC_PROPERTY_SCALE=N runs N times the profile's examples, for a deeper hunt.
SHARE = {"ci": 1.0, "dev": 0.25}
PROFILE = os.environ.get("ORDSPEC_HYPOTHESIS") or ("ci" if os.environ.get("CI", "").lower() == "true" else "dev")
settings.register_profile("ci", max_examples=100, deadline=None)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.load_profile(PROFILE)


def examples(n: int) -> int:
    """How many examples a property test that asks for `n` runs under this profile."""
    return max(1, int(n * SHARE[PROFILE] * float(os.environ.get("ORDSPEC_PROPERTY_SCALE", "1"))))


def lint_text(text: str, *, broker=None, as_of=DOC_DAY, name="t.ord", instruments=None, quotes=None):
    """Diagnostics for `text` as one file."""
    from ordspec.pipeline.run import Run

    run = Run(broker=broker, as_of=as_of, instruments=instruments, quotes=quotes)
    source = run.read(name, name, text.encode())
    if source is not None:
        run.check(source)
    return run.finish()


def compile_text(text: str, *, broker="groww", as_of=DOC_DAY, name="t.ord", instruments=None, **options):
    """(requests or None, diagnostics) for `text`; options go to Run (quotes, state, gateway)."""
    from ordspec.pipeline.compile import compile_sources
    from ordspec.pipeline.run import Run

    run = Run(broker=broker, as_of=as_of, instruments=instruments, derive_keys=True, **options)
    source = run.read(name, name, text.encode())
    requests = compile_sources(run, [(source, None)] if source else [])
    return requests, run.diagnostics


def names(diagnostics) -> list[str]:
    return [d.name for d in diagnostics]


def parse_one(text: str, name="t.ord"):
    """The statements of `text`, parsed and resolved, with the diagnostics."""
    from ordspec.pipeline.run import Run

    run = Run(as_of=DOC_DAY)
    source = run.read(name, name, text.encode())
    statements = run.check(source)
    return statements, run.finish()


def ordspec_command() -> str:
    """The installed console script next to this interpreter (the README's install puts it there)."""
    found = Path(sys.executable).parent / "ordspec"
    if found.exists():
        return str(found)
    which = shutil.which("ordspec")
    if which is None:
        pytest.fail("the ordspec command is not installed: run the README's install command")
    return which


def run_cli(*args, input: bytes | None = None, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    """Run the installed `ordspec` command; output as text."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update(env or {})
    return subprocess.run(
        [ordspec_command(), *map(str, args)],
        input=input,
        capture_output=True,
        env=full_env,
        cwd=cwd,
        timeout=60,
    )


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def paper():
    """A paper broker on 127.0.0.1, stopped after the test."""
    from tests.dispatch_helpers import PaperBroker

    broker = PaperBroker()
    yield broker
    broker.stop()
