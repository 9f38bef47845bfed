"""The floors of the house are checked, not hoped: `lint-imports` (run by `make lint`)
keeps the contracts in pyproject.toml, and breaks on an import that goes against them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the code and its contracts, to break on purpose."""
    for name in ("chalicelib", "devstack", "infra", "ops"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_every_contract(tree: Path) -> None:
    # GIVEN the code as it is WHEN the contracts are checked THEN all are kept
    done = lint_imports(tree)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def _import_into(module: Path, line: str) -> None:
    text = module.read_text()
    module.write_text(
        text.replace(
            "from __future__ import annotations\n",
            f"from __future__ import annotations\n\n{line}\n",
            1,
        )
    )


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # the catalogue reads the store: a floor broken (forms | store are siblings)
        ("chalicelib/forms/spec.py", "from chalicelib.store import models", "The floors"),
        # the pure workflow reaches a filing's life: upwards
        ("chalicelib/core/workflow.py", "from chalicelib.filing import advance", "The floors"),
        # the core talks to AWS itself
        ("chalicelib/core/clock.py", "import boto3", "The pure core"),
        # a page calls DynamoDB without the store
        ("chalicelib/web/dev.py", "import pynamodb", "Only the store"),
        # the bundle imports the dev stack
        ("chalicelib/filing/events.py", "from devstack import demo", "The Lambda bundle"),
        # a circle inside a package
        ("chalicelib/store/models.py", "from chalicelib.store import audit", "No import circle"),
    ],
)
def test_an_import_against_the_floors_breaks_the_lint(
    tree: Path, module: str, line: str, contract: str
) -> None:
    # GIVEN one import that goes against a contract
    _import_into(tree / module, line)
    # WHEN the contracts are checked THEN lint-imports fails, naming the broken contract
    done = lint_imports(tree)
    assert done.returncode != 0
    broken = done.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, done.stdout
