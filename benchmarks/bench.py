"""ordspec's benchmark: throughput, cold start and memory, against a named baseline.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/bench.py [--orders 20000] [--update-readme]

Measures, on generated Groww orders (every one of them valid):
  - lint and compile throughput (orders/s) of the .ord form and the YAML form,
    through the installed `ordspec` command, so start-up is included;
  - the baseline: check-jsonschema validating the same orders as YAML against
    a plain JSON Schema (no lot, tick or leg rules: a lower bar than ordspec's);
  - cold start of `ordspec lint one.ord` against a bare `python -c pass`;
  - peak memory (max RSS) of linting 100,000 orders;
  - compile time per order for every broker, against Groww's.
Each timing is the median of several runs. Bytecode is allowed (as after
`pip install`), whatever PYTHONDONTWRITEBYTECODE says.
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
    rng = random.Random(seed)
    out = []
    for i in range(n):
        ref = f"bench-{i:08d}"
        if i % 3 == 2:
            trigger = 100 + rng.randrange(0, 400)
            out.append(
                {"kind": "OCO", "side": "SELL", "qty": 65 * rng.randrange(1, 5), "symbol": f"NIFTY30DEC{25000 + 100 * rng.randrange(20)}CE",
                 "target": {"trigger": trigger + 20, "limit": trigger + 21}, "sl": trigger - 10, "product": "NRML", "ref": ref}
            )
            out[-1]["position"] = out[-1]["qty"]
        else:
            symbol, price = rng.choice(SHARES)
            trigger = price + rng.randrange(-50, 50)
            order = {"kind": "GTT", "side": rng.choice(["BUY", "SELL"]), "qty": rng.randrange(1, 100), "symbol": symbol,
                     "trigger": trigger, "direction": rng.choice(["up", "down"]), "product": rng.choice(["CNC", "MIS"]), "ref": ref}
            if rng.random() < 0.5:
                order["market"] = True
            else:
                order["limit"] = trigger + 1
            out.append(order)
    return out


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
    generated = orders(n)
    ord_file = folder / f"orders-{n}.ord"
    ord_file.write_text("broker groww\n" + "\n".join(map(to_dsl, generated)) + "\n")
    yaml_file = folder / f"orders-{n}.yaml"
    yaml_file.write_text("broker: groww\norders:\n" + "\n".join(map(to_yaml, generated)) + "\n")
    return {"ord": ord_file, "yaml": yaml_file}


def timed(cmd: list, runs: int, ok=(0,)) -> float:
    """Median wall time of `cmd` over `runs` runs, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if result.returncode not in ok:
            sys.exit(f"{' '.join(map(str, cmd))} failed ({result.returncode}): {result.stderr.decode()[-2000:]}")
    return statistics.median(times)


def peak_memory_mib(cmd: list) -> float:
    probe = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); " \
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    out = subprocess.run([sys.executable, "-c", probe, *map(str, cmd)], env=ENV, capture_output=True, text=True, check=True)
    return int(out.stdout) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=20000)
    parser.add_argument("--memory-orders", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--update-readme", action="store_true")
    args = parser.parse_args()
    ordspec = str(BIN / "ordspec")
    checker = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which("check-jsonschema")
    n = args.orders
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write(folder, n)
        subprocess.run([ordspec, "lint", str(files["ord"])], env=ENV, check=True, stdout=subprocess.DEVNULL)  # warm the bytecode
        lint_ord = timed([ordspec, "lint", files["ord"]], args.runs)
        lint_yaml = timed([ordspec, "lint", files["yaml"]], args.runs)
        compile_ord = timed([ordspec, "compile", files["ord"], "-o", folder / "out.json"], args.runs)
        compiled = json.loads((folder / "out.json").read_text())
        assert len(compiled) == n, "every generated order must compile"
        rows.append(("ordspec lint, .ord", lint_ord, n / lint_ord))
        rows.append(("ordspec lint, YAML", lint_yaml, n / lint_yaml))
        rows.append(("ordspec compile --broker groww, .ord", compile_ord, n / compile_ord))
        baseline = None
        if checker:
            schema = folder / "plain.schema.json"
            schema.write_text(json.dumps(PLAIN_SCHEMA))
            baseline = timed([checker, "--schemafile", schema, files["yaml"]], args.runs)
            rows.append(("check-jsonschema (baseline), same YAML", baseline, n / baseline))

        per_order = {}
        for broker in ("groww", "indstocks", "codifi", "smallcase"):
            path = folder / f"{broker}.ord"
            path.write_text(broker_orders(broker, n))
            per_order[broker] = timed([ordspec, "compile", path, "--gateway", "bench", "-o", folder / f"{broker}.json"], args.runs) / n
            assert len(json.loads((folder / f"{broker}.json").read_text())) == n

        one = folder / "one.ord"
        one.write_text("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\n")
        bare = timed([sys.executable, "-c", "pass"], 30)
        cold = timed([ordspec, "lint", one], 30)

        big = write(folder, args.memory_orders)["ord"]
        memory = peak_memory_mib([ordspec, "lint", big])

    lines = [
        f"Measured on {n:,} generated Groww orders (GTTs on shares, OCOs on NIFTY options), "
        f"median of {args.runs} runs, with `benchmarks/bench.py`; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs.",
        "",
        "| run | time | orders/s | vs baseline |",
        "|---|---:|---:|---:|",
    ]
    for name, seconds, rate in rows:
        ratio = f"{baseline / seconds:.1f}x faster" if baseline and "baseline" not in name else "1.0x" if baseline else "n/a"
        lines.append(f"| {name} | {seconds:.2f} s | {rate:,.0f} | {ratio} |")
    lines += [
        "",
        "Compile time per order, by broker (the same command, each broker's own kind of order):",
        "",
        "| broker | µs per order | vs Groww |",
        "|---|---:|---:|",
    ]
    for broker, seconds in per_order.items():
        lines.append(f"| {broker} | {seconds * 1e6:.0f} | {seconds / per_order['groww']:.2f}x |")
    lines += [
        "",
        f"- Cold start, `ordspec lint one.ord`: {cold * 1000:.0f} ms, against {bare * 1000:.0f} ms for `python -c pass` "
        f"({cold / bare:.2f}x; target: within 3x). Median of 30 runs.",
        f"- Peak memory linting {args.memory_orders:,} orders: {memory:.0f} MiB (target: under 512 MiB).",
    ]
    if not checker:
        lines.append("- check-jsonschema is not installed (`pip install -e '.[bench]'`): no baseline.")
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
