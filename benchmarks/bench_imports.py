"""Cold start: `import app` against `import boto3`, each in fresh interpreters, run in
turns (A B A B ...) so that the machine's noise falls on both alike; medians compared.

Lambda runs in a read-only directory: Python cannot write bytecode there, so every module
the bundle brings would be compiled at every cold start unless the bundle ships its .pyc
files (the runtime's boto3 has them; scripts/slim_bundle.py compiles ours into the zip).
The app is timed as packaged, and from the source tree both ways: our code compiled at
import, and all of it with bytecode (`compileall`, unchecked hashes). Each interpreter
runs with `-S` and an explicit path, as Lambda's does: the bundle first, then the
runtime's boto3 and botocore.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from benchmarks.harness import ROOT, median

RUNS = int(os.environ.get("BENCH_IMPORT_RUNS", "15"))
# What Lambda's Python runtime provides, next to the bundle (scripts/slim_bundle.py).
RUNTIME = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")
# Imported where they are used (DESIGN.md principle 6), never by `import app`.
DEFERRED = (
    "pydantic",
    "pydantic_core",
    "stdnum",
    "email_validator",
    "dns",
    "jinja2",
    "itsdangerous",
    "reportlab",
    "segno",
    "PIL",
    "openpyxl",
    "boto3",
)
PROBE = """
import sys, time
started = time.perf_counter()
import {module}
elapsed = time.perf_counter() - started
print(elapsed, len(sys.modules), ",".join(sorted({{m.split(".")[0] for m in sys.modules}})))
"""
FIRST_USE = """
import sys, time
import app
steps = []
started = time.perf_counter()
from chalicelib.forms import get_form
get_form("enterprise-resumption")
steps.append(time.perf_counter() - started)
started = time.perf_counter()
from chalicelib.documents import render
render._register_fonts(); render._qr("https://example.cn/verify/X")
steps.append(time.perf_counter() - started)
started = time.perf_counter()
import chalicelib.web.pages as pages
pages._env("zh")
steps.append(time.perf_counter() - started)
started = time.perf_counter()
import boto3
steps.append(time.perf_counter() - started)
print(*steps)
"""


def site_packages() -> Path:
    import boto3

    return Path(boto3.__file__).resolve().parents[1]


def runtime_dir(work: Path) -> Path:
    """boto3 and its dependencies alone, as Lambda's runtime has them (with bytecode)."""
    runtime = work / "runtime"
    runtime.mkdir()
    site = site_packages()
    for name in RUNTIME:
        if (site / name).exists():
            (runtime / name).symlink_to(site / name)
    return runtime


