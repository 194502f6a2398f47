"""Helpers for the dispatch and paper-broker tests: a paper broker on 127.0.0.1 that counts
what it was sent, `ordspec dispatch` as a subprocess, the journal read straight from SQLite.

Everything here talks to the paper broker through HTTP (its documented /_paper/ control
endpoints) except `seen`, which counts requests as they arrive, so that a test can say how many
attempts a run made without looking at a clock.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import httpx

from tests.conftest import ordspec_command, run_cli

DEADLINE = 30.0  # seconds any polling loop may wait before the test fails

# Tokens and secrets distinctive enough that finding them anywhere is never a coincidence.
TOKEN = "tok-SECRET-9f8e7d6c5b4a39281706"
SMALLCASE_SECRET = "scsecret-GATEWAY-5a4b3c2d1e0f"


def jwt(claims: dict) -> str:
    """An unsigned JWT with these claims (the paper broker and ordspec read the claims only)."""

    def part(value) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


USER_JWT = jwt({"sub": "user-7731", "guest": False, "smallcaseAuthId": "a1b2c3d4e5"})
GUEST_JWT = jwt({"sub": "guest-0042", "guest": True})


def wait_for(predicate, what: str, deadline: float = DEADLINE):
    """Poll until predicate() is truthy; return its value. Fails after a generous deadline."""
    end = time.monotonic() + deadline
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class PaperBroker:
    """The real paper broker (ordspec.paper.server), served from a thread of the test process.

    It counts every request it receives (`seen`) and tracks its handler threads, so that
    stop() can wait for all of them: no thread outlives the test.
    """

    def __init__(self, db: str = ":memory:"):
        from ordspec.paper.server import Handler, serve

        self.seen: list[tuple[str, str]] = []
        self.arrivals: list[float] = []  # time.monotonic() of each request in `seen`
        self._active = 0
        self._lock = threading.Lock()
        broker = self

        class Counting(Handler):
            # Answers go out as two writes (headers, body): without TCP_NODELAY, Nagle's algorithm
            # and the client's delayed ACK hold each answer back ~40 ms. Not a behaviour under test.
            disable_nagle_algorithm = True

            def handle(self):
                with broker._lock:
                    broker._active += 1
                try:
                    super().handle()
                finally:
                    with broker._lock:
                        broker._active -= 1

            def handle_request(self, method):
                path = self.path.split("?", 1)[0]
                if not path.startswith("/_paper/"):
                    with broker._lock:
                        broker.seen.append((method, path))
                        broker.arrivals.append(time.monotonic())
                return super().handle_request(method)

        self.server = serve(0, db)
        self.server.RequestHandlerClass = Counting
        # A client killed mid-answer leaves a handler writing to a closed socket: not an error here.
        self.server.handle_error = lambda request, address: None
        self.host, self.port = self.server.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self.client = httpx.Client(base_url=self.url, timeout=10)  # one pool: polling stays cheap
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), name=f"paper-{self.port}", daemon=True)
        self._thread.start()

    # -- control, through the documented HTTP endpoints ---------------------------------------
    def faults(self, *items: dict) -> None:
        r = self.client.post("/_paper/faults", json=list(items))
        assert r.status_code == 200, r.text

    def clear_faults(self) -> None:
        r = self.client.delete("/_paper/faults")
        assert r.status_code == 200, r.text

    def orders(self, broker: str | None = None, kind: str | None = None) -> list[dict]:
        r = self.client.get("/_paper/orders")
        assert r.status_code == 200, r.text
        rows = r.json()["orders"]
        return [o for o in rows if (broker is None or o["broker"] == broker) and (kind is None or o["kind"] == kind)]

    def count(self, method: str, path: str) -> int:
        with self._lock:
            return sum(1 for m, p in self.seen if m == method and p == path)

    # -- lifetime ------------------------------------------------------------------------------
    def stop(self) -> None:
        self.client.close()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=DEADLINE)
        # Handlers still answering (a slow-answer fault) finish on their own; wait for them.
        wait_for(lambda: self._active == 0, "the paper broker's handler threads to finish")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# -- dispatch as a subprocess --------------------------------------------------------------------

def env_for(token: str | None = TOKEN, **extra) -> dict:
    """The environment of a dispatch: the token and nothing else of ordspec's from the outer one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDSPEC_")}
    if token is not None:
        env["ORDSPEC_TOKEN"] = token
    env["NO_COLOR"] = "progress"  # never a progress bar (stderr is not a terminal anyway)
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


