"""The configuration and rule names as input (issue 8): nothing misspelt passes silently, nothing
gets a traceback.

A rule name or code that does not exist, in the configuration (`select`, `ignore`, per-path
overrides), in --select/--ignore, in a suppression comment or given to `explain`, is a usage
error (exit 2) with the nearest right spelling. So is an unknown key, a value of the wrong type,
invalid TOML and a file that is not UTF-8, naming the file and the key. The reader is
property-tested: random bytes, TOML-ish text and random TOML documents give a Config or a
ConfigError, never another exception.
"""

from __future__ import annotations

import copy
import json
import math
import tomllib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DOC_DAY, examples, run_cli

AS_OF = DOC_DAY.isoformat()
LEG_ORDER = "OCO SELL 75 NIFTY25OCT24000CE target 95 sl 120.5 product MIS"  # target under the stop: leg-order
TICK = "GTT BUY 10 TCS trigger 3985.03 down limit 3990 product CNC"  # tick-size at 1:24


def repo_with(tmp_path: Path, name: str, config: str | bytes, orders: str = LEG_ORDER + "\n") -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / name).write_bytes(config if isinstance(config, bytes) else config.encode("utf-8"))
    (tmp_path / "o.ord").write_text(orders, encoding="utf-8")
    return tmp_path


def usage_error(result) -> str:
    """Exit 2, nothing on stdout, no traceback; the message."""
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2, (result.returncode, result.stdout.decode(), stderr)
    assert result.stdout == b""
    assert "Traceback" not in stderr, stderr
    return stderr


def lint(*args, cwd):
    return run_cli("lint", *args, "--as-of", AS_OF, cwd=cwd)


# -- rule names in the configuration ---------------------------------------------------------------


@pytest.mark.parametrize(
    "config, key, wrong, right",
    [
        ('select = ["leg_order"]', "select", "leg_order", "leg-order"),
        ('select = ["OS105", "tick_size"]', "select", "tick_size", "tick-size"),
        ('select = ["OS9999"]', "select", "OS9999", None),
        ('ignore = ["lot_size"]', "ignore", "lot_size", "lot-size"),
        ('ignore = ["XX1"]', "ignore", "XX1", None),
        ('select = ["Leg-Order"]', "select", "Leg-Order", "leg-order"),  # names are exact; codes are not
        ('[[overrides]]\npaths = ["*.ord"]\nselect = ["leg_order"]', "overrides[0].select", "leg_order", "leg-order"),
        ('[[overrides]]\npaths = ["*.ord"]\nignore = ["tick_size"]', "overrides[0].ignore", "tick_size", "tick-size"),
    ],
)
def test_an_unknown_rule_in_the_configuration_is_a_usage_error(tmp_path, config, key, wrong, right):
    repo = repo_with(tmp_path, "ordspec.toml", config + "\n")
    message = usage_error(lint("o.ord", cwd=repo))
    assert str(repo / "ordspec.toml") in message and f"{key}:" in message, message
    assert f"no rule is called `{wrong}`" in message, message
    if right:
        assert f"did you mean '{right}'?" in message, message
    # compile and dispatch read the same configuration and stop the same way
    assert usage_error(run_cli("compile", "o.ord", "--broker", "groww", "--as-of", AS_OF, cwd=repo)) == message
    assert usage_error(run_cli("dispatch", "o.ord", "--dry-run", "--broker", "groww", "--as-of", AS_OF, cwd=repo)) == message


def test_a_misspelt_select_no_longer_turns_every_rule_off(tmp_path):
    repo = repo_with(tmp_path, "pyproject.toml", '[tool.ordspec]\nselect = ["leg_order"]\n')
    assert "leg-order" in usage_error(lint("o.ord", cwd=repo))
    (repo / "pyproject.toml").write_text('[tool.ordspec]\nselect = ["leg-order"]\n')
    r = lint("o.ord", "--format", "json", cwd=repo)
    assert r.returncode == 1
    assert [d["name"] for d in json.loads(r.stdout)["diagnostics"]] == ["leg-order"]


