"""plan's one door into the rest of ordspec: checking and compiling files, the broker tables,
statements for an existing order, sending, and reading what brokers answer.

Everything plan/ needs from the pipeline (pipeline.run.Run, pipeline.compile.compile_sources),
the back ends (compiler.base.Broker: its table through `setting`), dispatch (Sender, Transport,
Credentials) and each broker's Answers (dispatch/answers/: `recover`, `not_found`) goes through here, so that a change of those internals is a change of this file.
Requests are always built by the back ends, from statements: plan writes a statement (a line of
the order language: `MODIFY GTT gtt_91a7f4 segment CASH qty 12`) and compiles it as any file is
compiled, with every rule, never broker JSON by hand.
"""

from __future__ import annotations

import copy

from ordspec.pipeline import UsageError


class PlanError(Exception):
    """Input plan cannot use (a file, an option, a plan file, a journal): exit 2."""


class Checked:
    """Files checked and compiled for plan: the run, its create requests (None on any error), its broker."""

    __slots__ = ("run", "requests", "broker")

    def __init__(self, run, requests, broker):
        self.run = run
        self.requests = requests
        self.broker = broker

    @property
    def diagnostics(self):
        return self.run.diagnostics


def config(path: str | None):
    from ordspec.config import ConfigError, find, load

    try:
        return load(path or find())
    except ConfigError as e:
        raise PlanError(str(e)) from None


def check_files(paths, broker=None, instruments=(), quotes=None, as_of=None, config_path=None) -> Checked:
    """Check and compile the files as desired orders (every rule lint --plan runs), all or nothing."""
    from ordspec.pipeline.compile import compile_sources
    from ordspec.pipeline.read import expand
    from ordspec.pipeline.run import Run

    settings = config(config_path)
    settings.command_line(plan=True)
    try:
        run = Run(broker=broker, instruments=instruments, as_of=as_of, derive_keys=True, quotes=quotes, config=settings)
        run.load()
        sources = []
        for path in expand(list(paths), settings.excluded if settings.exclude else None):
            if path == "-":
                raise PlanError("plan reads order files, not stdin: name the files")
            source = run.read(path)
            if source is not None:
                sources.append((source, None))
        if not sources and not run.diagnostics:
            raise PlanError(
                f"no order files found under {', '.join(paths)}: a plan of no files would cancel every order it placed; "
                "to mean no orders, name a file that holds none (a `broker NAME` line alone)"
            )
        try:
            requests = compile_sources(run, sources)
        except UsageError:
            if not run.failed:
                raise
            requests = None  # (an option the files would need, such as --gateway: their errors say more)
    except UsageError as e:
        raise PlanError(str(e)) from None
    brokers = {b.name: b for b in (run.broker_of(name) for name in run.sources) if b is not None}
    if len(brokers) > 1:
        raise PlanError(f"one plan is for one broker, and these files are for {' and '.join(sorted(brokers))}: plan them apart")
    target = next(iter(brokers.values()), None) or (get(run.broker) if run.broker else None)
    return Checked(run, requests, target)


def names() -> list[str]:
    from ordspec import compiler

    return compiler.names()


def get(name: str):
    from ordspec import compiler

    return compiler.get(name)


def title(name: str) -> str:
    return get(name).title


def create_operations(name: str) -> set[str]:
    """The operation names of the broker's creates (Dhan: a forever order and a super order)."""
    return {op["name"] for key, op in get(name).setting("operations").items() if key.split()[0] == "CREATE"}


def deduplicates(name: str) -> bool:
    return bool(get(name).setting("dispatch.deduplicates"))


def modifiable(name: str, kind: str, field: str) -> bool:
    """Whether the broker's modifiable-field table (the one `not-modifiable` reads) lets `field` change in place."""
    table = get(name).setting("modifiable").get(kind)
    if table is None:
        return False  # no table: the broker documents no modify for this kind
    allowed = table.get(field)
    if allowed is None and field.split(".")[0] in ("target", "sl"):
        allowed = table.get("legs")
    return bool(allowed)


