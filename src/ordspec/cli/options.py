"""The options of each command, as data: click builds its commands from this table,
and `ordspec lint` parses it without click on the fast path (see cli/__init__.py)."""

from __future__ import annotations

from ordspec import compiler
from ordspec.config import client_id, rule_list
from ordspec.dates import date


class Opt:
    __slots__ = ("flag", "short", "metavar", "_choices", "default", "help", "check", "multiple", "is_flag")

    def __init__(self, flag, help, metavar=None, choices=None, default=None, short=None, check=None, multiple=False, is_flag=False):
        self.flag = flag
        self.short = short
        self.metavar = metavar
        self._choices = choices  # a tuple, or a function giving one (the brokers: found when first asked)
        self.default = default
        self.help = help
        self.check = check  # text -> value, raising ValueError with a message
        self.multiple = multiple  # may be given more than once: a tuple of values
        self.is_flag = is_flag  # takes no value: True when given

    @property
    def choices(self):
        return self._choices() if callable(self._choices) else self._choices

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")


def as_of(text: str) -> date:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a date: write YYYY-MM-DD")


BROKER = Opt("--broker", "check for this broker too, and compile for it", metavar="NAME", choices=compiler.names)
INSTRUMENTS = Opt(
    "--instruments",
    "instrument master CSV (Groww's, or INDstocks' for security ids): exact lot, tick and freeze sizes; repeatable",
    metavar="CSV",
    multiple=True,
)
QUOTES = Opt("--quotes", "CSV of symbol,last_price: checks triggers against the last price (Kite: the last_price every GTT carries)", metavar="CSV")
STATE = Opt("--state", "the broker's current orders, for a MODIFY built from them (Codifi: the SIP order book JSON, also for PAUSE and RESUME SIP; Kite: the answer of GET /gtt/triggers/{id} or GET /gtt/triggers)", metavar="JSON")
GATEWAY = Opt("--gateway", "the smallcase gateway name (the {gatewayName} of its API path)", metavar="NAME")
CLIENT_ID = Opt("--client-id", "the account's client id, for a broker that names it in every request (Dhan; default: the configuration's client_id, else ORDSPEC_<BROKER>_CLIENT_ID)", metavar="ID", check=client_id)
AS_OF = Opt("--as-of", "the day to check for (expiry, freeze quantities, tick bands); default: today in India", metavar="DATE", check=as_of)
STDIN_NAME = Opt("--stdin-filename", "the name of what '-' reads; a .yaml or .yml name reads YAML", metavar="NAME")
CONFIG = Opt("--config", "the configuration file (default: the nearest ordspec.toml or pyproject.toml with [tool.ordspec])", metavar="PATH")
LINT_FORMATS = ("text", "json", "sarif", "github")


def with_choices(help: str, choices) -> str:
    """A help line that names the choices: a metavar (FORMAT, NAME) alone would hide them."""
    return f"{help}: {', '.join(choices[:-1])} or {choices[-1]}" if len(choices) > 1 else f"{help}: {choices[0]}"


def jobs(text: str) -> int:
    if not text.isdigit():
        raise ValueError(f"{text!r} is not a number of processes (0: one per CPU)")
    return int(text)