@pytest.mark.parametrize("selector", ["leg-order", "OS105", "os105", "OS1", "os10", "OS"])
def test_names_codes_and_code_prefixes_are_accepted(tmp_path, selector):
    repo = repo_with(tmp_path, "ordspec.toml", f'select = ["{selector}"]\n')
    r = lint("o.ord", "--format", "json", cwd=repo)
    assert r.returncode == 1, r.stderr
    assert "leg-order" in [d["name"] for d in json.loads(r.stdout)["diagnostics"]]


# -- --select and --ignore -------------------------------------------------------------------------


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_an_unknown_rule_on_the_command_line_is_a_usage_error(tmp_path, option):
    repo = repo_with(tmp_path, "ordspec.toml", "")
    r = lint("o.ord", option, "leg-order,leg_ordr", cwd=repo)
    message = r.stderr.decode()
    assert r.returncode == 2 and "Traceback" not in message, message
    assert f"'{option}'" in message and "no rule is called `leg_ordr`" in message and "did you mean 'leg-order'?" in message, message


def test_select_and_ignore_options_win_over_the_configuration(tmp_path):
    repo = repo_with(tmp_path, "ordspec.toml", 'select = ["tick-size"]\n[[overrides]]\npaths = ["o.ord"]\nselect = ["OS2"]\n', f"{LEG_ORDER}\n{TICK}\n")

    def names(*args):
        r = lint("o.ord", "--format", "json", *args, cwd=repo)
        assert r.returncode in (0, 1), r.stderr
        return sorted(d["name"] for d in json.loads(r.stdout)["diagnostics"])

    assert names() == ["tick-size"]
    assert names("--select", "leg-order") == ["leg-order"]  # replaces the top level and the override
    assert names("--select", "leg-order,OS202") == ["leg-order", "tick-size"]
    assert names("--select", "leg-order", "--select", "tick-size") == ["leg-order", "tick-size"]
    assert names("--ignore", "OS202") == []  # added to what the configuration ignores
    assert names("--select", "OS1,OS2", "--ignore", "tick-size") == ["leg-order"]


# -- suppression comments --------------------------------------------------------------------------


def test_an_unknown_rule_in_a_suppression_is_a_usage_error_at_its_place(tmp_path):
    line = TICK + "  # ordspec: ignore[tick-size, tick_size]"
    repo = repo_with(tmp_path, "ordspec.toml", "", f"{TICK}\n{line}\n")
    message = usage_error(lint("o.ord", cwd=repo))
    column = line.index("tick_size") + 1
    assert message == f"ordspec: error: o.ord:2:{column}: suppression comment: no rule is called `tick_size` (did you mean 'tick-size'?)\n"
    assert usage_error(run_cli("compile", "o.ord", "--broker", "groww", "--as-of", AS_OF, cwd=repo)) == message


def test_every_unknown_suppression_is_named_yaml_too(tmp_path):
    text = f"orders:\n  - {TICK}  # ordspec: ignore[OS9999]\n  - {TICK}  # ordspec: ignore[lots-size, OS202]\n"
    repo = repo_with(tmp_path, "ordspec.toml", "")
    (repo / "o.yaml").write_text(text)
    lines = usage_error(lint("o.yaml", cwd=repo)).splitlines()
    first, second = text.splitlines()[1:3]
    assert lines == [
        f"ordspec: error: o.yaml:2:{first.index('OS9999') + 1}: suppression comment: no rule is called `OS9999` (did you mean 'OS999'?)",
        f"ordspec: error: o.yaml:3:{second.index('lots-size') + 1}: suppression comment: no rule is called `lots-size` (did you mean 'lot-size'?)",
    ]


def test_a_suppression_by_code_in_any_case_silences_its_rule():
    from tests.conftest import lint_text

    assert lint_text(TICK + "  # ordspec: ignore[os202]\n") == []
    got = [(d.name, d.message) for d in lint_text(TICK.replace("3985.03", "3985") + "  # ordspec: ignore[os202]\n")]
    assert got == [("unused-suppression", "`os202` is suppressed here but reports nothing on this line")]


