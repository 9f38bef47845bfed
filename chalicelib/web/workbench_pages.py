"""The officials' workbench under /work: sign-in by SMS code, 待办 (the to-do list, its
filters and bulk confirmations), search, a read-only filing, reassigning a step. A
session is a cookie (HttpOnly, Secure, SameSite=Strict) holding a signed staff claim;
without one a page answers 303 to /work/sign-in and a JSON client 401. SameSite=Strict
is what keeps another site from posting here with the cookie."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode

from chalice import Blueprint, Response

from chalicelib.core.clock import china_today, utcnow
from chalicelib.core.errors import (
    CodeRefused,
    DomainError,
    Forbidden,
    Gone,
    InvalidTransition,
    NotFound,
    RateLimited,
    ReasonRequired,
    ValidationFailed,
)
from chalicelib.core.i18n import N_
from chalicelib.core.roles import DISTRICT_OFFICE
from chalicelib.core.towns import town_names
from chalicelib.forms import all_forms
from chalicelib.staff import access
from chalicelib.store import audit
from chalicelib.web.pages import Said, error_page, render
from chalicelib.web.request import (
    FORM_BODY,
    body,
    form_fields,
    header,
    lang_of,
    query,
    source_ip,
    wants_json,
)
from chalicelib.web.responses import json_error, json_response, redirect

if TYPE_CHECKING:
    from chalicelib.staff import todo
    from chalicelib.staff.access import StaffClaim

bp = Blueprint(__name__)

COOKIE = access.SESSION_COOKIE
CODE_REFUSED = {
    "wrong": N_("验证码不正确，请核对短信后重新输入。"),
    "expired": N_("验证码已过期，请重新获取。"),
    "too_many_tries": N_("输错次数过多，此验证码已作废，请重新获取。"),
    "none": N_("没有待用的验证码，请先获取验证码。"),
}
NOT_YOURS = Said(403, N_("无权查看"), N_("这件申请不在您的辖区内。"))
STALE = Said(
    410, N_("已有变化"), N_("这一步已办理、已转交或链接已更新，请回到待办列表刷新后再试。")
)
RESULTS = {
    "decided": N_("已确认"),
    "already": N_("此前已办理，未重复记录"),
    "superseded": N_("已失效（已转交、已更新或申请已办结）"),
    "too_early": N_("未到抵婺日期，不能打卡"),
    "not_yours": N_("不属于您的待办或不能批量办理"),
    "refused": N_("不能办理"),
}


# --- sessions ----------------------------------------------------------------------


def _cookie(name: str) -> str | None:
    for part in header(bp.current_request, "cookie").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


def _session() -> StaffClaim | None:
    try:
        return access.use_session(_cookie(COOKIE))
    except DomainError:
        return None


def _signed_out() -> Response:
    if wants_json(bp.current_request):
        return json_response({"error": "unauthorized"}, 401)
    return redirect("/work/sign-in", 303)


def _set_cookie(token: str, seconds: int) -> str:
    return f"{COOKIE}={token}; Path=/; Max-Age={seconds}; HttpOnly; Secure; SameSite=Strict"


def _seen(claim: StaffClaim, action: str, detail: str = "") -> None:
    subject = audit.staff_subject(claim.role, claim.scope)
    audit.record(subject, action, claim.name, source_ip(bp.current_request), detail)


# --- sign-in -------------------------------------------------------------------------


@bp.route("/sign-in", methods=["GET"])
def sign_in_page() -> Response:
    return _sign_in_page()


@bp.route("/sign-in", methods=["POST"], content_types=FORM_BODY)
def sign_in_post() -> Response:
    """`phone` alone: send a code; `phone` and `code`: open the session, 303 to /work."""
    from chalicelib.staff import sign_in

    request = bp.current_request
    posted = form_fields(request)
    phone, code = posted.get("phone", "").strip(), posted.get("code", "").strip()
    client = source_ip(request)
    try:
        if not code:
            sign_in.request_code(phone, client)
            return _sign_in_page(phone=phone, sent=True)
        session = sign_in.sign_in(phone, code, client)
    except ValidationFailed:
        return _sign_in_page(phone=phone, error=N_("请填写有效的手机号码。"), status=400)
    except CodeRefused as exc:
        text = CODE_REFUSED.get(exc.reason, CODE_REFUSED["none"])
        return _sign_in_page(phone=phone, sent=True, error=text, status=400)
    except RateLimited as exc:
        return error_page(request, exc)
    response = redirect("/work", 303)
    response.headers["Set-Cookie"] = _set_cookie(session.token, access.SESSION_HOURS * 3600)
    return response


def _sign_in_page(
    phone: str = "", sent: bool = False, error: str = "", status: int = 200
) -> Response:
    return render(
        "work_sign_in.html",
        status,
        lang=lang_of(bp.current_request),
        phone=phone,
        sent=sent,
        error=error,
    )


@bp.route("/sign-out", methods=["POST"], content_types=FORM_BODY)
def sign_out() -> Response:
    from chalicelib.staff import sign_in

    claim = _session()
    if claim is not None:
        sign_in.sign_out(claim, source_ip(bp.current_request))
    response = redirect("/work/sign-in", 303)
    response.headers["Set-Cookie"] = _set_cookie("", 0)
    return response


# --- 待办 ----------------------------------------------------------------------------


def _filters() -> todo.Filters:
    from chalicelib.staff import todo

    request = bp.current_request
    forms = {f.id for f in all_forms()}
    form = query(request, "form") or ""
    step = query(request, "step") or ""
    town = query(request, "town") or ""
    return todo.Filters(
        form=form if form in forms else "",
        step=step if step in {s for _, s, _ in todo.step_choices()} else "",
        town=town if town in town_names() else "",
        late=query(request, "late") == "1",
    )


@bp.route("/", methods=["GET"])
def work() -> Response:
    from chalicelib.staff import todo

    claim = _session()
    if claim is None:
        return _signed_out()
    now = utcnow()
    filters = _filters()
    cursor = query(bp.current_request, "cursor")
    found = todo.page(claim, filters, now, cursor)
    _seen(claim, "work:list", urlencode(filters.as_query()))
    if wants_json(bp.current_request):
        return json_response(
            {
                "tasks": [
                    {
                        "filing_id": r.filing_id,
                        "slip_no": r.slip_no,
                        "form": r.form,
                        "step": r.step,
                        "applicant": r.applicant,
                        "town": r.town,
                        "opened_at": r.opened_at.isoformat(),
                        "due_at": r.due_at.isoformat(),
                        "late": r.late,
                        "link_gen": r.link_gen,
                        "url": r.url,
                        "bulk": r.bulk,
                    }
                    for r in found.rows
                ],
                "next": found.next_cursor,
            }
        )
    next_url = None
    if found.next_cursor:
        next_url = "/work?" + urlencode({**filters.as_query(), "cursor": found.next_cursor})
    return render(
        "work.html",
        lang=lang_of(bp.current_request),
        claim=claim,
        rows=found.rows,
        filters=filters,
        forms=all_forms(),
        steps=todo.step_choices(filters.form),
        towns=town_names() if claim.role == DISTRICT_OFFICE else (),
        next_url=next_url,
        first_url=("/work?" + urlencode(filters.as_query())).rstrip("?") if cursor else None,
        any_bulk=any(r.bulk for r in found.rows),
    )


def _all_fields() -> dict[str, list[str]]:
    return parse_qs(body(bp.current_request).decode("utf-8", "replace"))


@bp.route("/bulk", methods=["POST"], content_types=FORM_BODY)
def bulk_decide() -> Response:
    """First POST: what will be confirmed (nothing written); with `confirmed=yes`: each
    selected step approved as if by its own link, the outcome of each shown."""
    from chalicelib.filing import bulk
    from chalicelib.staff import todo

    claim = _session()
    if claim is None:
        return _signed_out()
    fields = _all_fields()
    refs = bulk.parse_refs(fields.get("task", []))
    lang = lang_of(bp.current_request)
    if not refs:
        return render(
            "message.html",
            400,
            lang=lang,
            title=N_("未选择"),
            text=N_("请先在待办列表中勾选要确认的事项。"),
        )
    if fields.get("confirmed", [""])[-1] != "yes":
        return render(
            "work_bulk.html",
            lang=lang,
            refs=refs,
            slips=todo.slips([r.filing_id for r in refs]),
            outcomes=None,
            results=RESULTS,
        )
    outcomes = bulk.approve_all(
        refs, claim.role, claim.scope, claim.name, source_ip(bp.current_request)
    )
    _seen(claim, "work:bulk", f"{len(refs)} selected")
    if wants_json(bp.current_request):
        return json_response(
            {
                "results": [
                    {"filing_id": o.filing_id, "step": o.step, "result": o.result} for o in outcomes
                ]
            }
        )
    return render(
        "work_bulk.html",
        lang=lang,
        refs=refs,
        slips=todo.slips([r.filing_id for r in refs]),
        outcomes=outcomes,
        results=RESULTS,
    )


# --- search and the read-only view ---------------------------------------------------


@bp.route("/search", methods=["GET"])
def search_page() -> Response:
    from chalicelib.staff import search

    claim = _session()
    if claim is None:
        return _signed_out()
    request = bp.current_request
    q = (query(request, "q") or "").strip()
    found = search.search(claim, q, query(request, "cursor"))
    if q:  # the kind and, for numbers of people, only that a search was made
        _seen(
            claim,
            "work:search",
            found.kind if found.kind in ("phone", "id") else f"{found.kind}:{q[:50]}",
        )
    if wants_json(request):
        return json_response(
            {
                "kind": found.kind,
                "results": [h._asdict() for h in found.hits],
                "next": found.next_cursor,
            }
        )
    next_url = None
    if found.next_cursor:
        next_url = "/work/search?" + urlencode({"q": q, "cursor": found.next_cursor})
    return render(
        "work_search.html", lang=lang_of(request), claim=claim, q=q, found=found, next_url=next_url
    )


@bp.route("/filings/{filing_id}", methods=["GET"])
def filing_page(filing_id: str) -> Response:
    from chalicelib.staff import search

    claim = _session()
    if claim is None:
        return _signed_out()
    request = bp.current_request
    lang = lang_of(request)
    try:
        shown = search.view(claim, filing_id, lang)
    except (Forbidden, NotFound) as exc:
        return error_page(request, exc, {Forbidden: NOT_YOURS})
    audit.record(filing_id, "viewed:workbench", claim.name, source_ip(request))
    return render("work_filing.html", lang=lang, claim=claim, v=shown)


# --- check-in from a docking slip ----------------------------------------------------

CHECKIN_SAID = {
    NotFound: Said(404, N_("没有这张对接单"), N_("请核对对接单上二维码下方的编号后重试。")),
    Forbidden: Said(403, N_("无权打卡"), N_("此人不在您的辖区落脚，请由落脚地镇街打卡。")),
    Gone: Said(410, N_("不能打卡"), N_("此人已打卡，或对接单尚未办结，请在待办列表中查看。")),
}


@bp.route("/checkin", methods=["GET"])
def checkin() -> Response:
    """A docking slip's code (typed, or the address its QR holds: from /scan) -> 303 to
    the village check-in's approval page, where the temperature is recorded. Reads only."""
    from chalicelib.staff import checkins

    claim = _session()
    if claim is None:
        return _signed_out()
    request = bp.current_request
    code = (query(request, "code") or "").strip()
    if not code:
        return render("work_checkin.html", lang=lang_of(request), claim=claim)
    try:
        url = checkins.checkin_url(claim, code)
    except (NotFound, Forbidden, Gone) as exc:
        if wants_json(request):
            return json_error(exc)
        return error_page(request, exc, CHECKIN_SAID)
    if wants_json(request):
        return json_response({"url": url})
    return redirect(url, 303)


