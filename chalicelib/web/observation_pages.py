"""The days of observation, from the worker's status link: the day's report (a small
form: temperature and symptoms), the days done and left. Works without script."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib import links
from chalicelib.core import supervision
from chalicelib.core.clock import china_today
from chalicelib.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from chalicelib.core.i18n import N_, translate
from chalicelib.store.models import Filing
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

if TYPE_CHECKING:
    from chalicelib.filing import observation

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
    from chalicelib.filing import applicant, observation

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
    from chalicelib.filing import applicant, observation

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


# --- the enterprise's page: a row a worker ----------------------------------------------

ENTERPRISE = "enterprise-resumption"


def _enterprise(filing_id: str, token: str) -> Filing:
    from chalicelib.filing import applicant

    filing = applicant.get_for_applicant(filing_id, token)
    if filing.form != ENTERPRISE:
        raise NotFound(filing_id)
    return filing


def _workers_page(
    enterprise: Filing, token: str, status: int = 200, results: dict[str, str] | None = None
) -> Response:
    from chalicelib.filing import observation

    lang = lang_of(bp.current_request)
    today = china_today()
    rows = []
    for worker in observation.workers_of(enterprise.filing_id, today):
        shown = observation.view(worker, today)
        rows.append((worker, shown))
    return render(
        "observation_workers.html",
        status,
        lang=lang,
        enterprise=enterprise,
        rows=rows,
        options=_symptom_options(lang),
        results=results or {},
        action=in_lang(lang, f"/filings/{enterprise.filing_id}/workers-report?token={token}"),
        status_url=in_lang(lang, links.status_url(enterprise.filing_id)),
    )


@bp.route("/filings/{filing_id}/workers-report", methods=["GET"])
def workers_page(filing_id: str) -> Response:
    request = bp.current_request
    token = query(request, "token") or ""
    try:
        admission.admit(request, "status")
        return _workers_page(_enterprise(filing_id, token), token)
    except DomainError as exc:
        return _refused(exc)


NOT_THEIRS = Said(400, N_("不能报告"), N_("只能为本企业观察期内的员工报告。"))
RESULT_WORDS = {
    "recorded": N_("已报告"),
    "already": N_("今天已报告，未重复记录"),
    "held": N_("已报告：体温异常或有症状，已转健康随访"),
}


@bp.route("/filings/{filing_id}/workers-report", methods=["POST"], content_types=FORM_BODY)
def workers_report(filing_id: str) -> Response:
    """Each row filled in (`t.<worker filing id>`, `s.<worker filing id>`): that worker's
    report of today, by the enterprise. A row naming anyone but the enterprise's workers
    under observation is refused (400, nothing recorded); a bad row is named, the good
    ones are recorded."""
    from chalicelib.filing import observation

    request = bp.current_request
    token = query(request, "token") or ""
    posted = form_fields(request)
    lang = lang_of(request)
    try:
        admission.admit(request, "status")
        enterprise = _enterprise(filing_id, token)
        workers = {w.filing_id: w for w in observation.workers_of(enterprise.filing_id)}
        named = {k[2:] for k in posted if k.startswith(("t.", "s.")) and posted[k].strip()}
        if named - set(workers):
            raise ValidationFailed({"rows": translate(lang, "只能为本企业观察期内的员工报告")})
        results: dict[str, str] = {}
        for worker_id in sorted(named):
            values = {
                "temperature": posted.get(f"t.{worker_id}", ""),
                "symptoms": posted.get(f"s.{worker_id}", ""),
            }
            try:
                done = observation.report(
                    workers[worker_id], values, "employer", source_ip(request), lang
                )
            except ValidationFailed as exc:
                results[worker_id] = "；".join(exc.fields.values())
                continue
            results[worker_id] = translate(
                lang,
                RESULT_WORDS[
                    "already" if not done.recorded else "held" if done.held else "recorded"
                ],
            )
    except ValidationFailed as exc:
        if wants_json(request):
            return json_error(exc)
        return error_page(
            request,
            exc,
            {ValidationFailed: Said(400, N_("不能报告"), N_("只能为本企业观察期内的员工报告。"))},
        )
    except DomainError as exc:
        return _refused(exc)
    if wants_json(request):
        return json_response({"results": results})
    return _workers_page(enterprise, token, results=results)