LINT = (
    BROKER,
    INSTRUMENTS,
    QUOTES,
    STATE,
    AS_OF,
    Opt("--format", "output format", metavar="FORMAT", choices=LINT_FORMATS, default="text"),
    CONFIG,
    Opt("--select", "check only these rules (names, codes or code prefixes such as OS2, comma-separated; repeatable): replaces the configuration's select", metavar="RULES", check=rule_list, multiple=True),
    Opt("--ignore", "do not report these rules (names, codes or code prefixes, comma-separated; repeatable): added to the configuration's ignore", metavar="RULES", check=rule_list, multiple=True),
    Opt("--jobs", "check files in this many processes (0: one per CPU)", metavar="N", short="-j", check=jobs, default=1),
    Opt("--exit-zero", "exit 0 even when there are errors (usage errors still exit 2)", is_flag=True, default=False),
    Opt("--plan", "check the files as `ordspec plan` reads them: orders that should exist, no actions (as `plan = true` in the configuration)", is_flag=True, default=False),
    Opt("--force-exclude", "apply the configured excludes, and skip YAML that is not an order file, to files named on the command line too (for pre-commit)", is_flag=True, default=False),
    STDIN_NAME,
)
# what compile and dispatch both take: the orders' context
TARGETED = (CONFIG, BROKER, INSTRUMENTS, QUOTES, STATE, GATEWAY, CLIENT_ID, AS_OF)
COMPILE = (
    *TARGETED,
    Opt("--output", "write the requests here instead of stdout", metavar="FILE", short="-o"),
    STDIN_NAME,
)


def parse_fast(args: list[str], table) -> tuple[dict, list[str]] | None:
    """Parse `args` against `table`; None for anything unusual (click then parses and reports)."""
    by_flag = {o.flag: o for o in table}
    by_flag.update({o.short: o for o in table if o.short})
    values = {o.dest: () if o.multiple else o.default for o in table}
    paths: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            paths.extend(args[i + 1 :])
            break
        if arg.startswith("-") and arg != "-":
            flag, eq, value = arg.partition("=")
            opt = by_flag.get(flag)
            if opt is None:
                return None
            if opt.is_flag:
                if eq:
                    return None
                values[opt.dest] = True
                i += 1
                continue
            if not eq:
                i += 1
                if i == len(args):
                    return None
                value = args[i]
            if opt.choices is not None and value not in opt.choices:
                return None
            if opt.check is not None:
                try:
                    value = opt.check(value)
                except ValueError:
                    return None
            values[opt.dest] = values[opt.dest] + (value,) if opt.multiple else value
        else:
            paths.append(arg)
        i += 1
    if not paths:
        return None
    return values, paths


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 600:
        raise ValueError(f"{text!r} seconds: choose between 0 and 600")
    return value


def rate(text: str) -> float:
    from ordspec.config import MAX_RATE

    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number of requests per second") from None
    if not 0 < value <= MAX_RATE:
        raise ValueError(f"{text!r} requests per second: choose above 0 and at most {MAX_RATE}")
    return value


def base_url(text: str) -> str:
    from ordspec.dispatch.address import base_url as check

    return check(text)


BASE_URL = Opt("--base-url", "the broker's API host (default: its production URL; the paper broker: http://127.0.0.1:PORT)", metavar="URL", check=base_url)
JOURNAL = Opt("--journal", "the dispatch journal (SQLite; default: $XDG_STATE_HOME/ordspec/journal.sqlite)", metavar="PATH")
TIMEOUT = Opt("--timeout", "seconds to wait for each answer", metavar="SECONDS", check=seconds, default=None)
RATE = Opt("--rate", "requests per second (default: the broker's; never above a limit it documents)", metavar="N", check=rate, default=None)
FORMAT = Opt("--format", "output format", metavar="FORMAT", choices=("text", "json"), default="text")
DISPATCH = (*TARGETED, BASE_URL, JOURNAL, TIMEOUT, RATE, FORMAT, STDIN_NAME)
# plan and apply: dispatch's options but --state (plan reads Codifi's order book itself) and --gateway (no smallcase)
PLANNED = (CONFIG, BROKER, INSTRUMENTS, QUOTES, AS_OF, BASE_URL, JOURNAL, TIMEOUT, RATE, FORMAT)
PLAN = (
    *PLANNED,
    Opt("--out", "save the plan to this file, for `ordspec apply PLAN`", metavar="PLAN", short="-o"),
    Opt("--detailed-exitcode", "exit 0 for no changes, 2 for changes, 1 for an error (as terraform plan)", is_flag=True, default=False),
)
APPLY = (*PLANNED, Opt("--yes", "apply without asking (without it, apply asks on a terminal and refuses elsewhere)", is_flag=True, default=False))
