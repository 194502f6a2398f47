"""Configuration: `ordspec.toml`, or `[tool.ordspec]` in `pyproject.toml`.

Found like ruff's: the nearest directory, from the current one up, that has an
ordspec.toml, or a pyproject.toml with a [tool.ordspec] table; --config names
a file instead. Paths in it are relative to its directory. Command-line
options win over it; per-path overrides win over its top level.

    [tool.ordspec]
    broker = "groww"
    instruments = ["data/instruments.csv"]
    select = ["OS2", "leg-order"]          # codes, code prefixes or names; default: all
    ignore = ["reference-data"]
    exclude = ["archive/**"]
    defaults = { product = "CNC" }         # like `default` lines at the top of every file
    rate = { groww = 2 }                   # dispatch: requests per second, per broker
    client_id = "1000000132"               # the account, for a broker whose table asks for it (Dhan)
    plan = true                            # lint these files as `ordspec plan` reads them

    [[tool.ordspec.overrides]]
    paths = ["legacy/*.ord"]
    ignore = ["expired-contract"]

Every key and every rule name is checked when the file is read: a misspelt one
is a usage error with the nearest right spelling, never a setting that quietly
does nothing (`select = ["leg_order"]` would otherwise turn off every rule).
"""

from __future__ import annotations

import os

from ordspec.dates import date

KEYS = ("broker", "instruments", "quotes", "state", "gateway", "client_id", "rate", "select", "ignore", "exclude", "defaults", "plan", "overrides")
OVERRIDE_KEYS = ("paths", "broker", "select", "ignore", "defaults", "plan")
MAX_RATE = 100


class ConfigError(Exception):
    """A configuration file ordspec cannot use (exit 2)."""


