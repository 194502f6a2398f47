"""ordspec's benchmark: throughput, cold start and memory, against a named baseline.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/bench.py [--orders 20000] [--rounds 5] [--update-readme]

Measures, on generated orders (every one of them valid), through the installed
`ordspec` command (start-up included):
  - lint and compile of the .ord form, lint of the YAML form, and the baseline:
    check-jsonschema validating the same YAML against a plain JSON Schema (no
    lot, tick or leg rules: a lower bar than ordspec's);
  - compile per order for every broker, against Groww's;
  - cold start of `ordspec lint one.ord` against a bare `python -c pass`;
  - peak memory (max RSS) of lint on 300,000 orders, compile on 100,000 and YAML
    lint on 100,000.
Commands that are compared run interleaved (A B C A B C ...), so that drift in
the machine's load lands on all of them; each figure is the median over the
rounds of the child's CPU time (user + system, from wait4), and ratios are
ratios of those medians. The report names the machine and its load average.
Bytecode is allowed (as after `pip install`), whatever PYTHONDONTWRITEBYTECODE says.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
SHARES = [("TCS", 3985), ("INFY", 1450), ("RELIANCE", 1520), ("HDFCBANK", 1650), ("ITC", 410), ("SBIN", 820)]

PLAIN_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["broker", "orders"],
    "properties": {
        "broker": {"enum": ["groww"]},
        "orders": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["kind", "side", "qty", "symbol", "product", "ref"],
                "properties": {
                    "kind": {"enum": ["GTT", "OCO"]},
                    "side": {"enum": ["BUY", "SELL"]},
                    "qty": {"type": "integer", "minimum": 1},
                    "symbol": {"type": "string", "pattern": "^[A-Z0-9&-]+$"},
                    "trigger": {"type": "number", "exclusiveMinimum": 0},
                    "direction": {"enum": ["up", "down"]},
                    "limit": {"type": "number", "exclusiveMinimum": 0},
                    "market": {"type": "boolean"},
                    "target": {
                        "type": "object",
                        "required": ["trigger"],
                        "properties": {"trigger": {"type": "number"}, "limit": {"type": "number"}},
                    },
                    "sl": {"type": "number", "exclusiveMinimum": 0},
                    "position": {"type": "integer"},
                    "product": {"enum": ["CNC", "MIS", "NRML"]},
                    "ref": {"type": "string", "pattern": "^[A-Za-z0-9-]{8,20}$"},
                },
            },
        },
    },
}


def orders(n: int, seed: int = 7) -> list[dict]:
    """n valid Groww orders: GTTs on shares and OCOs on NIFTY 2030 options."""
    return list(each_order(n, seed))


def each_order(n: int, seed: int = 7):
    """orders(), one at a time."""
    rng = random.Random(seed)
    for i in range(n):
        out: list = []
        ref = f"bench-{i:08d}"
        if i % 3 == 2:
            trigger = 100 + rng.randrange(0, 400)
            out.append(
                {"kind": "OCO", "side": "SELL", "qty": 65 * rng.randrange(1, 5), "symbol": f"NIFTY30DEC{25000 + 100 * rng.randrange(20)}CE",
                 "target": {"trigger": trigger + 20, "limit": trigger + 21}, "sl": trigger - 10, "product": "NRML", "ref": ref}
            )
            out[-1]["position"] = out[-1]["qty"]
            yield out[-1]
        else:
            symbol, price = rng.choice(SHARES)
            trigger = price + rng.randrange(-50, 50)
            order = {"kind": "GTT", "side": rng.choice(["BUY", "SELL"]), "qty": rng.randrange(1, 100), "symbol": symbol,
                     "trigger": trigger, "direction": rng.choice(["up", "down"]), "product": rng.choice(["CNC", "MIS"]), "ref": ref}
            if rng.random() < 0.5:
                order["market"] = True
            else:
                order["limit"] = trigger + 1
            yield order


def to_dsl(order: dict) -> str:
    words = [order["kind"], order["side"], str(order["qty"]), order["symbol"]]
    if order["kind"] == "GTT":
        words += ["trigger", str(order["trigger"]), order["direction"]]
        words += ["market"] if order.get("market") else ["limit", str(order["limit"])]
    else:
        words += ["target", str(order["target"]["trigger"]), "limit", str(order["target"]["limit"]), "sl", str(order["sl"]),
                  "position", str(order["position"])]
    words += ["product", order["product"], "ref", order["ref"]]
    return " ".join(words)


def to_yaml(order: dict) -> str:
    lines = []
    for key, value in order.items():
        if isinstance(value, dict):
            value = "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
        elif value is True:
            value = "true"
        lines.append(f"{key}: {value}")
    return "  - " + "\n    ".join(lines)


def broker_orders(broker: str, n: int, seed: int = 11) -> str:
    """n valid orders for one broker, as a .ord file body."""
    rng = random.Random(seed)
    lines = [f"broker {broker}"]
    if broker == "groww":
        return "\n".join(lines + [to_dsl(o) for o in orders(n, seed)]) + "\n"
    for i in range(n):
        if broker == "indstocks":
            if i % 2:
                p = 100 + rng.randrange(400)
                lines.append(
                    f"BRACKET BUY {65 * rng.randrange(1, 4)} NIFTY30DEC{25000 + 100 * rng.randrange(20)}CE limit {p} "
                    f"sl {p - 10} limit {p - 11} target {p + 20} limit {p + 21} product NRML security {51000 + i}"
                )
            else:
                symbol, price = rng.choice(SHARES)
                lines.append(f"GTT BUY {rng.randrange(1, 100)} {symbol} trigger {price} up limit {price + 1} product CNC security {1000 + i}")
        elif broker == "codifi":
            lines.append(
                f"SIP BUY {rng.randrange(1, 20)} TCS-EQ monthly start 2025-07-01 installments {rng.randrange(1, 60)} "
                f"name plan{i} product CNC token 11536 registered 2025-06-01"
            )
        else:
            lines.append(f'SMALLCASE BUY SCET_{i:04d} notes "order {i}"')
    return "\n".join(lines) + "\n"


def write(folder: Path, n: int) -> dict[str, Path]:
    """The .ord and YAML files of n orders, written a line at a time: this process stays small,
    and its children's peak RSS (which counts the parent's pages at the fork) stays theirs."""
    ord_file = folder / f"orders-{n}.ord"
    yaml_file = folder / f"orders-{n}.yaml"
    with open(ord_file, "w") as o, open(yaml_file, "w") as y:
        o.write("broker groww\n")
        y.write("broker: groww\norders:\n")
        for order in each_order(n):
            o.write(to_dsl(order) + "\n")
            y.write(to_yaml(order) + "\n")
    return {"ord": ord_file, "yaml": yaml_file}


def requests_in(path: Path) -> int:
    """The members of compile's output, counted in its text (each starts a line `  {`): loading
    100 MiB of JSON here would grow this process, and its children's peak RSS with it."""
    with open(path) as f:
        return sum(1 for line in f if line == "  {\n")


