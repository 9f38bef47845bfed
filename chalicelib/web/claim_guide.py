"""The forms an approved enterprise files from its own status page (subsidies, service
requests, supplies orders: each names the enterprise by `enterprise_filing_id`, proved
by its status token). Opened bare, such a form would ask for a 32-character filing id
no one has, and a bare submission could only be refused: the page says instead where
these forms are filed, and how to find the status page (我的办件, by the contact's
phone), in Chinese first."""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib.forms import FormSpec, all_forms, get_form
from chalicelib.web.pages import render
from chalicelib.web.request import lang_of, switch_url

ENTERPRISE_FORM = "enterprise-resumption"


def is_claim(spec: FormSpec) -> bool:
    """A form filed from an enterprise's status page, never bare."""
    from chalicelib.filing import enterprise_key

    return bool(enterprise_key.enterprise_fields(spec)) and spec.id != enterprise_key.WORKER_FORM


def is_bare(spec: FormSpec, hidden: dict[str, str]) -> bool:
    """A claim form with nothing that names its enterprise with proof: no enterprise
    token, no rejected claim of that enterprise being corrected."""
    return is_claim(spec) and not (hidden.get("enterprise_token") or hidden.get("resubmits"))


def claim_forms() -> list[FormSpec]:
    return [spec for spec in all_forms() if is_claim(spec)]


def guide(request: Request, spec: FormSpec, status: int = 200) -> Response:
    """Where this form is filed: from the enterprise's status page (found at /my)."""
    lang = lang_of(request)
    return render(
        "claim_guide.html",
        status,
        lang=lang,
        spec=spec,
        enterprise=get_form(ENTERPRISE_FORM),
        switch_url=switch_url(f"/forms/{spec.id}", lang),
    )