def test_explain_an_unknown_rule_says_which_one_was_meant():
    message = usage_error(run_cli("explain", "tick_size"))
    assert "no rule is called `tick_size` (did you mean 'tick-size'?)" in message
    assert run_cli("explain", "os202").stdout.decode().startswith("OS202 tick-size")


# -- keys and values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, config, needles",
    [
        ("ordspec.toml", 'select = "leg-order"', ["`select` is a list of strings", "not the string 'leg-order'"]),
        ("ordspec.toml", 'ignore = [1]', ["`ignore` is a list of strings", "an integer"]),
        ("ordspec.toml", 'instruments = "data/i.csv"', ["`instruments` is a list of strings"]),
        ("ordspec.toml", 'exclude = [""]', ["exclude", "empty"]),
        ("ordspec.toml", 'rate = "fast"', ["rate:", "requests per second", "'fast'"]),
        ("ordspec.toml", "rate = true", ["rate:", "a boolean"]),
        ("ordspec.toml", "rate = nan", ["rate:", "nan"]),
        ("ordspec.toml", "rate = { groww = 0 }", ["rate.groww:"]),
        ("ordspec.toml", "rate = { grow = 2 }", ["rate.grow:", "did you mean 'groww'?"]),
        ("ordspec.toml", "quotes = 1", ["quotes:", "a string, not an integer"]),
        ("ordspec.toml", "state = []", ["state:", "a string, not an array"]),
        ("ordspec.toml", 'quotes = "a\\u0000b"', ["quotes:", "NUL"]),
        ("ordspec.toml", "gateway = { a = 1 }", ["gateway:", "a table"]),
        ("ordspec.toml", "broker = 7", ["broker:", "a string"]),
        ("ordspec.toml", 'broker = "grow"', ["broker:", "did you mean 'groww'?"]),
        ("ordspec.toml", 'defaults = "CNC"', ["defaults:", "a table"]),
        ("ordspec.toml", "defaults = { product = 1 }", ["defaults.product:", "a string, not an integer"]),
        ("ordspec.toml", 'defaults = { prodcut = "CNC" }', ["defaults.prodcut:", "did you mean 'product'?"]),
        ("ordspec.toml", 'defaults = { registered = 2025-13-01 }', ["not valid TOML"]),
        ("ordspec.toml", 'overrides = { paths = ["a"] }', ["`overrides` is a list of tables"]),
        ("ordspec.toml", "overrides = [1]", ["overrides[0] is not a table"]),
        ("ordspec.toml", '[[overrides]]\npaths = "*.ord"', ["`overrides[0].paths` is a list of strings"]),
        ("ordspec.toml", '[[overrides]]\npaths = ["*.ord"]\nbrokr = "groww"', ["overrides[0]: unknown key `brokr` (did you mean 'broker'?)"]),
        ("ordspec.toml", '[[overrides]]\npaths = ["*.ord"]\ndefaults = { validty = "DAY" }', ["overrides[0].defaults.validty:", "did you mean 'validity'?"]),
        ("ordspec.toml", 'selcet = ["OS2"]\nbrker = "groww"', ["unknown keys `selcet` (did you mean 'select'?), `brker` (did you mean 'broker'?)"]),
        ("ordspec.toml", '[tool.ordspec]\nbroker = "groww"', ["[tool.ordspec] belongs in pyproject.toml", "without that header"]),
        ("pyproject.toml", "tool = 1\n[x]\nordspec = 1", []),  # no [tool.ordspec] table: not a configuration at all
        ("pyproject.toml", "[tool]\nordspec = 1", []),
        ("pyproject.toml", '[tool.ordspec]\nselect = "OS2"', ["pyproject.toml", "`select` is a list of strings"]),
    ],
)
def test_a_bad_key_or_value_is_a_usage_error_naming_the_file_and_the_key(tmp_path, name, config, needles):
    repo = repo_with(tmp_path, name, config + "\n")
    r = lint("o.ord", cwd=repo)
    if not needles:  # discovery skips it: lint runs, and finds the order's error
        assert r.returncode == 1 and "leg-order" in r.stdout.decode(), r.stderr
        message = usage_error(lint("o.ord", "--config", name, cwd=repo))  # named, it is read, and refused
        assert "not a table" in message, message
        return
    message = usage_error(r)
    assert message.startswith(f"ordspec: error: {repo / name}") and message.count("\n") == 1, message
    for needle in needles:
        assert needle in message, message