def cannot_modify(name: str, kind: str, field: str) -> str:
    """The reason for a replace, in `not-modifiable`'s words: Groww cannot modify the product of a GTT."""
    from ordspec.rules.broker import _LABELS

    broker = get(name)
    if not broker.setting("modifiable").get(kind):
        return f"{broker.title} cannot modify {'an' if kind[0] in 'AEIOU' else 'a'} {kind} in place"
    return f"{broker.title} cannot modify the {_LABELS.get(field, field)} of {'an' if kind[0] in 'AEIOU' else 'a'} {kind}"


def create_request(run, stmt, key: str):
    """The create request of a checked statement under another idempotency key (a later generation)."""
    from ordspec.pipeline.compile import schema_errors
    from ordspec.rules.context import Context

    broker = run.broker_of(stmt.file)
    copied = copy.copy(stmt)
    copied.key = key
    (request,) = broker.compile(copied, Context(run, broker, stmt.file))
    problems = schema_errors(request)
    if problems:
        raise PlanError(f"internal error: the {broker.title} request for {stmt.file}:{stmt.line} fails its schema: {problems[0]}")
    return request


def statements(broker_name: str, lines: list[str], as_of, book=None, like=None):
    """Compile lines of the order language for `broker_name`, as a file of them would compile.

    Returns (requests, one per line, or None; the diagnostics with a `line` index into `lines`).
    `book` is the broker's book as a State (Codifi's SIPs, Kite's GTTs), which a modify is built
    from; `like` is the files' run, whose reference data (Kite: the last prices) and client id the
    lines share.
    """
    from ordspec.config import Config
    from ordspec.pipeline.compile import compile_sources
    from ordspec.pipeline.run import Run

    run = Run(broker=broker_name, as_of=as_of, derive_keys=True, config=Config(), client_id=like.client_id if like is not None else None)
    run.inputs.given_state(book)
    if like is not None:
        run.inputs.refdata = like.refdata
    text = "\n".join(lines) + "\n"
    source = run.read("<plan>", "<plan>", text.encode())
    try:
        requests = compile_sources(run, [(source, None)])
    except UsageError as e:
        raise PlanError(f"internal error: {e}") from None
    found = [(d.line - 1, d) for d in run.diagnostics if d.severity == "error"]
    return requests, found


def read_request(broker_name: str, line: str, as_of):
    """One GET or LIST request (plan's reads of the book); a line that does not compile is a bug."""
    requests, found = statements(broker_name, [line], as_of)
    if requests is None or len(requests) != 1:
        raise PlanError(f"internal error: cannot build `{line}`: {found[0][1].message if found else 'no request'}")
    return requests[0]


def listing(broker_name: str, transport):
    """Every order the broker holds, as its Answers.listing reads them (neutral records): (records,
    None), or (None, why) when the list was not read (Kite: GET /gtt/triggers)."""
    from ordspec.dispatch.transport import Lost, NotSent

    try:
        found = answers(broker_name).listing(transport)
    except (NotSent, Lost) as e:
        return None, str(e)
    return (found, None) if found is not None else (None, "the answer is not a readable list")


def listed(broker_name: str, kind: str, rows: list) -> list[dict]:
    """The rows of a list answer already read (Dhan: its forever or super orders) as the neutral
    records the broker's listing gives."""
    from importlib import import_module

    record = import_module(f"ordspec.dispatch.answers.{broker_name}").record
    table = get(broker_name).table
    return [record(r, kind, table) for r in rows if isinstance(r, dict)]


def gtt_state(gtts: dict):
    """Kite's GTTs (trigger id -> the GTT as listed) as the State a Kite MODIFY is merged from."""
    from ordspec.state import State

    return State("Kite's GTT list", {}, gtts)


def codifi_book(answer_data):
    """Codifi's order book answer as a State, every SIP checked as --state's are; (state, problem)."""
    from ordspec.state import State, StateError

    try:
        return State.from_book("Codifi's SIP order book", answer_data if isinstance(answer_data, list) else []), None
    except StateError as e:
        return None, str(e)


# -- sending