def did_you_mean(word: str, choices) -> str:
    """' (did you mean 'leg-order'?)' for the nearest of `choices`, or ''."""
    from difflib import get_close_matches

    close = get_close_matches(word, list(choices), 1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def rule_problem(text: str, prefixes: bool = True) -> str | None:
    """Why `text` names no rule, or None: a rule's name, its code (any case) or, where
    `prefixes`, the start of a code (`OS2`)."""
    from ordspec.rules.codes import CODES as found  # (the table alone: no rule module is loaded)

    upper = text.upper()
    if any(text == r.name or upper == r.code for r in found):
        return None
    if prefixes and upper.startswith("OS") and any(r.code.startswith(upper) for r in found):
        return None
    return f"no rule is called `{text}`{did_you_mean(text, [r.name for r in found] + [r.code for r in found])}"


def client_id(text: str) -> str:
    """A broker account's client id (Dhan's dhanClientId), which may go into a header: ASCII letters and digits."""
    if not (0 < len(text) <= 32 and text.isascii() and text.isalnum()):
        shown = repr(text) if len(text) <= 40 and text.isprintable() else "the value"
        raise ValueError(f"{shown} is not a client id: 1-32 ASCII letters and digits, such as 1000000132")
    return text


def client_id_of(given: str | None, broker: str) -> str | None:
    """The client id for `broker`: --client-id (or the configuration's client_id), else
    ORDSPEC_<BROKER>_CLIENT_ID; checked."""
    value = given or os.environ.get(f"ORDSPEC_{broker.upper()}_CLIENT_ID") or None
    if value is not None:
        try:
            client_id(value)
        except ValueError as e:
            raise ValueError(f"client id: {e}") from None
    return value


def rule_list(text: str) -> tuple[str, ...]:
    """A command-line list of rules, `leg-order,OS2`; ValueError naming the first unknown one."""
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    if not names:
        raise ValueError("name at least one rule (a name, a code or a code prefix such as OS2)")
    for name in names:
        problem = rule_problem(name)
        if problem:
            raise ValueError(problem)
    return names


def find(start: str | None = None) -> str | None:
    try:
        here = os.path.abspath(start or os.getcwd())
    except OSError:  # the current directory was removed
        return None
    while True:
        candidate = os.path.join(here, "ordspec.toml")
        if os.path.isfile(candidate):
            return candidate
        candidate = os.path.join(here, "pyproject.toml")
        if os.path.isfile(candidate) and _has_table(candidate):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _matches(path: str, pattern: str) -> bool:
    from fnmatch import fnmatch  # imports re: only a configuration with paths pays for it

    return fnmatch(path, pattern)


def _mentions_ordspec(data: bytes) -> bool:
    import re

    return re.search(rb"(?m)^\s*ordspec\s*[.=]", data) is not None


def _has_table(path: str) -> bool:
    """Whether a pyproject.toml has a tool.ordspec table (parsed only when it mentions ordspec at all)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return False
    # parse (tomllib costs ~10 ms on the lint path) only what may hold the table
    if b"tool.ordspec" not in data and not (b"[tool]" in data and _mentions_ordspec(data)):
        return False
    import tomllib

    try:
        tool = tomllib.loads(data.decode("utf-8").removeprefix("\ufeff")).get("tool", {})
        return isinstance(tool, dict) and isinstance(tool.get("ordspec"), dict)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return True  # load() then says what is wrong with it


class Settings:
    """What applies to one file: the broker, the rule selection and the defaults."""

    __slots__ = ("broker", "select", "ignore", "defaults", "plan")

    def __init__(self, broker=None, select=None, ignore=(), defaults=None, plan=False):
        self.broker = broker
        self.select = select  # None: every rule
        self.ignore = tuple(ignore)
        self.defaults = dict(defaults or {})
        self.plan = plan  # the file holds desired orders (`ordspec plan`, `lint --plan`)

    def wants(self, code: str, name: str) -> bool:
        from ordspec.rules.codes import FIXED

        if name in FIXED:  # an incomplete statement is always reported
            return True

        def hit(patterns) -> bool:
            return any(p == name or code.startswith(p.upper()) for p in patterns)
        return (self.select is None or hit(self.select)) and not hit(self.ignore)


class Config:
    def __init__(self, path: str | None = None, data: dict | None = None):
        self.path = path
        self.root = os.path.dirname(os.path.abspath(path)) if path else os.getcwd()
        data = data or {}
        read = _Reader(path or "the configuration")
        self.broker = read.broker(data, "broker")
        self.instruments = [self._path(p) for p in read.strings(data, "instruments", path=True)]
        self.quotes = self._path(read.text(data, "quotes", path=True)) if data.get("quotes") is not None else None
        self.state = self._path(read.text(data, "state", path=True)) if data.get("state") is not None else None
        self.gateway = read.text(data, "gateway")
        self.client_id = read.client_id(data, "client_id")
        self.rates = read.rates(data.get("rate"))
        self.select = read.rules(data, "select") if "select" in data else None
        self.ignore = read.rules(data, "ignore")
        self.exclude = read.strings(data, "exclude", path=True)
        self.defaults = read.defaults(data, "defaults")
        self.plan = read.boolean(data, "plan")
        self.overrides = []
        items = data.get("overrides", [])
        if not isinstance(items, list):
            raise ConfigError(f"{read.path}: `overrides` is a list of tables (write each as [[overrides]])")
        for n, item in enumerate(items):
            where = f"overrides[{n}]"
            if not isinstance(item, dict):
                raise ConfigError(f"{read.path}: {where} is not a table")
            read.known(item, OVERRIDE_KEYS, f"{where}: ")
            if not read.strings(item, "paths", where, path=True):
                raise ConfigError(f"{read.path}: {where} needs `paths`")
            self.overrides.append(
                {
                    "paths": read.strings(item, "paths", where, path=True),
                    **({"broker": read.broker(item, "broker", where)} if "broker" in item else {}),
                    **({"select": read.rules(item, "select", where)} if "select" in item else {}),
                    "ignore": read.rules(item, "ignore", where),
                    "defaults": read.defaults(item, "defaults", where),
                    **({"plan": read.boolean(item, "plan", where)} if "plan" in item else {}),
                }
            )

    def _path(self, path: str) -> str:
        return path if os.path.isabs(path) else os.path.normpath(os.path.join(self.root, path))

    def relative(self, path: str) -> str:
        return os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")

    def excluded(self, path: str) -> bool:
        relative = self.relative(path)
        return any(_matches(relative, p) or _matches(relative, p.rstrip("/") + "/*") or relative.startswith(p.rstrip("/*") + "/") for p in self.exclude)

    def command_line(self, select=None, ignore=(), plan: bool = False) -> None:
        """--select replaces every selection (top level and per path); --ignore adds to every file's;
        --plan reads every file as desired orders."""
        if plan:
            self.plan = True
            for item in self.overrides:
                item.pop("plan", None)
        if select:
            self.select = list(select)
            for item in self.overrides:
                item.pop("select", None)
        self.ignore = [*self.ignore, *ignore]

    def settings(self, path: str, broker: str | None = None) -> Settings:
        """The settings for one file; `broker` (from the command line) wins."""
        found = Settings(self.broker, self.select, self.ignore, self.defaults, self.plan)
        relative = self.relative(path) if not path.startswith("<") else path
        for item in self.overrides:
            if any(_matches(relative, p) for p in item["paths"]):
                found.broker = item.get("broker", found.broker)
                if "select" in item:
                    found.select = item["select"]
                found.ignore = found.ignore + tuple(item["ignore"])
                found.defaults = {**found.defaults, **item["defaults"]}
                found.plan = item.get("plan", found.plan)
        if broker:
            found.broker = broker
        return found


class _Reader:
    """Reads one configuration file's values; every problem names the file and the key."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, where: str, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.path}: {where + '.' if where else ''}{key}: {message}")

    def known(self, data: dict, allowed, where: str = "") -> None:
        unknown = [k for k in data if k not in allowed]
        if unknown:
            hints = ", ".join(f"`{k}`{did_you_mean(k, allowed)}" for k in unknown)
            raise ConfigError(f"{self.path}: {where}unknown key{'s' if len(unknown) > 1 else ''} {hints}: expected {', '.join(allowed)}")

    def text(self, data: dict, key: str, where: str = "", path: bool = False) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(where, key, f"a string, not {_kind(value)}")
        if path and (not value or "\x00" in value):
            raise self.fail(where, key, "a path, not an empty string" if not value else "a path cannot hold a NUL character")
        return value

    def boolean(self, data: dict, key: str, where: str = "") -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(where, key, f"true or false, not {_kind(value)}")
        return value

    def strings(self, data: dict, key: str, where: str = "", path: bool = False) -> list[str]:
        value = data.get(key, [])
        bad = next((v for v in value if not isinstance(v, str)), None) if isinstance(value, list) else value
        if bad is not None:
            what = _kind(bad) if bad is value else f"an array holding {_kind(bad)}"
            dotted = f"{where}.{key}" if where else key
            raise ConfigError(f'{self.path}: `{dotted}` is a list of strings, such as ["{_EXAMPLES.get(key, "...")}"], not {what}')
        if path and any(not v or "\x00" in v for v in value):
            raise self.fail(where, key, "paths are not empty and hold no NUL character")
        return value

    def rules(self, data: dict, key: str, where: str = "") -> list[str]:
        names = self.strings(data, key, where)
        for name in names:
            problem = rule_problem(name)
            if problem:
                raise self.fail(where, key, problem)
        return names

    def broker(self, data: dict, key: str, where: str = "") -> str | None:
        from ordspec.compiler import names

        name = self.text(data, key, where)
        if name is not None and name not in names():
            raise self.fail(where, key, f"unknown broker `{name}`{did_you_mean(name, names())}: choose from {', '.join(names())}")
        return name

    def client_id(self, data: dict, key: str) -> str | None:
        text = self.text(data, key)
        if text is not None:
            try:
                client_id(text)
            except ValueError as e:
                raise self.fail("", key, str(e)) from None
        return text

    def rates(self, value) -> dict:
        """`rate`: requests per second for every broker (a number) or per broker (a table)."""
        from ordspec.compiler import names

        if value is None:
            return {}
        brokers = names()
        table = value if isinstance(value, dict) else dict.fromkeys(brokers, value)
        out = {}
        for name, number in table.items():
            key = f"rate.{name}" if isinstance(value, dict) else "rate"
            if name not in brokers:
                raise self.fail("", key, f"not a broker{did_you_mean(name, brokers)}: {', '.join(brokers)}")
            if isinstance(number, bool) or not isinstance(number, (int, float)) or not 0 < number <= MAX_RATE:
                shown = repr(number) if isinstance(number, (int, float, str)) and not isinstance(number, bool) else _kind(number)
                raise self.fail("", key, f"requests per second, above 0 and at most {MAX_RATE} (or a table per broker), not {shown}")
            out[name] = float(number)
        return out

    def defaults(self, data: dict, key: str, where: str = "") -> dict:
        """Checked as `default` lines are checked; name -> value."""
        from ordspec import values
        from ordspec.language import DEFAULTABLE

        table = data.get(key, {})
        if not isinstance(table, dict):
            raise self.fail(where, key, f"a table of option = value, such as {{ product = \"CNC\" }}, not {_kind(table)}")
        here = f"{where}.{key}" if where else key
        out = {}
        for name, raw in table.items():
            if name not in DEFAULTABLE:
                raise self.fail(here, name, f"`{name}` cannot have a default{did_you_mean(name, DEFAULTABLE)}: defaults can set {', '.join(DEFAULTABLE)}")
            if isinstance(raw, date) and not hasattr(raw, "hour"):
                raw = raw.isoformat()  # registered = 2025-05-19, a TOML date
            if not isinstance(raw, str):
                raise self.fail(here, name, f"a string, not {_kind(raw)}")
            value, problem = values.option(name, raw)
            if problem:
                raise self.fail(here, name, problem.message)
            out[name] = value
        return out


_EXAMPLES = {"select": "leg-order", "ignore": "reference-data", "instruments": "data/instruments.csv", "exclude": "archive/**", "paths": "legacy/*.ord"}


def _kind(value) -> str:
    """What a TOML value is, in TOML's words."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return f"the string {value!r}" if len(value) <= 40 else "a string"
    return {int: "an integer", float: "a float", list: "an array", dict: "a table"}.get(type(value), "a date or time")


def load(path: str | None) -> Config:
    """The configuration in `path` (None: the defaults)."""
    if path is None:
        return Config()
    import tomllib

    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror or e}") from None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise ConfigError(f"{path} is not UTF-8 text: byte 0x{data[e.start]:02x} at line {line}, column {column}") from None
    try:
        data = document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path} is not valid TOML: {e}") from None
    if os.path.basename(path) == "pyproject.toml":
        tool = document.get("tool", {})
        data = tool.get("ordspec", {}) if isinstance(tool, dict) else None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the ordspec configuration ([tool.ordspec]) is not a table")
    if data is document and isinstance(data.get("tool"), dict) and "ordspec" in data["tool"]:
        raise ConfigError(f"{path}: [tool.ordspec] belongs in pyproject.toml; ordspec.toml takes the same keys without that header")
    _Reader(path).known(data, KEYS)
    return Config(path, data)
