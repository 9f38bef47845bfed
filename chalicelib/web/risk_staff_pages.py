"""The dashboard's risk map form, under /dashboard: the district office pastes a new map
(CSV or JSON) without script; a refused one is a 400 page naming every problem, with
nothing stored. And the slips of a town a version's re-check touched."""

from __future__ import annotations

from urllib.parse import quote

from chalice import Blueprint, Response

from chalicelib.core import risk
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import DomainError, Forbidden, NotFound
from chalicelib.core.i18n import N_, translate
from chalicelib.web.pages import Said, error_page, message, render
from chalicelib.web.request import FORM_BODY, form_fields, lang_of, query, source_ip
from chalicelib.web.responses import redirect
from chalicelib.web.staff_pages import STAFF_LINK

bp = Blueprint(__name__)

NO_SUCH_RECHECK = (N_("没有这次复核"), N_("没有这个风险地图版本，或您无权查看这个镇街。"))
NOT_THE_DISTRICT = Said(403, N_("无权发布"), N_("只有区三服务办可以发布风险地图。"))


@bp.route("/risk-maps", methods=["POST"], content_types=FORM_BODY)
def upload_page() -> Response:
    from chalicelib.staff import access
    from chalicelib.staff import risk_maps as staff_maps

    request = bp.current_request
    token = query(request, "token")
    try:
        claim = access.use_staff_token(token)
    except DomainError as exc:
        return error_page(request, exc, STAFF_LINK)
    posted = form_fields(request)
    kind = "json" if posted.get("format") == "json" else "csv"
    try:
        staff_maps.upload(
            claim, posted.get("content", "").encode(), kind, utcnow(), source_ip(request)
        )
    except Forbidden as exc:
        return error_page(request, exc, {Forbidden: NOT_THE_DISTRICT})
    except risk.MapRefused as exc:
        lang = lang_of(request)
        text = "；".join(
            f"{where}：{translate(lang, said)}" for where, said in exc.problems.items()
        )
        return message(request, 400, title=N_("风险地图未发布"), text=text)
    lang = "&lang=en" if lang_of(request) == "en" else ""
    return redirect(f"/dashboard?token={quote(token or '')}{lang}#risk-map")


@bp.route("/rechecks", methods=["GET"])
def recheck_slips_page() -> Response:
    """A town's slips one risk map version re-checked (the dashboard's link)."""
    from chalicelib.staff import access, rechecks

    request = bp.current_request
    token = query(request, "token")
    try:
        claim = access.use_staff_token(token)
    except DomainError as exc:
        return error_page(request, exc, STAFF_LINK)
    version, town = query(request, "version") or "", query(request, "town") or ""
    try:
        found = rechecks.slips(claim, version, town)
    except NotFound:
        return message(request, 404, title=NO_SUCH_RECHECK[0], text=NO_SUCH_RECHECK[1])
    lang = lang_of(request)
    return render(
        "dashboard_recheck_slips.html",
        lang=lang,
        version=version,
        town=town,
        slips=found,
        level_labels=risk.LEVEL_LABELS,
        back_url=f"/dashboard?token={quote(token or '')}"
        + ("&lang=en" if lang == "en" else "")
        + "#rechecks",
    )