# --- health follow-ups ----------------------------------------------------------------

FOLLOW_UP_SAID = {
    Forbidden: NOT_YOURS,
    Gone: Said(410, N_("随访已办结"), N_("这次健康随访已记录结果，请回到待办列表刷新。")),
}


def _follow_up_page(
    claim: StaffClaim,
    filing_id: str,
    status: int = 200,
    posted: dict[str, str] | None = None,
    error: str = "",
    confirm: bool = False,
) -> Response:
    from chalicelib.staff import follow_ups

    request = bp.current_request
    filing = follow_ups.get(claim, filing_id)
    return render(
        "work_health.html",
        status,
        lang=lang_of(request),
        claim=claim,
        f=follow_ups.shown(claim, filing),
        posted=posted or {},
        error=error,
        confirm=confirm,
        today=china_today().isoformat(),
    )


@bp.route("/health/{filing_id}", methods=["GET"])
def follow_up_page(filing_id: str) -> Response:
    claim = _session()
    if claim is None:
        return _signed_out()
    try:
        return _follow_up_page(claim, filing_id)
    except DomainError as exc:
        return error_page(bp.current_request, exc, FOLLOW_UP_SAID)


@bp.route("/health/{filing_id}", methods=["POST"], content_types=FORM_BODY)
def follow_up_post(filing_id: str) -> Response:
    """The follow-up's answer: `outcome` cleared, or isolation with `until` (a date after
    today); asked once more (`confirmed=yes` records it)."""
    from chalicelib.filing import health
    from chalicelib.staff import follow_ups

    claim = _session()
    if claim is None:
        return _signed_out()
    request = bp.current_request
    posted = form_fields(request)
    outcome = posted.get("outcome", "")
    try:
        if not follow_ups.get(claim, filing_id).health_hold:
            raise Gone("used")  # answered already: nothing more to record
        until = follow_ups.parse_until(outcome, posted.get("until", ""))
        if posted.get("confirmed") != "yes":
            return _follow_up_page(claim, filing_id, posted=posted, confirm=True)
        health.resolve(
            filing_id,
            outcome,
            until,
            posted.get("note", "")[:200],
            claim.name,
            source_ip(request),
            china_today(),
        )
    except (ReasonRequired, InvalidTransition, ValidationFailed):
        text = N_("请选择随访结果；隔离观察须填写今天以后的解除日期（YYYY-MM-DD）。")
        return _follow_up_page(claim, filing_id, 400, posted, text)
    except DomainError as exc:
        return error_page(request, exc, FOLLOW_UP_SAID)
    return redirect(f"/work/health/{filing_id}", 303)


