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

    [[tool.ordspec.overrides]]
    paths = ["legacy/*.ord"]
    ignore = ["expired-contract"]
"""

from __future__ import annotations

import os
import re
from fnmatch import fnmatch

KEYS = ("broker", "instruments", "quotes", "state", "gateway", "rate", "select", "ignore", "exclude", "defaults", "overrides")
OVERRIDE_KEYS = ("paths", "broker", "select", "ignore", "defaults")


class ConfigError(Exception):
    """A configuration file ordspec cannot use (exit 2)."""


def find(start: str | None = None) -> str | None:
    here = os.path.abspath(start or os.getcwd())
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


def _has_table(path: str) -> bool:
    """Whether a pyproject.toml has a tool.ordspec table (parsed only when it mentions ordspec at all)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return False
    # parse (tomllib costs ~10 ms on the lint path) only what may hold the table
    if b"tool.ordspec" not in data and not (b"[tool]" in data and re.search(rb"(?m)^\s*ordspec\s*[.=]", data)):
        return False
    import tomllib

    try:
        return isinstance(tomllib.loads(data.decode("utf-8")).get("tool", {}).get("ordspec"), dict)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return True  # load() then says what is wrong with it


class Settings:
    """What applies to one file: the broker, the rule selection and the defaults."""

    __slots__ = ("broker", "select", "ignore", "defaults")

    def __init__(self, broker=None, select=None, ignore=(), defaults=None):
        self.broker = broker
        self.select = select  # None: every rule
        self.ignore = tuple(ignore)
        self.defaults = dict(defaults or {})

    def wants(self, code: str, name: str) -> bool:
        from ordspec.rules.registry import FIXED

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
        self.broker = data.get("broker")
        self.instruments = [self._path(p) for p in _list(data, "instruments")]
        self.quotes = self._path(data["quotes"]) if data.get("quotes") else None
        self.state = self._path(data["state"]) if data.get("state") else None
        self.gateway = data.get("gateway")
        self.rates = _rates(path, data.get("rate"))
        self.select = _list(data, "select") if "select" in data else None
        self.ignore = _list(data, "ignore")
        self.exclude = _list(data, "exclude")
        self.defaults = _defaults(path, _table(data, "defaults"))
        self.overrides = []
        for n, item in enumerate(data.get("overrides") or []):
            if not isinstance(item, dict):
                raise ConfigError(f"{path}: overrides[{n}] is not a table")
            unknown = [k for k in item if k not in OVERRIDE_KEYS]
            if unknown:
                raise ConfigError(f"{path}: overrides[{n}] has unknown key(s) {', '.join(unknown)}: expected {', '.join(OVERRIDE_KEYS)}")
            if not _list(item, "paths"):
                raise ConfigError(f"{path}: overrides[{n}] needs `paths`")
            self.overrides.append({**item, "defaults": _defaults(path, _table(item, "defaults"))})

    def _path(self, path: str) -> str:
        return path if os.path.isabs(path) else os.path.normpath(os.path.join(self.root, path))

    def relative(self, path: str) -> str:
        return os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")

    def excluded(self, path: str) -> bool:
        relative = self.relative(path)
        return any(fnmatch(relative, p) or fnmatch(relative, p.rstrip("/") + "/*") or relative.startswith(p.rstrip("/*") + "/") for p in self.exclude)

    def settings(self, path: str, broker: str | None = None) -> Settings:
        """The settings for one file; `broker` (from the command line) wins."""
        found = Settings(self.broker, self.select, self.ignore, self.defaults)
        relative = self.relative(path) if not path.startswith("<") else path
        for item in self.overrides:
            if any(fnmatch(relative, p) for p in _list(item, "paths")):
                found.broker = item.get("broker", found.broker)
                if "select" in item:
                    found.select = _list(item, "select")
                found.ignore = found.ignore + tuple(_list(item, "ignore"))
                found.defaults = {**found.defaults, **item["defaults"]}
        if broker:
            found.broker = broker
        return found


def _list(data: dict, key: str) -> list[str]:
    value = data.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"`{key}` is a list of strings")
    return value


def _rates(path, value) -> dict:
    """`rate`: requests per second for every broker (a number) or per broker (a table)."""
    from ordspec.compiler import BROKERS

    if value is None:
        return {}
    table = value if isinstance(value, dict) else dict.fromkeys(BROKERS, value)
    out = {}
    for name, number in table.items():
        if name not in BROKERS:
            raise ConfigError(f"{path}: rate.{name}: not a broker: {', '.join(BROKERS)}")
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not 0 < number <= MAX_RATE:
            raise ConfigError(f"{path}: rate: requests per second, above 0 and at most {MAX_RATE}")
        out[name] = float(number)
    return out


MAX_RATE = 100


def _table(data: dict, key: str) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise ConfigError(f"`{key}` is a table")
    return {k: str(v) for k, v in value.items()}


def _defaults(path, table: dict) -> dict:
    """Check `defaults` as `default` lines are checked; name -> value."""
    from ordspec import values
    from ordspec.language import DEFAULTABLE

    out = {}
    for name, text in table.items():
        if name not in DEFAULTABLE:
            raise ConfigError(f"{path}: `{name}` cannot have a default: defaults can set {', '.join(DEFAULTABLE)}")
        value, problem = values.option(name, text)
        if problem:
            raise ConfigError(f"{path}: defaults.{name}: {problem.message}")
        out[name] = value
    return out


def load(path: str | None) -> Config:
    """The configuration in `path` (None: the defaults)."""
    if path is None:
        return Config()
    import tomllib

    try:
        with open(path, "rb") as f:
            document = tomllib.load(f)
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path} is not valid TOML: {e}") from None
    data = document.get("tool", {}).get("ordspec", {}) if path.endswith("pyproject.toml") else document
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the ordspec configuration is not a table")
    unknown = [k for k in data if k not in KEYS]
    if unknown:
        from difflib import get_close_matches

        hints = [f"{k} (did you mean {close[0]}?)" if (close := get_close_matches(k, KEYS, 1)) else k for k in unknown]
        raise ConfigError(f"{path}: unknown key(s) {', '.join(hints)}")
    return Config(path, data)
