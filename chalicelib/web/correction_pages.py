"""退回补正, the applicant's page: through the status link, the fields a step sent back
as inputs (each with the step's comment), the rest read-only; posting stores the
corrected revision and the step opens again (chalicelib/filing/correction.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib.core.errors import (
    DomainError,
    Forbidden,
    NotCorrectable,
    RateLimited,
    StepNotOpen,
    ValidationFailed,
)
from chalicelib.core.i18n import N_
from chalicelib.forms import FormSpec, shown_value
from chalicelib.store.models import Filing
from chalicelib.web import admission
from chalicelib.web.form_view import field_view
from chalicelib.web.pages import Said, error_page, render
from chalicelib.web.request import FORM_BODY, form_fields, in_lang, lang_of, query, source_ip
from chalicelib.web.responses import redirect

if TYPE_CHECKING:
    from chalicelib.filing.correction import Requested

bp = Blueprint(__name__)

REFUSED = {
    Forbidden: Said(403, N_("链接无效"), N_("进度链接不正确，请使用短信或回执中的完整链接。")),
    StepNotOpen: Said(409, N_("无需补正"), N_("这件申请目前没有需要补正的内容，或补正已经提交。")),
}
NOT_OPEN = Said(400, N_("不能修改此项"), N_("只能修改退回补正的内容，其余内容未被改动，也未保存。"))


@bp.route("/filings/{filing_id}/correct", methods=["GET"])
def show(filing_id: str) -> Response:
    from chalicelib.filing import correction

    request = bp.current_request
    try:
        admission.admit(request, "status")
        spec, filing, wanted = correction.open_for(filing_id, query(request, "token"))
    except DomainError as exc:
        return error_page(request, exc, REFUSED)
    values = {k: "" if v is None else str(v) for k, v in filing.data.items()}
    return _page(spec, filing, wanted, values, {})


@bp.route("/filings/{filing_id}/correct", methods=["POST"], content_types=FORM_BODY)
def submit(filing_id: str) -> Response:
    from chalicelib.filing import correction

    request = bp.current_request
    token = query(request, "token")
    lang = lang_of(request)
    posted = form_fields(request)
    posted.pop("lang", None)
    try:
        admission.admit(request, "status")
        correction.correct(filing_id, token, posted, source_ip(request), lang)
    except RateLimited as exc:
        return error_page(request, exc)
    except NotCorrectable as exc:
        return error_page(request, exc, {NotCorrectable: NOT_OPEN})
    except ValidationFailed as exc:
        try:
            spec, filing, wanted = correction.open_for(filing_id, token)
        except DomainError as again:
            return error_page(request, again, REFUSED)
        return _page(spec, filing, wanted, posted, exc.fields, 400)
    except DomainError as exc:
        return error_page(request, exc, REFUSED)
    return redirect(in_lang(lang, f"/filings/{filing_id}?token={token}"))


def _page(
    spec: FormSpec,
    filing: Filing,
    wanted: Requested,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    lang = lang_of(bp.current_request)
    schema = spec.json_schema()
    labels = spec.labels(lang)
    required = set(schema.get("required", []))
    fields = [
        {
            **field_view(
                name, prop, labels.get(name, name), name in required, values, errors, lang
            ),
            "comment": wanted.fields[name],
            "was": shown_value(spec.model, name, filing.data.get(name), lang),
        }
        for name, prop in schema["properties"].items()
        if name in wanted.fields
    ]
    kept = [
        (labels.get(k, k), shown_value(spec.model, k, v, lang))
        for k, v in filing.data.items()
        if k not in wanted.fields and k not in spec.uploads
    ]
    token = query(bp.current_request, "token") or ""
    return render(
        "correction.html",
        status,
        lang=lang,
        spec=spec,
        filing=filing,
        fields=fields,
        kept=kept,
        errors=errors,
        action=in_lang(lang, f"/filings/{filing.filing_id}/correct?token={token}"),
        back=in_lang(lang, f"/filings/{filing.filing_id}?token={token}"),
    )