FAST = ("--rate", "10")  # within every broker's documented limit; the default pace is tested in-process (test_dispatch.py)


def dispatch(path, base_url: str, journal, *args, token: str | None = TOKEN, env: dict | None = None, as_of=None):
    """Run `ordspec dispatch` and return the CompletedProcess (text output); at 10 requests/s unless
    the test sets a rate or a configuration itself."""
    full = env_for(token)
    full.update(env or {})
    argv = ["dispatch", str(path), "--base-url", base_url, "--journal", str(journal)]
    if as_of:
        argv += ["--as-of", as_of]
    if not {"--rate", "--config", "--dry-run"} & set(map(str, args)):
        argv += FAST
    r = subprocess.run([ordspec_command(), *argv, *map(str, args)], capture_output=True, env=full, timeout=120)
    return Run(r)


class Run:
    def __init__(self, completed: subprocess.CompletedProcess):
        self.code = completed.returncode
        self.out = completed.stdout.decode("utf-8", "replace")
        self.err = completed.stderr.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.out)

    def __repr__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def start_dispatch(path, base_url: str, journal, *args, token: str | None = TOKEN) -> subprocess.Popen:
    """`ordspec dispatch` running in the background (to be killed)."""
    argv = [ordspec_command(), "dispatch", str(path), "--base-url", base_url, "--journal", str(journal), *map(str, args)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_for(token))


@contextlib.contextmanager
def running(path, base_url: str, journal, *args, token: str | None = TOKEN):
    """A background dispatch that is always ended, whatever the test does."""
    process = start_dispatch(path, base_url, journal, *args, token=token)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=DEADLINE)


def kill9(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=DEADLINE)
    assert process.returncode == -signal.SIGKILL, "the dispatch ended before it could be killed"


def journal_cli(*args, journal) -> Run:
    r = run_cli("journal", *args, "--journal", str(journal), env={k: "" for k in ("ORDSPEC_TOKEN",)})
    return Run(r)


# -- the journal, read directly ------------------------------------------------------------------

def journal_rows(path) -> list[dict]:
    """Every journal row as a dict (opened read-only: the journal file is not changed)."""
    path = Path(path)
    if not path.exists():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute("SELECT * FROM requests ORDER BY created")]
    finally:
        db.close()


def journal_bytes(path) -> bytes:
    """The journal and any SQLite side files (WAL, shared memory, rollback journal) next to it."""
    path = Path(path)
    data = b""
    for candidate in sorted(path.parent.glob(path.name + "*")):
        data += candidate.read_bytes()
    return data


def write(tmp_path, name: str, *lines: str) -> Path:
    path = Path(tmp_path) / name
    path.write_text("\n".join(lines) + "\n")
    return path


# A sitecustomize that makes every socket connection fail loudly and leaves a mark if one is tried.
NO_SOCKETS = '''
import os, socket

_mark = os.environ["ORDSPEC_TEST_SOCKET_MARK"]
with open(_mark + ".loaded", "a") as f:  # proof that the guard was in place in this process
    f.write("%d\\n" % os.getpid())


def _refuse(*args, **kwargs):
    with open(_mark, "a") as f:
        f.write("connect %r\\n" % (args[1:] if len(args) > 1 else args,))
    raise OSError("sockets are forbidden in this test (dry run)")


class _NoConnect(socket.socket):
    connect = _refuse
    connect_ex = _refuse


socket.socket = _NoConnect
socket.create_connection = _refuse
'''


def concurrently(scenarios: dict) -> None:
    """Run independent scenarios (each with its own paper broker and journal) side by side, so that
    their rate-limit pauses and backoffs overlap; wait for all, then fail with the first failure."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(scenarios)) as pool:
        futures = {name: pool.submit(run) for name, run in scenarios.items()}
    failures = {name: f.exception() for name, f in futures.items() if f.exception() is not None}
    if failures:
        name, error = next(iter(failures.items()))
        raise AssertionError(f"scenario {name!r} failed (of {sorted(failures)}): {error}") from error


def child_processes() -> set[int]:
    """The live (not zombie) child processes of this test process, from /proc."""
    me, found = os.getpid(), set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


@contextlib.contextmanager
def no_leaks():
    """Fail if the block leaves a child process running or a paper broker thread alive."""
    processes = child_processes()
    yield
    left = child_processes() - processes
    assert not left, f"processes left running: {sorted(left)}"
    threads = [t.name for t in threading.enumerate() if t.name.startswith("paper-") and t.is_alive()]
    assert len(threads) <= 1, f"paper broker threads left: {threads}"  # (one: the module's background broker)