def test_registered_default_may_be_a_toml_date(tmp_path):
    from ordspec.config import load

    path = tmp_path / "ordspec.toml"
    path.write_text("defaults = { registered = 2025-05-19 }\n")
    assert load(str(path)).defaults == {"registered": date(2025, 5, 19)}


# -- the file itself ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ordspec.toml", "pyproject.toml"])
def test_a_found_config_that_is_not_utf8_is_a_usage_error_for_every_command(tmp_path, name):
    header = b"[tool.ordspec]\n" if name == "pyproject.toml" else b""
    repo = repo_with(tmp_path, name, header + b'broker = "groww"\nexclude = ["caf\xe9/**"]\n')
    (repo / "sub").mkdir()
    line = 3 if header else 2
    expected = f"ordspec: error: {repo / name} is not UTF-8 text: byte 0xe9 at line {line}, column 16\n"
    for args in (("lint", "o.ord"), ("compile", "o.ord"), ("dispatch", "o.ord", "--dry-run")):
        for cwd in (repo, repo / "sub"):
            assert usage_error(run_cli(*args, "--as-of", AS_OF, cwd=cwd)) == expected, (args, cwd)


@pytest.mark.parametrize(
    "text, where",
    [
        ('broker = "groww\n', "(at line 1, column 16)"),
        ('broker = "groww"\nbroker = "groww"\n', "(at line 2, column 17)"),
        ("select = [\n", "(at end of document)"),
        ("= 1\n", "(at line 1, column 1)"),
    ],
)
def test_invalid_toml_names_the_file_and_the_place(tmp_path, text, where):
    repo = repo_with(tmp_path, "ordspec.toml", text)
    message = usage_error(lint("o.ord", cwd=repo))
    assert message.startswith(f"ordspec: error: {repo / 'ordspec.toml'} is not valid TOML: ") and where in message, message


def test_a_byte_order_mark_is_allowed(tmp_path):
    repo = repo_with(tmp_path, "ordspec.toml", b'\xef\xbb\xbfselect = ["tick-size"]\n')
    r = lint("o.ord", cwd=repo)
    assert r.returncode == 0 and "All checks passed" in r.stdout.decode(), r.stderr


# -- property tests: the reader gives a Config or a ConfigError, nothing else -------------------------------


def read(tmp_path: Path, data: bytes, name: str = "ordspec.toml"):
    """load() on these bytes, then every question a run asks of the Config."""
    from ordspec.config import Config, ConfigError, load

    path = tmp_path / name
    path.write_bytes(data)
    try:
        config = load(str(path))
    except ConfigError as e:
        assert str(e).startswith(str(path)) or str(e).startswith(f"cannot read {path}"), str(e)
        return None
    assert isinstance(config, Config)
    for file in ("o.ord", "legacy/a.ord", "<stdin>", "x/y/z.yaml"):
        settings = config.settings(str(tmp_path / file) if not file.startswith("<") else file)
        settings.wants("OS202", "tick-size")
        config.excluded(str(tmp_path / file))
    copy.deepcopy(config).command_line(["OS2"], ["leg-order"])
    return config


PROPERTY = settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(st.binary(max_size=300))
def test_random_bytes_give_a_config_or_a_usage_error(tmp_path, data):
    read(tmp_path, data)
    read(tmp_path, b"[tool.ordspec]\n" + data, "pyproject.toml")


