"""The days of observation, from the worker's status link: the day's report (a small
form: temperature and symptoms), the days done and left. Works without script."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import links
from chalicelib.core import supervision
from chalicelib.core.errors import DomainError, Forbidden, ValidationFailed
from chalicelib.core.i18n import N_, translate
from chalicelib.filing import applicant, observation
from chalicelib.web import admission
from chalicelib.web.pages import Said, error_page, render
from chalicelib.web.request import (
    FORM_BODY,
    form_fields,
    in_lang,
    lang_of,
    listed_fields,
    query,
    source_ip,
    wants_json,
)
from chalicelib.web.responses import json_error, json_response

bp = Blueprint(__name__)

REFUSED = {
    Forbidden: Said(403, N_("链接无效"), N_("进度链接不正确，请使用短信或回执中的完整链接。")),
    supervision.NotObserved: Said(
        409, N_("不在观察期内"), N_("健康观察从抵婺当天起，一体通行证发放后才能报告。")
    ),
}


def _symptom_options(lang: str) -> list[tuple[str, str]]:
    return [(code, translate(lang, text)) for code, text in supervision.SYMPTOM_LABELS.items()]


def _page(
    filing_id: str,
    token: str,
    status: int = 200,
    posted: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    done: observation.Reported | None = None,
) -> Response:
    request = bp.current_request
    lang = lang_of(request)
    filing = applicant.get_for_applicant(filing_id, token)
    shown = observation.view(filing)
    if shown is None:
        raise supervision.NotObserved("no pass yet")
    posted = posted or {}
    return render(
        "observation.html",
        status,
        lang=lang,
        filing=filing,
        token=token,
        o=shown,
        options=_symptom_options(lang),
        symptom_words=supervision.SYMPTOM_LABELS,
        ticked=set(posted.get("symptoms", "").split(",")),
        temperature=posted.get("temperature", ""),
        errors=errors or {},
        done=done,
        status_url=in_lang(lang, links.status_url(filing_id)),
        action=in_lang(lang, f"/filings/{filing_id}/report?token={token}"),
    )


@bp.route("/filings/{filing_id}/report", methods=["GET"])
def report_page(filing_id: str) -> Response:
    request = bp.current_request
    try:
        admission.admit(request, "status")
        return _page(filing_id, query(request, "token") or "")
    except DomainError as exc:
        return _refused(exc)


@bp.route("/filings/{filing_id}/report", methods=["POST"], content_types=FORM_BODY)
def report(filing_id: str) -> Response:
    """Today's report (form fields `temperature`, `symptoms`, the latter once per ticked
    box or comma-separated): 201 recorded, 200 already in today, 400 naming a bad field."""
    request = bp.current_request
    token = query(request, "token") or ""
    posted = {**form_fields(request), **listed_fields(request)}
    lang = lang_of(request)
    try:
        admission.admit(request, "status")
        filing = applicant.get_for_applicant(filing_id, token)
        done = observation.report(filing, posted, "worker", source_ip(request), lang)
    except ValidationFailed as exc:
        if wants_json(request):
            return json_error(exc)
        try:
            return _page(filing_id, token, 400, posted, exc.fields)
        except DomainError as again:
            return _refused(again)
    except DomainError as exc:
        return _refused(exc)
    if wants_json(request):
        answer = {"day": done.day, "recorded": done.recorded, "held": done.held}
        return json_response(answer, 201 if done.recorded else 200)
    return _page(filing_id, token, 201 if done.recorded else 200, done=done)


def _refused(exc: DomainError) -> Response:
    request = bp.current_request
    if wants_json(request):
        if isinstance(exc, supervision.NotObserved):
            return json_response({"error": "not_observed"}, 409)
        return json_error(exc)
    return error_page(request, exc, REFUSED)
