"""`python -m benchmarks [NAME ...]`: run the benchmarks, each in a fresh process (so that
one's imports and emulator do not weigh on another), and write benchmarks/REPORT.md.
`python -m benchmarks --report` writes it again from the last run's results (kept in
build/bench/results.json), with the whole month's run if one has finished since."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import harness, report

BENCHES = (
    "imports",
    "handler",
    "calls",
    "documents",
    "roster",
    "staff",
    "workbench",
    "bundle",
    "seal",
    "month",
)
REPORT = Path(__file__).with_name("REPORT.md")
RESULTS = harness.ROOT / "build" / "bench" / "results.json"


def run(name: str) -> dict[str, Any]:
    started = time.perf_counter()
    print(f"bench {name}…", flush=True)
    done = subprocess.run(
        [sys.executable, "-m", f"benchmarks.bench_{name}"],
        cwd=harness.ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"  failed after {seconds:.0f} s: {tail}", flush=True)
        return {"error": tail}
    print(f"  {seconds:.0f} s", flush=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(names: list[str]) -> int:
    started = time.perf_counter()
    meta: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M"),
        "machine": harness.machine(),
    }
    if names == ["--report"]:
        kept = json.loads(RESULTS.read_text())
        results, meta = kept["results"], kept["meta"]
    else:
        results = {name: run(name) for name in names or BENCHES}
        meta["minutes"] = (time.perf_counter() - started) / 60
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps({"results": results, "meta": meta}, ensure_ascii=False))
    REPORT.write_text(report.render(results, meta))
    print(f"wrote {REPORT.relative_to(harness.ROOT)}")
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