def credentials(broker_name: str, client_id: str | None = None):
    """The broker's credentials; a broker whose table asks for the account's client id (Dhan) gets
    it in its headers: `client_id` (the configuration's), else ORDSPEC_<BROKER>_CLIENT_ID."""
    from ordspec.config import client_id_of
    from ordspec.dispatch.credentials import Credentials

    broker = get(broker_name)
    public = {"client_id": client_id_of(client_id, broker_name)} if broker.setting("client_id") else {}  # (ValueError: a bad one)
    return Credentials(broker, public=public)


def transport(base_url: str, credentials, rate: float, timeout: float):
    from ordspec.dispatch.transport import Transport

    return Transport(base_url, credentials.headers(), rate, timeout)


def sender(broker_name: str, base_url: str, journal, transport, credentials, **options):
    """A dispatch Sender that journals each request under the key plan gives it (send_as)."""
    from ordspec.dispatch.sender import Sender

    class Keyed(Sender):
        _key = None

        def key(self, request):
            return self._key if self._key is not None and request.method != "GET" else Sender.key(self, request)

        def send_as(self, key: str, request):
            self._key = key
            try:
                return self.send(request)
            finally:
                self._key = None

    return Keyed(get(broker_name), base_url, journal, transport, credentials, **options)


def answers(broker_name: str):
    from ordspec.dispatch import answers

    return answers.get(get(broker_name))


def not_found(broker_name: str, result) -> bool:
    """Whether a refused read says the order does not exist (the broker's Answers.not_found: Groww GA004)."""
    return result.state == "rejected" and answers(broker_name).not_found(result.message or "")


def find_by_reference(broker_name: str, saved: dict, transport, since):
    """After an apply was stopped mid-create: the order the broker holds under its reference.

    Uses the broker's own recovery (Answers.recover; Groww: the list in every status, then GET):
    (id, differences), (None, None) when it is not there, or None when the broker cannot be asked.
    """
    found = answers(broker_name)
    if not found.recovers:
        return None
    return found.recover(saved_request(broker_name, saved), transport, since)


# -- requests in a plan file


def request_data(request) -> dict:
    """What a plan file keeps of a request: enough to send it again exactly."""
    stmt = request.statement
    return {
        "operation": request.operation,
        "method": request.method,
        "path": request.path,
        "query": request.query,
        "body": request.body,
        "schema": request.schema,
        "statement": {
            "verb": stmt.verb,
            "kind": stmt.kind.value,
            "key": stmt.key,
            "order_id": stmt.order_id.value if stmt.order_id is not None else None,
            "file": request.file,
            "line": request.line,
        },
    }


def saved_request(broker_name: str, data: dict):
    """A request from a plan file (request_data), checked against its schema again."""
    from ordspec.compiler.request import Request
    from ordspec.pipeline.compile import schema_errors
    from ordspec.ir import Field, Statement
    from ordspec.source import Span

    s = data["statement"]
    line = s.get("line") or 1
    stmt = Statement(s.get("file") or "<plan>", s["verb"], Field(s["kind"], line, 1, line, 2), Span(line, 1, line, 2))
    stmt.key = s.get("key")
    if s.get("order_id") is not None:
        stmt.order_id = Field(s["order_id"], line, 1, line, 2)
    request = Request(broker_name, data["operation"], data["method"], data["path"], data.get("query") or {}, data.get("body"), stmt, data.get("schema"))
    try:
        problems = schema_errors(request)
    except (OSError, ValueError):
        problems = [f"no schema {data.get('schema')!r}"]
    if problems:
        raise PlanError(f"a request in the plan file does not pass its schema ({problems[0]}): the file was changed after it was made")
    return request


def body_text(body) -> str | None:
    from ordspec.dispatch.journal import Journal

    return Journal.body_text(body)


def json_text(value, indent=2) -> str:
    """JSON with decimals written exactly (never through float)."""
    from ordspec.compiler.jsonout import dumps

    return dumps(value, indent=indent)


def word(text: str) -> str:
    """A value as one word of the order language, quoted when it is not one."""
    from ordspec.fmt import word as one

    return one(text)


def visible(text: str) -> str:
    from ordspec.render.text import visible as shown

    return shown(text)
