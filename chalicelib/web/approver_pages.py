"""Approvers' pages: GET shows (and changes nothing), POST decides once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib.core.errors import (
    DomainError,
    Forbidden,
    Gone,
    HealthHeld,
    NotCorrectable,
    RateLimited,
    ReasonRequired,
    TooEarly,
    ValidationFailed,
)
from chalicelib.core.i18n import N_, translate
from chalicelib.forms import shown_value
from chalicelib.store import audit
from chalicelib.web import admission
from chalicelib.web.form_view import input_fields, shown_in
from chalicelib.web.pages import Said, error_page, render
from chalicelib.web.request import (
    NotJson,
    body,
    form_fields,
    in_lang,
    lang_of,
    listed_fields,
    parse_json,
    source_ip,
    switch_url,
    wants_json,
)
from chalicelib.web.responses import json_error, json_response

if TYPE_CHECKING:
    from chalicelib.filing import approve

bp = Blueprint(__name__)

GONE_TEXT = {
    "expired": N_("此审核链接已过期。"),
    "used": N_("此审核链接已使用过，决定已记录。"),
    "superseded": N_("此申请已办结或已撤回，或已向您发送了新的链接，此链接不再有效。"),
}


@bp.route("/{token}", methods=["GET"])
def show(token: str) -> Response:
    from chalicelib.filing import approve

    try:
        approval = approve.open_link(token)
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
    "/{token}",
    methods=["POST"],
    content_types=["application/x-www-form-urlencoded", "application/json"],
)
def decide(token: str) -> Response:
    from chalicelib.filing import approve

    request = bp.current_request
    if "json" in (request.headers.get("content-type") or ""):
        try:
            sent = parse_json(body(request) or b"{}")
            posted = {
                str(k): ",".join(map(str, v)) if isinstance(v, list) else str(v)
                for k, v in dict(sent).items()
            }
        except (NotJson, ValueError, TypeError):
            posted = {}
    else:
        posted = form_fields(request)
        posted.update(listed_fields(request))
    lang = lang_of(request)
    # A person's page decides in two steps: the first POST checks and shows what will be
    # recorded (nothing written), the confirmation's POST (`confirmed`) records it; a
    # program (Accept: application/json) decides at once.
    confirmed = wants_json(request) or posted.get("confirmed") == "yes"
    try:
        if not confirmed or posted.get("edit"):
            # Reaches no transaction (it only reads): counted with an update of its own.
            # A decision counts inside its transaction (approve.decide).
            admission.admit(request, "approval")
        if posted.get("edit"):
            return _page(approve.open_link(token), comment=posted.get("comment", ""), posted=posted)
        if not confirmed:
            approval = approve.open_link(token, history=False)
            pending = approve.check_decision(
                approval, posted.get("decision", ""), posted.get("comment", ""), posted, lang
            )
            return _confirmation(approval, pending, posted)
        decided = approve.decide(
            token,
            posted.get("decision", ""),
            posted.get("comment", ""),
            source_ip(request),
            inputs=posted,
            lang=lang,
            rate_limited=True,
        )
    except RateLimited as exc:
        return json_error(exc) if wants_json(request) else error_page(request, exc)
    except ReasonRequired:
        if wants_json(request):
            reason = translate(lang, "驳回时须填写理由")
            return json_response({"error": "reason_required", "fields": {"comment": reason}}, 400)
        return _page(
            approve.open_link(token),
            error=translate(lang, "驳回或退回时须填写理由，申请人会看到这条意见。"),
            comment=posted.get("comment", ""),
            status=400,
            posted=posted,
        )
    except (ValidationFailed, NotCorrectable) as exc:
        # A bad input, or a send-back naming a field it may not: the page again, each
        # named where it stands (the inputs' errors, or the send-back's fields).
        if wants_json(request):
            return json_error(exc)
        bad = isinstance(exc, ValidationFailed)
        return _page(
            approve.open_link(token),
            comment=posted.get("comment", ""),
            status=400,
            posted=posted,
            input_errors=exc.fields if isinstance(exc, ValidationFailed) else None,
            refused_fields=() if bad else tuple(exc.fields),
        )
    except HealthHeld as exc:
        if wants_json(request):
            return json_error(exc)
        return _page(approve.open_link(token), status=409, posted=posted, held=True)
    except TooEarly as exc:
        if wants_json(request):
            return json_error(exc)
        return _page(approve.open_link(token), status=409, posted=posted, early=exc.day)
    except DomainError as exc:
        return _refused(exc)
    if wants_json(request):
        return json_response(decided.as_json())
    return render("decided.html", decided=decided, lang=lang)


def _confirmation(
    approval: approve.Approval, pending: approve.Pending, posted: dict[str, str]
) -> Response:
    """What will be recorded, in the step's own words, with a button that records it and
    one that goes back to change it (the posted fields ride along, hidden)."""
    lang = lang_of(bp.current_request)
    kept = {k: v for k, v in posted.items() if k not in ("confirmed", "edit", "lang")}
    return render(
        "approve_confirm.html",
        lang=lang,
        a=approval,
        pending=pending,
        kept=kept,
        action=in_lang(lang, f"/approve/{approval.token}"),
    )


def _page(
    approval: approve.Approval,
    error: str = "",
    comment: str = "",
    status: int = 200,
    posted: dict[str, str] | None = None,
    input_errors: dict[str, str] | None = None,
    early: str | None = None,
    refused_fields: tuple[str, ...] = (),
    held: bool = False,
) -> Response:
    from chalicelib.filing import approve

    spec = approval.spec
    lang = lang_of(bp.current_request)
    labels = spec.labels(lang)
    personal = set(spec.personal_fields)
    rows = [
        (k, labels.get(k, k), shown_value(spec.model, k, v, lang), k in personal)
        for k, v in approval.filing.data.items()
    ]
    titles = {
        step.id: step.title_en if lang == "en" else step.title for step in spec.workflow.steps
    }
    entries = approval.filing.history
    if entries is None:  # a filing decided before decisions were kept on it: its tasks
        entries = [
            {"step": t.step, "decision": t.decision, "comment": t.comment or "", "shown": []}
            for t in approval.tasks
            if t.status == "decided"
        ]
    steps = {step.id: step for step in spec.workflow.steps}
    history = [
        (
            titles.get(entry["step"], entry["step"]),
            {**entry, "shown": shown_in(spec.workflow, entry["step"], entry.get("shown"), lang)},
            approve.decision_label(steps[entry["step"]], entry["decision"])
            if entry["step"] in steps
            else entry["decision"],
        )
        for entry in entries
    ]
    return render(
        "approve.html",
        status,
        lang=lang,
        switch_url=switch_url(f"/approve/{approval.token}", lang),
        a=approval,
        rows=rows,
        history=history,
        error=error,
        comment=comment,
        inputs=input_fields(approval, posted or {}, input_errors or {}, lang),
        input_errors=input_errors or {},
        evidence=approve.evidence(approval),
        early=early or approve.not_before(approval),
        corrections=[
            (
                name,
                labels.get(name, name),
                (posted or {}).get(approve.CORRECT_PREFIX + name, ""),
            )
            for name in approval.step.correctable
        ],
        refused_fields=[labels.get(name, name) for name in refused_fields],
        held=held or bool(approval.filing.health_hold),
    )


def _refused(exc: DomainError) -> Response:
    from chalicelib.filing import approve

    request = bp.current_request
    if wants_json(request):
        return json_error(exc)
    gone = exc.reason if isinstance(exc, Gone) else "expired"
    if isinstance(exc, Gone):
        # Who can send a new link, by name and number (the directory's district office).
        office = approve.district_office()
        lang = lang_of(request)
        return render(
            "message.html",
            410,
            lang=lang,
            title=N_("链接已失效"),
            text=GONE_TEXT.get(gone, GONE_TEXT["expired"]),
            more=N_("如需处理，请联系区三服务办重新发送审核链接。"),
            contact=office,
        )
    return error_page(
        request,
        exc,
        {
            Gone: Said(
                410,
                N_("链接已失效"),
                GONE_TEXT.get(gone, GONE_TEXT["expired"]),
                N_("如需处理，请联系区三服务办重新发送审核链接。"),
            ),
            Forbidden: Said(
                403,
                N_("链接无效"),
                N_("这个审核链接不完整或被改动过。请从短信或邮件中完整打开链接。"),
            ),
            DomainError: Said(409, N_("无法办理"), N_("该申请当前不能执行此操作。")),
        },
    )