def deps_dir(work: Path) -> Path:
    """What the bundle carries besides our code: requirements.txt's distributions and
    theirs, less what the runtime provides; linked from the venv, bytecode and all."""
    from importlib import metadata

    deps = work / "deps"
    deps.mkdir()
    wanted = [_requirement(line) for line in (ROOT / "requirements.txt").read_text().splitlines()]
    todo = [name for name in wanted if name] + ["chalice"]
    seen: set[str] = set()
    runtime = {"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3"}
    site = site_packages()
    while todo:
        name = _normalize(todo.pop())
        if name in seen or name in runtime:
            continue
        seen.add(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if name == "chalice":
            tops = {"chalice"}  # what Lambda runs of it needs none of its CLI's dependencies
        else:
            todo += [r for r in map(_requirement, dist.requires or []) if r]
            tops = {f.parts[0] for f in dist.files or [] if len(f.parts) > 1 or f.suffix == ".py"}
        for top in tops:  # its dist-info too: pydantic asks email-validator's version
            if top.endswith(".data") or top in ("..", "__pycache__"):
                continue
            if (site / top).exists() and not (deps / top).exists():
                (deps / top).symlink_to(site / top)
    return deps


def _requirement(line: str) -> str | None:
    import re

    spec, _, marker = line.partition(";")
    if "extra" in marker or spec.strip().startswith(("#", "-")):
        return None
    match = re.match(r"[A-Za-z0-9._-]+", spec.strip())
    return match.group(0) if match else None


def _normalize(name: str) -> str:
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def python(path: list[Path], code: str, cwd: Path) -> list[str]:
    """Run code in a fresh interpreter with only `path` (no site); its printed words."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join(str(p) for p in path),
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "SIGNING_KEYS": "benchmark",
    }
    done = subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=cwd, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"failed in {path}: {done.stderr[-2000:]}")
    return done.stdout.split()


def run(path: list[Path], module: str, cwd: Path) -> tuple[float, int, set[str]]:
    out = python(path, PROBE.format(module=module), cwd)
    return float(out[0]), int(out[1]), set(out[2].split(","))


def source_copy(work: Path, compiled: bool) -> Path:
    target = work / ("source-compiled" if compiled else "source")
    target.mkdir()
    shutil.copy2(ROOT / "app.py", target / "app.py")
    shutil.copytree(ROOT / "chalicelib", target / "chalicelib", ignore=_no_bytecode)
    if compiled:
        _compile(target)
    return target


def bundle_copy(work: Path, zip_path: Path) -> Path:
    """The packaged zip as Lambda unpacks it (`make bench` packages it first), with the
    bytecode scripts/slim_bundle.py compiled into it."""
    target = work / "bundle"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(target)
    return target


def _no_bytecode(_: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "__pycache__"]


def _compile(directory: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "compileall",
            "-q",
            "-j",
            "1",
            "--invalidation-mode",
            "unchecked-hash",
            str(directory),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def packaged_zip() -> Path | None:
    found = sorted((ROOT / "build" / "package").glob("*.zip"))
    return found[0] if found else None


def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
        work = Path(tmp)
        runtime = runtime_dir(work)
        deps = deps_dir(work)
        variants: dict[str, tuple[list[Path], Path]] = {
            "source": ([source_copy(work, False), deps, runtime], work),
            "source_compiled": ([source_copy(work, True), deps, runtime], work),
        }
        zip_path = packaged_zip()
        if zip_path is not None:
            variants["bundle"] = ([bundle_copy(work, zip_path), runtime], work)
        for paths, _ in variants.values():
            run(paths, "app", paths[0])  # page in the files once: the disk is not measured
        run([runtime], "boto3", work)
        times: dict[str, list[float]] = {"boto3": [], **{k: [] for k in variants}}
        modules: dict[str, tuple[int, set[str]]] = {}
        for _ in range(RUNS):  # in turns, so that the machine's noise falls on each alike
            elapsed, count, names = run([runtime], "boto3", work)
            times["boto3"].append(elapsed)
            modules["boto3"] = (count, names)
            for name, (paths, _) in variants.items():
                elapsed, count, names = run(paths, "app", paths[0])
                times[name].append(elapsed)
                modules[name] = (count, names)
        source = variants["source"][0]
        first_use = [[float(x) for x in python(source, FIRST_USE, source[0])] for _ in range(5)]
    floor = median(times["boto3"])
    app_names = modules["source"][1]
    return {
        "runs": RUNS,
        "median_ms": {k: median(v) * 1000 for k, v in times.items()},
        "ratio": {k: median(v) / floor for k, v in times.items() if k != "boto3"},
        "modules": {k: v[0] for k, v in modules.items()},
        "third_party": sorted(
            n
            for n in app_names - set(sys.stdlib_module_names) - {"app", "chalicelib", "__main__"}
            if not n.startswith("_sysconfigdata")
        ),
        "deferred_absent": [m for m in DEFERRED if m not in app_names],
        "deferred_present": [m for m in DEFERRED if m in app_names],
        "bundle_zip": str(zip_path.relative_to(ROOT)) if zip_path else None,
        "first_use_ms": {
            name: median([row[i] for row in first_use]) * 1000
            for i, name in enumerate(("forms", "documents", "pages", "boto3"))
        },
    }


if __name__ == "__main__":
    print(json.dumps(main()))
