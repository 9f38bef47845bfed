"""A form page that starts from something the applicant holds: an approved enterprise's
status page (`?enterprise=<id>&token=<its token>`: its name, town and contact filled in
from its filing, and its token carried as the proof), a worker code
(`?employer=<员工登记码>`), a rejected filing to correct (`?resubmit=<id>&token=...`),
or a saved draft (`?draft=<id>`). What rides along is kept in hidden fields."""

from __future__ import annotations

from typing import Any

from chalice.app import Request

from chalicelib import links
from chalicelib.core.errors import InvalidTransition, NotFound
from chalicelib.core.i18n import N_
from chalicelib.forms import FormSpec
from chalicelib.store.models import Filing, bind_models
from chalicelib.web.request import query

CODE_HINT = N_("8位登记码，向用工企业索取，或扫描企业出示的二维码")
HIDDEN = ("enterprise_token", "resubmits", "resubmits_token")
# What an enterprise's own forms take from its filing, never retyped.
FROM_ENTERPRISE = (
    "enterprise_filing_id",
    "enterprise_name",
    "town",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def as_text(value: object) -> str:
    return "true" if value is True else "" if value in (False, None) else str(value)


def initial(request: Request, spec: FormSpec) -> tuple[dict[str, str], dict[str, str]]:
    """The values the page starts with, and its hidden fields; Forbidden for a token that
    does not match, InvalidTransition for a filing that cannot serve."""
    from chalicelib.filing import drafts, enterprise_key, worker_codes

    values: dict[str, str] = {}
    hidden: dict[str, str] = {}
    draft = query(request, "draft")
    kept_token = ""
    if draft:
        values.update(drafts.load(draft, spec.id))
        kept_token = values.pop("enterprise_token", "")
    enterprise, token = query(request, "enterprise"), query(request, "token")
    if kept_token and not enterprise and values.get("enterprise_filing_id"):
        # a draft of the enterprise's own form resumes as it was saved: from its page
        enterprise, token = values["enterprise_filing_id"], kept_token
    if enterprise and enterprise_key.enterprise_fields(spec):
        values.update(enterprise_values(spec, enterprise, token))
        hidden["enterprise_token"] = token or ""
    employer = query(request, "employer")
    if employer and spec.id == enterprise_key.WORKER_FORM:
        values["employer_code"] = worker_codes.normal(employer)
    resubmit = query(request, "resubmit")
    if resubmit:
        rejected = rejected_filing(spec, resubmit, token)
        values.update({k: as_text(v) for k, v in rejected.data.items()})
        hidden.update({"resubmits": resubmit, "resubmits_token": token or ""})
    return values, hidden


def enterprise_values(spec: FormSpec, filing_id: str, token: str | None) -> dict[str, str]:
    links.check_status_token(filing_id, token)
    return enterprise_details(spec, filing_id)


def enterprise_details(spec: FormSpec, filing_id: str) -> dict[str, str]:
    """What the form takes from the approved enterprise's filing (its proof checked)."""
    from chalicelib.filing import worker_codes

    bind_models()
    try:
        filing = Filing.get(filing_id)
    except Filing.DoesNotExist:
        raise NotFound(filing_id) from None
    if filing.form != worker_codes.ENTERPRISE_FORM or filing.status != "approved":
        raise InvalidTransition("not an approved enterprise")
    fields = spec.model.model_fields
    values = {k: as_text(filing.data.get(k)) for k in FROM_ENTERPRISE if k in fields}
    if "enterprise_filing_id" in fields:
        values["enterprise_filing_id"] = filing_id
    return values


def rejected_filing(spec: FormSpec, filing_id: str, token: str | None) -> Filing:
    from chalicelib.filing import resubmission

    return resubmission.rejected(spec, filing_id, token)


def take_hidden(posted: dict[str, str]) -> dict[str, str]:
    return {name: posted.pop(name, "") for name in HIDDEN}


def checked(
    spec: FormSpec, data: dict[str, Any], hidden: dict[str, str], lang: str
) -> tuple[dict[str, Any], set[str]]:
    """A page's answers with what they lean on checked: a worker code turned into its
    employer (400 naming it when unknown), the enterprise's details taken from its own
    filing with its token (403 without), the filing corrected rejected and the token's."""
    from chalicelib.filing import enterprise_key

    data, vouched = enterprise_key.resolve_codes(spec, data, lang)
    token = hidden.get("enterprise_token") or None
    named = data.get("enterprise_filing_id")
    rejected = None
    if hidden.get("resubmits"):
        rejected = rejected_filing(spec, hidden["resubmits"], hidden.get("resubmits_token"))
    if token and named and "enterprise_filing_id" in spec.model.model_fields:
        data = {**data, **enterprise_values(spec, str(named), token)}  # never retyped
    elif rejected is not None and named and rejected.data.get("enterprise_filing_id") == named:
        # A rejected claim was filed with its enterprise's token: correcting it (with the
        # rejected claim's own token) names the same enterprise, its details never retyped.
        data = {**data, **enterprise_details(spec, str(named))}
        vouched = {*vouched, "enterprise_filing_id"}
    enterprise_key.authorize(spec, data, token, vouched)
    return data, vouched


def _names_enterprise(spec: FormSpec) -> bool:
    return "enterprise_filing_id" in spec.model.model_fields


def fields_for(
    spec: FormSpec,
    fields: list[dict[str, Any]],
    values: dict[str, str],
    errors: dict[str, str],
    lang: str,
    hidden: dict[str, str],
) -> list[dict[str, Any]]:
    """The worker's form asks for the employer's worker code, not its filing id; an
    enterprise's own form shows its details as given, not as inputs."""
    from chalicelib.filing import enterprise_key

    if hidden.get("enterprise_token") or (hidden.get("resubmits") and _names_enterprise(spec)):
        return [{**f, "widget": "fixed"} if f["name"] in FROM_ENTERPRISE else f for f in fields]
    if spec.id != enterprise_key.WORKER_FORM:
        return fields
    shown = []
    for f in fields:
        if f["name"] == "employer_filing_id":
            f = {
                **f,
                "name": enterprise_key.CODE_FIELD,
                "label": "Employer's worker code" if lang == "en" else "用工企业员工登记码",
                "hint": CODE_HINT,
                "widget": "text",
                "value": values.get(enterprise_key.CODE_FIELD, ""),
                "error": errors.get(enterprise_key.CODE_FIELD) or errors.get(f["name"]),
                "maxlength": 12,
            }
        shown.append(f)
    return shown
