"""Drafts for a program, as the pages have them (chalicelib/filing/drafts.py):
`POST /api/drafts` `{"form", "values"}` keeps a form's answers as typed and sends the
link to continue by SMS to the phone the answers name (rate-limited as the page's
保存草稿, kind `draft`); `GET /api/drafts/{draft_id}` gives them back within 7 days."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.i18n import N_, translate
from chalicelib.forms import get_form
from chalicelib.web import admission
from chalicelib.web.request import ANY_BODY, json_object, lang_of
from chalicelib.web.responses import api_errors, json_response

bp = Blueprint(__name__)
NOT_ANSWERS = N_("须为字段名到取值（文字、数字或是否）的对象")
NOT_A_FORM = N_("须为表单编号，见 GET /api/forms")


@bp.route("/drafts", methods=["POST"], content_types=ANY_BODY)
@api_errors
def save_draft() -> Response:
    """201 `{"draft_id", "url", "sent_to", "expires_at"}`; 400 naming `values` or the
    form's phone field (a draft's link goes to it by SMS); 404 an unknown form."""
    from chalicelib.filing import drafts

    request = bp.current_request
    lang = lang_of(request)
    posted = json_object(request)
    form = posted.get("form")
    if not isinstance(form, str) or not form:
        raise ValidationFailed({"form": translate(lang, NOT_A_FORM)})
    spec = get_form(form)  # UnknownForm: 404
    values = _answers(posted.get("values"), lang)
    admission.admit(request, "draft")  # counted as the page's 保存草稿 (each sends an SMS)
    saved = drafts.keep(spec, values, lang)
    answer = {
        "draft_id": saved.draft_id,
        "url": saved.link,
        "sent_to": saved.masked,
        "expires_at": saved.expires_at.isoformat(),
    }
    return json_response(answer, 201)


@bp.route("/drafts/{draft_id}", methods=["GET"])
@api_errors
def read_draft(draft_id: str) -> Response:
    """200 `{"draft_id", "form", "values", "expires_at"}`; 404 none, or past its 7 days."""
    from chalicelib.filing import drafts

    admission.admit(bp.current_request, "status")
    kept = drafts.read(draft_id)
    answer = {
        "draft_id": draft_id,
        "form": kept.form,
        # an enterprise page's token stays for its page to resume with, not for a caller
        "values": {k: v for k, v in kept.values.items() if k != "enterprise_token"},
        "expires_at": kept.expires_at.isoformat(),
    }
    return json_response(answer)


def _answers(values: Any, lang: str) -> dict[str, str]:
    """Answers as a page would post them: text, `true` for a ticked box, "" for none."""
    if not isinstance(values, dict):
        raise ValidationFailed({"values": translate(lang, NOT_ANSWERS)})
    kept: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, bool):
            kept[str(name)] = "true" if value else ""
        elif isinstance(value, str | int | float) or value is None:
            kept[str(name)] = "" if value is None else str(value)
        else:
            raise ValidationFailed({"values": translate(lang, NOT_ANSWERS)})
    return kept