class Sample:
    """One run of a command: CPU seconds (user + system), wall seconds, peak RSS in MiB."""

    __slots__ = ("cpu", "wall", "rss")

    def __init__(self, cpu: float, wall: float, rss: float):
        self.cpu, self.wall, self.rss = cpu, wall, rss


def run_once(cmd: list, ok=(0,)) -> Sample:
    """Run `cmd` and read its own resource use (wait4: this child only, not earlier ones)."""
    start = time.perf_counter()
    child = subprocess.Popen([str(c) for c in cmd], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stderr.close()
    if child.returncode not in ok:
        sys.exit(f"{' '.join(map(str, cmd))} failed ({child.returncode}): {stderr.decode()[-2000:]}")
    return Sample(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024)


def interleaved(commands: dict[str, list], rounds: int) -> dict[str, Sample]:
    """Run every command once per round, in turn (A B C A B C ...); the median of each figure."""
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, cmd in commands.items():
            samples[name].append(run_once(cmd))
    return {
        name: Sample(*(statistics.median(getattr(s, f) for s in runs) for f in ("cpu", "wall", "rss")))
        for name, runs in samples.items()
    }


def machine() -> str:
    return f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()} ({platform.system()} {platform.release()})"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds of the throughput and broker runs")
    parser.add_argument("--cold-rounds", type=int, default=40)
    parser.add_argument("--lint-memory-orders", type=int, default=300000)
    parser.add_argument("--memory-orders", type=int, default=100000, help="orders of the compile and YAML lint memory runs")
    parser.add_argument("--skip", default="", help="comma-separated parts to leave out: throughput,brokers,cold,memory")
    parser.add_argument("--update-readme", action="store_true")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    ordspec = str(BIN / "ordspec")
    checker = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which("check-jsonschema")
    n = args.orders
    load_before = load()
    lines = [
        f"Machine: {machine()}; load average (1, 5, 15 min) {load_before} at the start.",
        f"`benchmarks/bench.py`: CPU time (user + system) of each command, the median of interleaved runs.",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write(folder, n)
        run_once([ordspec, "lint", files["ord"]])  # warm the bytecode
        if "throughput" not in skip:
            commands = {
                "ordspec lint, .ord": [ordspec, "lint", files["ord"]],
                "ordspec lint, YAML": [ordspec, "lint", files["yaml"]],
                "ordspec compile --broker groww, .ord": [ordspec, "compile", files["ord"], "-o", folder / "out.json"],
            }
            if checker:
                schema = folder / "plain.schema.json"
                schema.write_text(json.dumps(PLAIN_SCHEMA))
                commands["check-jsonschema (baseline), same YAML"] = [checker, "--schemafile", schema, files["yaml"]]
            got = interleaved(commands, args.rounds)
            assert requests_in(folder / "out.json") == n, "every generated order must compile"
            baseline = got.get("check-jsonschema (baseline), same YAML")
            lines += [
                "",
                f"{n:,} generated Groww orders (GTTs on shares, OCOs on NIFTY options), {args.rounds} interleaved rounds:",
                "",
                "| run | CPU | wall | µs per order (CPU) | peak RSS | baseline CPU / this |",
                "|---|---:|---:|---:|---:|---:|",
            ]
            for name, s in got.items():
                ratio = f"{baseline.cpu / s.cpu:.1f}x" if baseline else "n/a"
                lines.append(f"| {name} | {s.cpu:.2f} s | {s.wall:.2f} s | {s.cpu / n * 1e6:.0f} | {s.rss:.0f} MiB | {ratio} |")
            lint, compile_ = got["ordspec lint, .ord"], got["ordspec compile --broker groww, .ord"]
            lines.append("")
            if baseline:
                lines.append(f"- lint is {baseline.cpu / lint.cpu:.1f}x faster than check-jsonschema (CPU; target: at least 15x).")
            else:
                lines.append("- check-jsonschema is not installed (`pip install -e '.[bench]'`): no baseline.")
            lines.append(f"- compile costs {compile_.cpu / lint.cpu:.2f}x lint per order (CPU; target: within 1.5x).")

        if "brokers" not in skip:
            commands = {}
            for broker in ("groww", "indstocks", "codifi", "smallcase"):
                path = folder / f"{broker}.ord"
                path.write_text(broker_orders(broker, n))
                commands[broker] = [ordspec, "compile", path, "--gateway", "bench", "-o", folder / f"{broker}.json"]
            got = interleaved(commands, max(1, args.rounds - 2))
            for broker in commands:
                assert requests_in(folder / f"{broker}.json") == n
            lines += [
                "",
                f"Compile per order, by broker ({n:,} of each broker's own kind of order, interleaved):",
                "",
                "| broker | µs per order (CPU) | vs Groww |",
                "|---|---:|---:|",
            ]
            for broker, s in got.items():
                lines.append(f"| {broker} | {s.cpu / n * 1e6:.0f} | {s.cpu / got['groww'].cpu:.2f}x |")

        if "cold" not in skip:
            one = folder / "one.ord"
            one.write_text("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\n")
            got = interleaved({"bare": [sys.executable, "-c", "pass"], "cold": [ordspec, "lint", one]}, args.cold_rounds)
            bare, cold = got["bare"], got["cold"]
            lines += [
                "",
                f"- Cold start, `ordspec lint one.ord`: {cold.cpu * 1000:.0f} ms CPU ({cold.wall * 1000:.0f} ms wall), against "
                f"{bare.cpu * 1000:.0f} ms ({bare.wall * 1000:.0f} ms) for `python -c pass`: {cold.cpu / bare.cpu:.2f}x CPU, "
                f"{cold.wall / bare.wall:.2f}x wall (target: within 2.5x). {args.cold_rounds} interleaved rounds.",
            ]

        if "memory" not in skip:
            big = write(folder, args.lint_memory_orders)["ord"]
            lint_big = run_once([ordspec, "lint", big])
            big.unlink()
            mid = write(folder, args.memory_orders)
            compile_mid = run_once([ordspec, "compile", mid["ord"], "-o", folder / "big.json"])
            yaml_mid = run_once([ordspec, "lint", mid["yaml"]])
            floor = run_once([sys.executable, "-c", "pass"])
            lines += [
                "",
                "Peak memory (max RSS of the command), one run each:",
                "",
                "| run | peak RSS | target | CPU |",
                "|---|---:|---:|---:|",
                f"| lint, {args.lint_memory_orders:,} orders (.ord) | {lint_big.rss:.0f} MiB | under 200 MiB | {lint_big.cpu:.1f} s |",
                f"| compile, {args.memory_orders:,} orders (.ord) | {compile_mid.rss:.0f} MiB | under 512 MiB | {compile_mid.cpu:.1f} s |",
                f"| lint, {args.memory_orders:,} orders (YAML) | {yaml_mid.rss:.0f} MiB | under 512 MiB | {yaml_mid.cpu:.1f} s |",
                f"| `python -c pass` (what a child of this benchmark starts at) | {floor.rss:.0f} MiB | | |",
            ]
    lines[0] = f"Machine: {machine()}; load average (1, 5, 15 min) {load_before} at the start, {load()} at the end."
    report = "\n".join(lines)
    print(report)
    if args.update_readme:
        readme = ROOT / "README.md"
        text = readme.read_text()
        block = f"<!-- bench:start -->\n{report}\n<!-- bench:end -->"
        new = re.sub(r"<!-- bench:start -->.*?<!-- bench:end -->", lambda m: block, text, flags=re.S)
        readme.write_text(new)
        print("\nREADME.md updated.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
