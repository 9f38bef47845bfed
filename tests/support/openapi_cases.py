"""What schemathesis needs to make a valid request where JSON Schema cannot say it all
(tests/e2e/test_openapi_schemathesis.py).

- The document's custom string formats, registered as generators: `uscc` (a credit
  code with its check digit) and `cn-resident-id` (an identity number with a real birth
  date and its check digit). The check digits come from python-stdnum, as the server's.
- What depends on stored state, seeded in the running stack (`seed`): an approved
  enterprise filing for every `x-reference`, and an uploaded file for every `x-upload`.
- The x- extensions of the forms' schemas (chalicelib/forms/spec.py, `schema_rules`),
  honoured by `make_valid`: a reference names a seeded filing (and copies the fields
  that must agree with it), an upload names a seeded object, `x-at-most` keeps a number
  at most another field's, `x-at-most-by` keeps an amount within its category's limit.

- The proofs a submission carries (issue 14), minted with the running stack's own
  signing key (the local stage's, .chalice/config.json) as its verify endpoint would
  issue them (`with_proofs`): the phone's proof for the phone the body names, the
  enterprise's status token for the filing it references; a worker names its employer by
  that reference rather than by a code, and no generated resubmission is sent.

Only positive cases are made valid this way; a negative case is sent as generated.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import requests
import schemathesis
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from chalicelib import links
from chalicelib.core.phones import normalize_mobile
from chalicelib.forms import get_form
from chalicelib.settings import get_settings
from tests.support.running_stack import RunningStack
from tests.support.stack import enterprise
from tests.support.walks import approval_link, eventually

# Every character a credit code's last ten may hold (its first eight are digits).
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_EARLIEST, _LATEST = date(1900, 1, 1), date(2019, 12, 31)


def _uscc() -> st.SearchStrategy[str]:
    head = st.text("0123456789", min_size=8, max_size=8)
    tail = st.text(_USCC_ALPHABET, min_size=9, max_size=9)
    return st.builds(lambda a, b: a + b + uscc.calc_check_digit(a + b), head, tail)


def _resident_id() -> st.SearchStrategy[str]:
    region = st.text("0123456789", min_size=6, max_size=6)
    born = st.dates(_EARLIEST, _LATEST).map(lambda d: d.strftime("%Y%m%d"))
    serial = st.text("0123456789", min_size=3, max_size=3)
    # calc_check_digit takes the whole number and ignores its last character
    return st.builds(
        lambda r, b, s: r + b + s + ric.calc_check_digit(r + b + s + "?"), region, born, serial
    )


def register_formats() -> None:
    schemathesis.openapi.format("uscc", _uscc())
    schemathesis.openapi.format("cn-resident-id", _resident_id())


@dataclass
class Seeds:
    """What the running stack holds for references and uploads to name."""

    # (form, status) -> [(filing id, its data)]
    filings: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)
    # (form, field) -> an uploaded object's key
    uploads: dict[tuple[str, str], str] = field(default_factory=dict)


CSV = "text/csv"
_FILE = "姓名,手机\n".encode() + b"x,13800000000\n" * 230  # a real CSV: the first bytes are sniffed


CONFIG = Path(__file__).resolve().parents[2] / ".chalice" / "config.json"
KNOWN_COUNTY = "520328"  # 贵州省遵义市湄潭县
# A risk map the stack takes (chalicelib/core/risk.py): which counties are known and
# which levels exist is the shipped data's to say, not JSON Schema's.
RISK_MAP_CSV = f"code,level\n{KNOWN_COUNTY},low\n"
RISK_MAP_JSON = {"counties": {KNOWN_COUNTY: "low"}}


def _stack_keys() -> str:
    """The running stack's signing keys: the local stage's own (devstack.local drops the
    caller's SIGNING_KEYS, so `make run` and the e2e stack sign alike)."""
    stage = json.loads(CONFIG.read_text(encoding="utf-8"))["stages"]["local"]
    return str(stage["environment_variables"]["SIGNING_KEYS"])


def _as_the_stack(sign: Callable[[], str]) -> str:
    with mock.patch.dict(os.environ, {"SIGNING_KEYS": _stack_keys()}):
        get_settings.cache_clear()
        try:
            return sign()
        finally:
            get_settings.cache_clear()


def with_proofs(form: str, body: Any, headers: dict[str, str], query: dict[str, Any]) -> None:
    """A positive submission's proofs, as a page obtains them: the phone's (verified by
    SMS code, purpose "filing") and the referenced enterprise's status token."""
    if not isinstance(body, dict):
        return
    spec = get_form(form)
    phone = body.get(spec.applicant_phone_field or "")
    if isinstance(phone, str):
        number = normalize_mobile(phone) or phone
        headers["Phone-Proof"] = _as_the_stack(lambda: links.phone_proof(number, "filing"))
    for name, ref in spec.references.items():
        named = body.get(name)
        if ref.form == "enterprise-resumption" and isinstance(named, str):
            headers["Enterprise-Token"] = _as_the_stack(lambda n=named: links.status_token(n))
            body.pop("employer_code", None)  # named by its reference, not also by a code
    for name in ("resubmits", "token"):  # a resubmission needs a rejected filing of its own
        query.pop(name, None)


def seed(stack: RunningStack, document: dict[str, Any]) -> Seeds:
    """An approved enterprise filing, and one uploaded CSV per upload field the document
    names (each upload field of the catalogue takes CSV)."""
    seeds = Seeds()
    body = enterprise(serial=4201, enterprise_name="金华市婺城区契约测试有限公司")
    seeds.filings[("enterprise-resumption", "approved")] = [(_approved(stack, body), body)]
    for op in _submissions(document):
        for prop in op["properties"].values():
            upload = prop.get("x-upload")
            if upload and CSV in upload["types"]:
                key = (upload["form"], upload["field"])
                seeds.uploads.setdefault(key, _upload(stack, *key))
    return seeds


def _submissions(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        ops["post"]["requestBody"]["content"]["application/json"]["schema"]
        for path, ops in document["paths"].items()
        if path.startswith("/api/filings/") and "{" not in path
    ]


def _approved(stack: RunningStack, body: dict[str, Any]) -> str:
    headers: dict[str, str] = {}
    with_proofs("enterprise-resumption", body, headers, {})
    answer = requests.post(
        f"{stack.base_url}/api/filings/enterprise-resumption",
        json=body,
        headers=headers,
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    receipt = answer.json()
    filing_id = receipt["filing_id"]
    for step in ("town", "district"):
        link = eventually(lambda s=step: approval_link(stack, filing_id, s))
        decided = requests.post(
            link, data={"decision": "approve"}, headers={"Accept": "application/json"}, timeout=30
        )
        assert decided.status_code == 200, decided.text

    def approved() -> bool | None:
        status = requests.get(
            receipt["status_url"].replace("/filings/", "/api/filings/", 1), timeout=30
        )
        return True if status.ok and status.json()["status"] == "approved" else None

    eventually(approved)
    return str(filing_id)


def _upload(stack: RunningStack, form: str, name: str) -> str:
    answer = requests.post(
        f"{stack.base_url}/api/uploads",
        json={"form": form, "field": name, "content_type": CSV},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    post = answer.json()
    sent = requests.post(
        post["url"], data=post["fields"], files={"file": ("f.csv", _FILE)}, timeout=30
    )
    assert sent.status_code in (200, 201, 204), sent.text
    return str(post["key"])


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def make_valid(body: Any, schema: dict[str, Any], seeds: Seeds) -> Any:
    """A generated body valid by the schema made valid by its x- extensions too."""
    if not isinstance(body, dict):
        return body
    body = json.loads(json.dumps(body))  # a copy: hypothesis may share the generated value
    for name, prop in schema.get("properties", {}).items():
        if (ref := prop.get("x-reference")) and name in body:
            filing_id, data = seeds.filings[(ref["form"], ref["status"])][0]
            body[name] = filing_id
            for mine, theirs in ref["same"].items():
                body[mine] = data[theirs]
        if prop.get("x-division"):  # a county the shipped divisions know, low risk in any map
            body[name] = KNOWN_COUNTY  # the tests upload
        if (upload := prop.get("x-upload")) and name in body:
            body[name] = seeds.uploads[(upload["form"], upload["field"])]
        other = prop.get("x-at-most")
        if other and _number(body.get(name)) and _number(body.get(other)):
            body[name] = min(body[name], body[other])
        if (by := prop.get("x-at-most-by")) and isinstance(body.get(name), str):
            limit = by["limits"].get(body.get(by["field"]))
            if limit is not None and Decimal(body[name]) > limit:
                body[name] = f"{limit}.00"
    return body