# --- the days of observation: the village confirms who is at the lodging ----------------


def _lodging_page(claim: StaffClaim, results: dict[str, str] | None = None) -> Response:
    from chalicelib.core.privacy import mask_name
    from chalicelib.filing import observation

    today = china_today()
    rows = [
        (
            f,
            f.applicant if claim.sees_personal_data else mask_name(f.applicant),
            observation.confirmed_today(f, today),
        )
        for town in claim.towns
        for f in observation.town_workers(town, today)
    ]
    return render(
        "work_lodging.html",
        lang=lang_of(bp.current_request),
        claim=claim,
        rows=rows,
        results=results or {},
        today=today.isoformat(),
    )


@bp.route("/lodging", methods=["GET"])
def lodging_page() -> Response:
    """The town's workers under observation today, each to tick as at the lodging."""
    claim = _session()
    if claim is None:
        return _signed_out()
    return _lodging_page(claim)


@bp.route("/lodging", methods=["POST"], content_types=FORM_BODY)
def lodging_confirm() -> Response:
    """`worker` (once per ticked box): each confirmed at the lodging address today; a
    worker outside the official's towns, or not under observation, is not recorded."""
    from chalicelib.filing import observation
    from chalicelib.staff import follow_ups

    claim = _session()
    if claim is None:
        return _signed_out()
    request = bp.current_request
    picked = parse_qs(body(request).decode("utf-8", "replace")).get("worker", [])
    results: dict[str, str] = {}
    for filing_id in dict.fromkeys(picked):
        try:
            filing = follow_ups.worker(claim, filing_id)
            done = observation.confirm_lodging(filing, claim.name, source_ip(request))
            results[filing_id] = "confirmed" if done else "already"
        except DomainError:
            results[filing_id] = "refused"
    if wants_json(request):
        return json_response({"results": results})
    return _lodging_page(claim, results)