WORDS = ["broker", "select", "ignore", "exclude", "instruments", "quotes", "state", "gateway", "rate", "defaults", "overrides",
         "paths", "product", "validity", "registered", "groww", "leg-order", "OS2", "tick_size", "[", "]", "{", "}", "[[", "]]",
         "=", ",", '"', "'", "#", ".", "\n", " ", "1", "2.5", "true", "nan", "-inf", "2025-05-19", "tool", "ordspec", '"""', "\\", "\x00", "é"]


@PROPERTY
@given(st.lists(st.sampled_from(WORDS), max_size=40))
def test_toml_ish_text_gives_a_config_or_a_usage_error(tmp_path, words):
    text = "".join(words).encode("utf-8")
    read(tmp_path, text)
    read(tmp_path, b"[tool.ordspec]\n" + text, "pyproject.toml")


# A TOML writer for generated documents (no tomli-w: the test writes TOML itself, and checks that
# tomllib reads back exactly what was generated).
def toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")  # TOML also refuses a raw DEL


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return "nan"
        if isinstance(value, float) and math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(data: dict) -> str:
    lines = [f"{toml_string(k)} = {toml_value(v)}" for k, v in data.items() if k != "overrides" or not _tables(v)]
    for table in data["overrides"] if _tables(data.get("overrides")) else ():
        lines += ["[[overrides]]", *(f"{toml_string(k)} = {toml_value(v)}" for k, v in table.items())]
    return "\n".join(lines) + "\n"


def _tables(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
names = st.sampled_from(["leg-order", "tick-size", "OS2", "os202", "OS9999", "leg_order", "", "OS", "syntax", "x"])
scalars = st.one_of(
    text, names, st.integers(-5, 200), st.floats(allow_nan=True), st.booleans(), st.dates(min_value=date(1, 1, 1)),
    st.sampled_from(["groww", "indstocks", "zerodha", "CNC", "MIS", "XYZ", "DAY", "2025-05-19", "*.ord", "archive/**"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.one_of(text, names), inner, max_size=3)), max_leaves=8)
keys = st.sampled_from(["broker", "instruments", "quotes", "state", "gateway", "rate", "select", "ignore", "exclude", "defaults", "paths", "brokr"])
override = st.dictionaries(keys, values, max_size=4)
documents = st.dictionaries(keys, values, max_size=5).flatmap(
    lambda top: st.one_of(st.just(top), st.lists(override, max_size=3).map(lambda items: {**top, "overrides": items}))
)


def same(a, b) -> bool:
    """Equal, with nan equal to nan (tomllib reads nan back as a float nan)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


@PROPERTY
@given(documents)
def test_generated_toml_documents_give_a_config_or_a_usage_error(tmp_path, data):
    document = toml_document(data)
    assert same(tomllib.loads(document), data), document  # the generator writes what it means
    read(tmp_path, document.encode("utf-8"))
    pyproject = "[tool.ordspec]\n" + document.replace("[[overrides]]", "[[tool.ordspec.overrides]]")
    read(tmp_path, pyproject.encode("utf-8"), "pyproject.toml")


def test_the_generator_reaches_valid_configurations_too(tmp_path):
    """Not only errors: a generated document that is right is read, with its values."""
    data = {"broker": "groww", "select": ["OS2", "leg-order"], "rate": 2, "defaults": {"product": "MIS"},
            "overrides": [{"paths": ["legacy/*.ord"], "ignore": ["tick-size"], "broker": "indstocks"}]}
    config = read(tmp_path, toml_document(data).encode("utf-8"))
    assert config is not None
    assert config.broker == "groww" and config.rates["groww"] == 2.0 and config.defaults == {"product": "MIS"}
    legacy = config.settings(str(tmp_path / "legacy" / "a.ord"))
    assert legacy.broker == "indstocks" and not legacy.wants("OS202", "tick-size") and legacy.wants("OS105", "leg-order")
