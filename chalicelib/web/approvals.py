"""Approvers' pages: GET shows (and changes nothing), POST decides once."""

from __future__ import annotations

from urllib.parse import parse_qs

from chalice import Blueprint, Response

from chalicelib import audit, decisions
from chalicelib.errors import DomainError, Forbidden, Gone, ReasonRequired
from chalicelib.web.pages import body, lang_of, render, source_ip, wants_json
from chalicelib.web.responses import json_error, json_response

bp = Blueprint(__name__)

GONE_TEXT = {
    "expired": "此审核链接已过期。",
    "used": "此审核链接已使用过，决定已记录。",
    "superseded": "此申请已办结或已撤回，或已向您发送了新的链接，此链接不再有效。",
}


@bp.route("/approve/{token}", methods=["GET"])
def show(token: str) -> Response:
    try:
        approval = decisions.open_link(token)
    except DomainError as exc:
        return _refused(exc)
    # Showing changes nothing of the filing; who saw its personal data is recorded.
    task = approval.task
    audit.record(
        task.filing_id,
        f"viewed:{task.step}",
        approval.contact.name,
        source_ip(bp.current_request),
    )
    return _page(approval)


@bp.route(
    "/approve/{token}",
    methods=["POST"],
    content_types=["application/x-www-form-urlencoded", "application/json"],
)
def decide(token: str) -> Response:
    request = bp.current_request
    raw = body(request).decode("utf-8", "replace")
    if "json" in (request.headers.get("content-type") or ""):
        import json

        try:
            posted = {k: str(v) for k, v in dict(json.loads(raw or "{}")).items()}
        except (ValueError, TypeError):
            posted = {}
    else:
        posted = {k: v[-1] for k, v in parse_qs(raw).items()}
    try:
        decided = decisions.decide(
            token, posted.get("decision", ""), posted.get("comment", ""), source_ip(request)
        )
    except ReasonRequired:
        if wants_json(request):
            return json_response(
                {"error": "reason_required", "fields": {"comment": "驳回时须填写理由"}}, 400
            )
        return _page(
            decisions.open_link(token),
            error="驳回时须填写理由，申请人会看到这条意见。",
            comment=posted.get("comment", ""),
            status=400,
        )
    except DomainError as exc:
        return _refused(exc)
    if wants_json(request):
        return json_response(decided.as_json())
    return render("decided.html", decided=decided, lang=lang_of(request))


def _page(
    approval: decisions.Approval, error: str = "", comment: str = "", status: int = 200
) -> Response:
    spec = approval.spec
    labels = spec.labels(lang_of(bp.current_request))
    personal = set(spec.personal_fields)
    rows = [(labels.get(k, k), _show(v), k in personal) for k, v in approval.filing.data.items()]
    history = [
        (spec.workflow.step(t.step).title, t) for t in approval.tasks if t.status == "decided"
    ]
    return render(
        "approve.html", status, a=approval, rows=rows, history=history, error=error, comment=comment
    )


def _show(value: object) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    return "" if value is None else str(value)


def _refused(exc: DomainError) -> Response:
    if wants_json(bp.current_request):
        return json_error(exc)
    if isinstance(exc, Gone):
        return render(
            "message.html",
            410,
            title="链接已失效",
            text=GONE_TEXT.get(exc.reason, ""),
            more="如需处理，请联系区三服务办重新发送审核链接。",
        )
    if isinstance(exc, Forbidden):
        return render(
            "message.html",
            403,
            title="链接无效",
            text="这个审核链接不完整或被改动过。请从短信或邮件中完整打开链接。",
        )
    return render("message.html", 409, title="无法办理", text="该申请当前不能执行此操作。")