# --- reassign ------------------------------------------------------------------------


@bp.route("/tasks/{filing_id}/{step}/reassign", methods=["GET"])
def reassign_page(filing_id: str, step: str) -> Response:
    from chalicelib.filing import reassign

    claim = _session()
    if claim is None:
        return _signed_out()
    gen = query(bp.current_request, "gen") or ""
    people = reassign.colleagues(claim.role, claim.scope)
    return render(
        "work_reassign.html",
        lang=lang_of(bp.current_request),
        filing_id=filing_id,
        step=step,
        gen=gen,
        people=people,
        done=None,
    )


@bp.route("/tasks/{filing_id}/{step}/reassign", methods=["POST"], content_types=FORM_BODY)
def reassign_post(filing_id: str, step: str) -> Response:
    from chalicelib.filing import reassign

    claim = _session()
    if claim is None:
        return _signed_out()
    request = bp.current_request
    posted = form_fields(request)
    gen = posted.get("gen", "")
    try:
        contact = reassign.reassign(
            filing_id,
            step,
            int(gen) if gen.isdigit() else -1,
            posted.get("to", ""),
            claim.role,
            claim.scope,
            claim.name,
            source_ip(request),
        )
    except Gone as exc:
        return error_page(request, exc, {Gone: STALE})
    except (Forbidden, NotFound) as exc:
        return error_page(
            request,
            exc,
            {DomainError: Said(403, N_("不能转交"), N_("只能转交本单位同一职责的同事。"))},
        )
    return render(
        "work_reassign.html",
        lang=lang_of(request),
        filing_id=filing_id,
        step=step,
        gen=gen,
        people=[],
        done=contact,
    )
