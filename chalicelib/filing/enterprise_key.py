"""The enterprise as the key to its own forms. A filing that names an enterprise
(`enterprise_filing_id`: subsidies, service requests, supplies orders) must carry that
enterprise's status token (`Enterprise-Token`; its status page does it for the user): a
bare filing id proves nothing. A worker names the employer by its worker code
(`employer_code`, chalicelib/filing/worker_codes.py), which stands for the filing id;
the employer's own token may name it by id instead (as its rosters do)."""

from __future__ import annotations

from typing import Any

from chalicelib import links
from chalicelib.core.errors import EnterpriseTokenRequired, Forbidden
from chalicelib.filing import worker_codes
from chalicelib.forms import FormSpec

WORKER_FORM = "worker-return"
CODE_FIELD = "employer_code"


def enterprise_fields(spec: FormSpec) -> list[str]:
    return [f for f, ref in spec.references.items() if ref.form == worker_codes.ENTERPRISE_FORM]


def resolve_codes(spec: FormSpec, body: Any, lang: str) -> tuple[Any, set[str]]:
    """The body with a worker code turned into the employer's filing id (400 naming
    `employer_code` for an unknown or revoked code), and the fields a code vouched for."""
    if spec.id != WORKER_FORM or not isinstance(body, dict):
        return body, set()
    code = body.get(CODE_FIELD)
    if code in (None, ""):
        return {k: v for k, v in body.items() if k != CODE_FIELD}, set()
    employer = worker_codes.employer_of(str(code), lang)
    rest = {k: v for k, v in body.items() if k != CODE_FIELD}
    return {**rest, "employer_filing_id": employer}, {"employer_filing_id"}


def authorize(spec: FormSpec, data: dict[str, Any], token: str | None, vouched: set[str]) -> None:
    """Forbidden (403) unless every enterprise the filing names is vouched for by a worker
    code or by that enterprise's status token."""
    for field in enterprise_fields(spec):
        value = data.get(field)
        if value and field not in vouched:
            try:
                links.check_status_token(str(value), token)
            except Forbidden:
                raise EnterpriseTokenRequired(field) from None
