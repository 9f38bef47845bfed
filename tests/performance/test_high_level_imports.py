"""Import budgets, in the manner of Powertools' tests/performance/test_high_level_imports.py,
but counted in modules rather than timed, so that a busy machine cannot fail them.

Every Lambda function of ours imports `app` on a cold start and pays for what it brings.
boto3 (botocore) is the floor every function pays; beyond it `import app` may bring
Chalice, PynamoDB and our own modules, and nothing heavy that only some requests use:
each of those is imported inside the functions that need it (DESIGN.md principle 6).
`make bench` times the result (benchmarks/REPORT.md, "Cold start").
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Imported only where used: forms (validation), pages, links, documents, rosters.
DEFERRED = (
    "pydantic",
    "pydantic_core",
    "stdnum",  # the forms' check digits
    "email_validator",
    "dns",  # email-validator's
    "jinja2",
    "itsdangerous",
    "reportlab",
    "segno",
    "PIL",  # reportlab's
    "openpyxl",
    "boto3",  # chalicelib.store.aws builds clients lazily; PynamoDB brings only botocore
)
# Beyond what `import boto3` itself brings, `import app` may bring these top-level names.
ALLOWED_BEYOND_BOTO3 = {"app", "chalicelib", "chalice", "pynamodb", "blinker"}


def imported_by(code: str) -> set[str]:
    """The top-level names of every module in sys.modules after running code in a
    fresh interpreter."""
    names = "sorted({m.split('.')[0] for m in sys.modules})"
    probe = f"{code}\nimport json, sys\nprint(json.dumps({names}))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_import_app_brings_nothing_heavy_that_only_some_requests_use() -> None:
    # GIVEN a fresh interpreter WHEN the app is imported, as on every cold start
    names = imported_by("import app")
    # THEN none of the deferred libraries has been imported
    assert sorted(names & set(DEFERRED)) == []


def test_import_app_brings_little_beyond_boto3() -> None:
    # GIVEN what importing boto3 (the floor) and the app each bring
    floor = imported_by("import boto3")
    app = imported_by("import app")
    # THEN the app adds only Chalice, PynamoDB and our own code (and the standard library)
    stdlib = {n for n in app if n in sys.stdlib_module_names or n.startswith("_sysconfigdata")}
    beyond = app - floor - stdlib
    assert beyond <= ALLOWED_BEYOND_BOTO3, sorted(beyond - ALLOWED_BEYOND_BOTO3)


# The domain modules `import app` may execute: what a blueprint needs to declare its
# routes (a cookie's name, the roster's size limit, the phone proofs' purposes). Every
# other filing/staff/documents module is imported inside the routes that use it, so a
# cold start pays for its blueprints' declarations, not for every route's work.
DOMAIN_AT_IMPORT = {
    "chalicelib.filing.phone_proofs",
    "chalicelib.filing.rosters",
    "chalicelib.filing.wording",  # the SMS code's words, which phone_proofs composes
    "chalicelib.staff.access",
}


def test_import_app_runs_no_route_work_of_the_domain() -> None:
    # GIVEN a fresh interpreter WHEN the app is imported
    probe = (
        "import json, sys\nimport app\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.count('.') >= 2)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    domain = {
        m
        for m in loaded
        if m.startswith(("chalicelib.filing.", "chalicelib.staff.", "chalicelib.documents."))
    }
    # THEN only the modules the blueprints' declarations need have run
    assert domain <= DOMAIN_AT_IMPORT, sorted(domain - DOMAIN_AT_IMPORT)
    # AND the deferral is real: a route's module is not among them
    assert "chalicelib.filing.submission" not in loaded


@pytest.mark.parametrize(
    ("module", "heavy"),
    [
        ("chalicelib.forms", ("pydantic", "stdnum", "email_validator")),
        ("chalicelib.filing.submission", ("pydantic", "stdnum", "email_validator")),
        ("chalicelib.filing.advance", ("pydantic", "reportlab", "segno")),
        ("chalicelib.documents.render", ("reportlab", "segno")),
        ("chalicelib.documents.content", ("reportlab", "segno", "pydantic")),
        ("chalicelib.filing.rosters", ("openpyxl", "pydantic")),
        ("chalicelib.links", ("itsdangerous",)),
        ("chalicelib.web.pages", ("jinja2",)),
        ("chalicelib.store.aws", ("boto3", "botocore")),
        ("chalicelib.core.workflow", ("pydantic", "botocore", "chalice")),
    ],
)
def test_each_module_defers_its_heavy_libraries(module: str, heavy: tuple[str, ...]) -> None:
    # WHEN one module is imported THEN the libraries it uses only in some functions are not
    assert sorted(imported_by(f"import {module}") & set(heavy)) == []


def test_the_deferred_libraries_load_where_they_are_used() -> None:
    # GIVEN the app imported WHEN the form catalogue and a document are first used
    names = imported_by(
        "import app\n"
        "from chalicelib.forms import get_form\n"
        "get_form('worker-return')\n"
        "from chalicelib.documents import render\n"
        "render._qr('https://example.cn/verify/X')\n"
        "render._register_fonts()"
    )
    # THEN they are loaded then, and only then (the budget tests above are not vacuous)
    assert {"pydantic", "stdnum", "segno", "reportlab"} <= names
