"""Plan of a generated 1,000-run stage through Python, against native Rust doing the
same: `python bindings-python/bench/plan.py` (with renn installed, from the repo).

Prints medians of Project.load(path) + plan and Project.from_files(files) + plan in
Python and in Rust (host/examples/native_plan.rs, the one native baseline, same stage, same release profile), the
ratios (goal: within 2x), and the first-call costs: `import renn` in a fresh
interpreter and the first plan after it. Figures are printed, never asserted.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

RUNS = 1_000
RUNS_PER_BATCH = 100
STAGE = "03-generated"
ITERATIONS = 15
ROUNDS = 3
REPO = Path(__file__).resolve().parents[2]


def run_file(n: int) -> str:
    """One run file, as cli/benches/plan.rs writes it (~4 KB)."""
    batch = (n - 1) // RUNS_PER_BATCH + 1
    deps = f'["03-{n - RUNS_PER_BATCH:02}"]' if batch > 1 else "[]"
    s = (
        f"---\nstage: {STAGE}\nrun: {n:02}\ntype: execute\nbatch: {batch}\ndepends_on: {deps}\n"
        f"files_modified:\n  - src/module_{n}/mod.rs\n  - src/module_{n}/tests.rs\n"
        f'autonomous: true\ngap_closure: false\nmust_haves:\n  truths:\n    - "module {n} works"\n'
        f'  artifacts:\n    - path: src/module_{n}/mod.rs\n      provides: "module {n}"\n---\n\n'
        f"<objective>\nModule {n} of the generated benchmark stage.\n\nPurpose: exercise the planner.\n</objective>\n\n"
        "<context>\n@.renn/track.md\n</context>\n\n<tasks>\n"
    )
    t = 1
    while len(s) < 3800:
        s += (
            f'<task type="auto">\n  <name>Task {t}: build part {t} of module {n}</name>\n  '
            f"<files>src/module_{n}/mod.rs</files>\n  <action>Write the code for part {t}; keep it small "
            f"and tested. batch: 99 in prose must never count.</action>\n  <verify>cargo test module_{n}</verify>\n  "
            f"<done>Part {t} works</done>\n</task>\n"
        )
        t += 1
    return s + "</tasks>\n\n<verification>cargo test</verification>\n"


def generate(root: Path) -> dict[str, str | bytes | None]:
    stage_dir = root / ".renn" / "stages" / STAGE
    stage_dir.mkdir(parents=True)
    for n in range(1, RUNS + 1):
        (stage_dir / f"03-{n:02}-run.md").write_text(run_file(n))
    files: dict[str, str | bytes | None] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        files[rel + "/" if path.is_dir() else rel] = None if path.is_dir() else path.read_bytes()
    return files


def median_ms(f: Callable[[], object]) -> float:
    f()  # warm-up: page cache, allocator
    samples = []
    for _ in range(ITERATIONS):
        t = time.perf_counter()
        f()
        samples.append((time.perf_counter() - t) * 1e3)
    return statistics.median(samples)


def best(into: dict[str, float], figures: dict[str, float]) -> None:
    for key, ms in figures.items():
        into[key] = min(ms, into.get(key, ms))


def native(root: Path) -> dict[str, float]:
    cmd = ["cargo", "run", "--quiet", "--release", "-p", "renn-host", "--example", "native_plan"]
    out = subprocess.run(
        [*cmd, "--", str(root), "3", str(ITERATIONS), "--bytes"],
        cwd=REPO, check=True, capture_output=True, text=True,
    ).stdout
    n = json.loads(out)
    return {"load_plan": n["load_plan"], "from_files_plan": n["from_files_plan"], "plan": n["plan"]}


def first_call(root: Path) -> dict[str, float]:
    """A fresh interpreter: `import renn`, then the first load + plan."""
    script = (
        "import time, json; t = time.perf_counter(); import renn; i = time.perf_counter()\n"
        f"renn.Project.load({str(root)!r}).plan('3'); p = time.perf_counter()\n"
        "print(json.dumps({'import': (i - t) * 1e3, 'first_plan': (p - i) * 1e3}))"
    )
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    figures: dict[str, float] = json.loads(out.stdout)
    return figures


def python_figures(root: Path, files: dict[str, str | bytes | None]) -> dict[str, float]:
    import renn

    loaded = renn.Project.load(root)
    assert len(loaded.plan("3")["batches"]) == RUNS // RUNS_PER_BATCH
    return {
        "load_plan": median_ms(lambda: renn.Project.load(root).plan("3")),
        "from_files_plan": median_ms(lambda: renn.Project.from_files(files).plan("3")),
        "plan": median_ms(lambda: loaded.plan("3")),
    }


def report(py: dict[str, float], rust: dict[str, float], first: dict[str, float]) -> None:
    print(f"renn Python plan benchmark: {RUNS:,} runs, best of {ROUNDS} medians of {ITERATIONS}\n")
    print(f"{'':32} {'python':>10} {'native':>10} {'ratio':>7}")
    rows = [
        ("load_plan", "Project.load(path) + plan"),
        ("from_files_plan", "Project.from_files + plan"),
        ("plan", "plan of a loaded project"),
    ]
    for key, label in rows:
        ratio = py[key] / rust[key]
        print(f"{label:32} {py[key]:7.2f} ms {rust[key]:7.2f} ms {ratio:6.2f}x")
    print(f"\nimport renn (fresh interpreter)  {first['import']:7.2f} ms")
    print(f"first load + plan after import   {first['first_plan']:7.2f} ms")
    print("\ngoal: Python within 2x of native")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = generate(root)
        first = first_call(root)
        # Rounds alternate Python and native, so that load from other processes on
        # the machine hits both alike; each side keeps its best median.
        py: dict[str, float] = {}
        rust: dict[str, float] = {}
        for _ in range(ROUNDS):
            best(py, python_figures(root, files))
            best(rust, native(root))
    report(py, rust, first)


if __name__ == "__main__":
    main()
