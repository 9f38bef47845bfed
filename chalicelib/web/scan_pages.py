"""The checkpoint's pages: the scanner (/scan, the one page with script: its own CSP,
`script-src 'self'`), its files and service worker; a worker's pass on screen
(/filings/{id}/pass, no script: a CSS clock and a refresh); and a staff link's
registration of a checkpoint (POST /dashboard/checkpoints)."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from chalice import Blueprint, Response

from chalicelib import links
from chalicelib.core.clock import CHINA, utcnow
from chalicelib.core.errors import DomainError, NotFound, ValidationFailed
from chalicelib.core.i18n import N_, translate
from chalicelib.core.towns import town_names
from chalicelib.store.models import Document
from chalicelib.web import static_files
from chalicelib.web.pages import Said, error_page, render
from chalicelib.web.request import FORM_BODY, form_fields, lang_of, query, switch_url

bp = Blueprint(__name__)

# The scanner runs its own script and the decoder, both from this origin, and nothing else.
SCAN_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob: mediastream:; connect-src 'self'; worker-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
JSQR = "jsqr-1.4.0/jsQR.js"  # vendored from npm: chalicelib/static/jsqr-1.4.0/VENDORED.md
# What the service worker keeps for a scanner without a network (static/scan/sw.js FILES).
SCANNER_FILES = (
    ("static", "scan/scan.js"),
    ("static", JSQR),
    ("static", "scan/scan.css"),
    ("templates", "app.css"),
)
NO_PASS = Said(404, N_("还没有通行证"), N_("村企联合打卡完成后才发放一体通行证。"))
PASS_REFRESH_SECONDS = 60  # the on-screen clock's minutes; its seconds hand is CSS


def _static(name: str, content_type: str, max_age: int) -> Response:
    return static_files.response("static", name, content_type, max_age)


@bp.route("/scan", methods=["GET"])
def scanner() -> Response:
    lang = lang_of(bp.current_request)
    page = render("scan.html", lang=lang, switch_url=switch_url("/scan", lang))
    page.headers["Content-Security-Policy"] = SCAN_CSP
    page.headers["Permissions-Policy"] = "camera=(self)"
    return page


@bp.route("/scan/scan.js", methods=["GET"])
def scanner_script() -> Response:
    return _static("scan/scan.js", "text/javascript; charset=utf-8", 300)


@bp.route("/scan/scan.css", methods=["GET"])
def scanner_style() -> Response:
    return _static("scan/scan.css", "text/css; charset=utf-8", 300)


@bp.route("/scan/jsQR.js", methods=["GET"])
def decoder() -> Response:
    return _static(JSQR, "text/javascript; charset=utf-8", 86400)


@bp.route("/scan-sw.js", methods=["GET"])
def service_worker() -> Response:
    """At the root so that its scope may be /scan itself (a worker's scope is at most
    its own folder); never cached by HTTP, so a new version installs at once."""
    answer = _static("scan/sw.js", "text/javascript; charset=utf-8", 0)
    answer.body = str(answer.body).replace("__FILES_VERSION__", _files_version())
    answer.headers["Cache-Control"] = "no-cache"
    return answer


def _files_version() -> str:
    """A digest of the files the worker keeps: a new bundle whose scanner files changed
    serves a different worker, so the phone installs it and drops the old cache (the
    worker serves those files from its cache first, at addresses that never change)."""
    digest = hashlib.sha256()
    for folder, name in SCANNER_FILES:
        digest.update(static_files.read(folder, name).encode())
    return digest.hexdigest()[:12]


@bp.route("/static/pass.css", methods=["GET"])
def pass_style() -> Response:
    return _static("pass.css", "text/css; charset=utf-8", 300)


@bp.route("/filings/{filing_id}/pass", methods=["GET"])
def pass_on_screen(filing_id: str) -> Response:
    """The worker's pass full-screen on a phone: its QR (with the seal) large, the masked
    name, the validity, and a running clock so that a screenshot is told from the page."""
    from chalicelib.documents import seal
    from chalicelib.documents.qr import qr_svg
    from chalicelib.filing import applicant

    request = bp.current_request
    token = query(request, "token")
    lang = lang_of(request)
    try:
        filing = applicant.get_for_applicant(filing_id, token)
        code = filing.document_codes().get("pass")
        if not code or filing.status != "approved":
            raise NotFound("pass")
        document = Document.get(code)
    except Document.DoesNotExist:
        return error_page(request, NotFound("pass"), {NotFound: NO_PASS})
    except DomainError as exc:
        return error_page(request, exc, {NotFound: NO_PASS})
    verify_url = links.verify_url(code)
    now = utcnow().astimezone(CHINA)
    back = f"/filings/{filing_id}?token={quote(token or '')}"
    return render(
        "pass_screen.html",
        lang=lang,
        switch_url=switch_url(f"/filings/{filing_id}/pass?token={quote(token or '')}", lang),
        doc=document,
        qr=qr_svg(seal.qr_text(verify_url, document.seal), translate(lang, "通行证二维码")),
        clock=now.strftime("%H:%M"),
        today=now.date().isoformat(),
        second=now.second,
        refresh=PASS_REFRESH_SECONDS,
        back=back + ("&lang=en" if lang == "en" else ""),
    )


@bp.route("/dashboard/checkpoints", methods=["POST"], content_types=FORM_BODY)
def register_checkpoint() -> Response:
    """A staff link registers a checkpoint of its towns; the page shows the checkpoint's
    link (and its QR) for the guard's phone."""
    from chalicelib.documents.qr import qr_svg
    from chalicelib.staff import access, checkpoints

    request = bp.current_request
    token = query(request, "token")
    lang = lang_of(request)
    try:
        claim = access.use_staff_token(token)
        posted = form_fields(request)
        town = posted.get("town", "")
        if town and not claim.covers(town):
            raise ValidationFailed({"town": "此链接只能登记本镇街的卡口"})
        checkpoint, link_token = checkpoints.register(
            posted.get("name", ""),
            town,
            posted.get("lat", ""),
            posted.get("lng", ""),
            claim.name,
            utcnow(),
        )
    except ValidationFailed as exc:
        return render(
            "checkpoint.html",
            400,
            lang=lang,
            switch_url=None,
            errors=exc.fields,
            checkpoint=None,
            back=f"/dashboard?token={quote(token or '')}#scans",
            towns=town_names(),
        )
    except DomainError as exc:
        return error_page(request, exc)
    url = checkpoints.scan_url(link_token) + "&name=" + quote(checkpoint.name)
    return render(
        "checkpoint.html",
        201,
        lang=lang,
        switch_url=None,
        errors={},
        checkpoint=checkpoint,
        url=url,
        qr=qr_svg(url, translate(lang, "卡口链接的二维码")),
        back=f"/dashboard?token={quote(token or '')}#scans",
        towns=town_names(),
    )
