"""Which files are order files (issue 8): YAML is told by what it holds, not by its shape alone.

A repository's other YAML (.pre-commit-hooks.yaml, Ansible playbooks, compose files, GitHub
workflows, Kubernetes manifests, Helm templates) is not linted as orders, by a walk or by the
pre-commit hook (--force-exclude); every order file, the examples included, still is. A file
named without --force-exclude is linted as given. Nothing found is a warning, not an error, and
fmt says that it leaves YAML alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DOC_DAY, ROOT, run_cli

AS_OF = DOC_DAY.isoformat()
BAD = "GTT BUY 10 TCS trigger 3985 down limit 3990 product XYZ"  # bad-value: an error in any order file

# Real-shaped files from other tools, each a list or a mapping that is not orders.
OTHER_YAML = {
    ".pre-commit-hooks.yaml": (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"),
    "playbook.yml": (
        "---\n"
        "- name: Web servers\n"
        "  hosts: webservers\n"
        "  become: true\n"
        "  vars:\n"
        "    http_port: 80\n"
        "  tasks:\n"
        "    - name: Install nginx\n"
        "      ansible.builtin.apt:\n"
        "        name: nginx\n"
        "        state: present\n"
        "    - name: Limit the firewall\n"
        "      community.general.ufw:\n"
        "        rule: limit\n"
        "        port: ssh\n"
        "- import_playbook: db.yml\n"
    ),
    "roles/web/tasks/main.yml": (
        "- name: Start nginx\n"
        "  ansible.builtin.service:\n"
        "    name: nginx\n"
        "    state: started\n"
        "  when: start | bool\n"
        "- name: Show the target\n"
        "  ansible.builtin.debug:\n"
        "    msg: \"{{ target }}\"\n"
    ),
    "docker-compose.yml": (
        "services:\n"
        "  web:\n"
        "    image: nginx:1.27\n"
        "    ports:\n"
        "      - \"8080:80\"\n"
        "    depends_on: [db]\n"
        "  db:\n"
        "    image: postgres:16\n"
        "    environment:\n"
        "      POSTGRES_PASSWORD: example\n"
    ),
    "ci/workflow.yml": (
        "name: ci\n"
        "on:\n"
        "  push:\n"
        "    branches: [main]\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: pytest\n"
    ),
    "k8s/deploy.yaml": (
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: web\n"
        "---\n"
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        "  name: web\n"
    ),
    "chart/templates/svc.yaml": "{{- if .Values.service.enabled }}\napiVersion: v1\nkind: Service\n{{- end }}\n",
    "dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule:\n      interval: weekly\n",
    "mq.yaml": "broker:\n  host: localhost\n  port: 1883\n",
    "words.yaml": "- list\n- cancel\n- get these\n- gtt is a word\n- Pause everything\n",
}

# Order files in every shape the YAML front end reads.
ORDER_YAML = {
    "keyed.yaml": f"broker: groww\norders:\n  - {BAD}\n",
    "broker-first.yml": "# orders\n---\nbroker: groww\ndefaults: {product: CNC}\norders: []\n",
    "list.yaml": f"# a list of orders\n- {BAD}\n",
    "quoted.yaml": f'- "{BAD}"\n',
    "mapping.yaml": "- kind: GTT\n  side: BUY\n  qty: 10\n  symbol: TCS\n  trigger: 3985\n  direction: down\n  limit: 3990\n  product: XYZ\n",
    "no-kind.yaml": "- side: BUY\n  qty: 10\n  symbol: TCS\n",
    "kind-later.yaml": "- ref: first-ref-01\n  kind: GTT\n",
    "dash-alone.yaml": "-\n  kind: OCO\n  side: SELL\n",
    "flow.yaml": f'{{broker: groww, orders: ["{BAD}"]}}\n',
    "flow-list.yaml": '[{"kind": "GTT", "side": "BUY", "qty": 10, "symbol": "TCS"}]\n',
    "bom.yaml": f"\ufeff- {BAD}\n",
    "broken.yaml": f"- {BAD}\n- [unclosed\n",
    "list-action.yaml": "- LIST OCO segment FNO from 2025-01-16T09:15:00\n",
}


def write_all(repo: Path, files: dict) -> None:
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def lint(*args, cwd):
    return run_cli("lint", *args, "--as-of", AS_OF, cwd=cwd)


def linted_files(result) -> list[str]:
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return sorted({d["file"] for d in report["diagnostics"]}), report["summary"]["files"]


@pytest.mark.parametrize("name", sorted(OTHER_YAML))
def test_other_yaml_is_not_an_order_file(name):
    from ordspec.sniff import orders

    assert not orders(OTHER_YAML[name])


@pytest.mark.parametrize("name", sorted(ORDER_YAML))
def test_order_yaml_is_an_order_file(name):
    from ordspec.sniff import orders

    assert orders(ORDER_YAML[name])


@pytest.mark.parametrize("path", sorted(p.name for p in (ROOT / "examples").glob("*.y*ml")))
def test_the_examples_are_order_files(path):
    from ordspec.pipeline.read import looks_like_orders

    assert looks_like_orders(str(ROOT / "examples" / path))


def test_a_walk_lints_order_yaml_only(tmp_path):
    (tmp_path / ".git").mkdir()
    write_all(tmp_path, OTHER_YAML)
    write_all(tmp_path, {f"orders/{k}": v for k, v in ORDER_YAML.items()})
    files, count = linted_files(lint(".", "--format", "json", cwd=tmp_path))
    assert count == len(ORDER_YAML)
    assert not any("orders/" not in f for f in files), files


def test_the_pre_commit_hook_skips_other_yaml_and_passes(tmp_path):
    """As pre-commit runs the hook: every YAML file of the commit named, with --force-exclude."""
    (tmp_path / ".git").mkdir()
    write_all(tmp_path, OTHER_YAML)
    r = lint("--force-exclude", *OTHER_YAML, cwd=tmp_path)
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
    assert "0 files" in r.stdout.decode()
    assert r.stderr.decode() == f"ordspec: warning: no order files found under {', '.join(OTHER_YAML)}\n"
    # and with an order file among them, that one is checked
    write_all(tmp_path, {"orders.yaml": ORDER_YAML["list.yaml"]})
    files, count = linted_files(lint("--force-exclude", "--format", "json", *OTHER_YAML, "orders.yaml", cwd=tmp_path))
    assert (files, count) == (["orders.yaml"], 1)


def test_a_named_yaml_file_is_linted_as_given_without_force_exclude(tmp_path):
    (tmp_path / ".git").mkdir()
    write_all(tmp_path, OTHER_YAML)
    files, count = linted_files(lint("--format", "json", "docker-compose.yml", "playbook.yml", cwd=tmp_path))
    assert (files, count) == (["docker-compose.yml", "playbook.yml"], 2)


def test_a_directory_with_no_order_file_is_a_warning_and_exit_0(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "empty").mkdir()
    write_all(tmp_path, {"other/" + k: v for k, v in OTHER_YAML.items()})
    for path in ("empty", "other"):
        r = lint(path, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert r.stderr.decode() == f"ordspec: warning: no order files found under {path}\n"
        assert "0 files" in r.stdout.decode()
    # each empty one is named; one that has order files is not
    write_all(tmp_path, {"orders/a.ord": BAD + "\n"})
    r = lint("empty", "orders", "other", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.decode() == "ordspec: warning: no order files found under empty\nordspec: warning: no order files found under other\n"


def test_fmt_says_it_leaves_yaml_alone(tmp_path):
    write_all(tmp_path, {"o.yaml": ORDER_YAML["list.yaml"], "notes.txt": "hello\n", "a.ord": "gtt buy 10 TCS trigger 3985 down limit 3990\n"})
    before = (tmp_path / "o.yaml").read_bytes()
    r = run_cli("fmt", "o.yaml", "notes.txt", "a.ord", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stderr.decode() == (
        "ordspec: warning: skipping o.yaml: fmt rewrites .ord files only; YAML is left as written\n"
        "ordspec: warning: skipping notes.txt: fmt rewrites .ord files only\n"
    )
    assert (tmp_path / "o.yaml").read_bytes() == before
    assert "reformatted a.ord" in r.stdout.decode()
    # --check does not fail on YAML either
    r = run_cli("fmt", "--check", "o.yaml", cwd=tmp_path)
    assert r.returncode == 0 and "skipping o.yaml" in r.stderr.decode()
    # stdin named as YAML passes through unchanged, as a filter must
    r = run_cli("fmt", "-", "--stdin-filename", "o.yaml", input=before, cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == before and "skipping o.yaml" in r.stderr.decode()


def test_fmt_on_a_directory_without_ord_files_warns(tmp_path):
    write_all(tmp_path, {"d/o.yaml": ORDER_YAML["list.yaml"]})
    r = run_cli("fmt", "d", cwd=tmp_path)
    assert r.returncode == 0 and r.stderr.decode() == "ordspec: warning: no .ord files found under d\n"


def test_the_sniff_keys_are_order_keys_and_statement_words():
    """The sniff's lists are the front end's, not a copy that can drift."""
    from ordspec.grammar.tables import DATA
    from ordspec.grammar.yamlform import ORDER_KEYS
    from ordspec.sniff import _ORDER_KEYS, _ORDER_WORDS

    assert _ORDER_KEYS <= set(ORDER_KEYS)
    starts = {w for t in ("KIND", "SMALLCASE", "VERB", "LIST") for w in DATA["keywords"][t]}
    assert _ORDER_WORDS == starts
