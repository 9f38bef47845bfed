"""Checkpoints: /verify/{code} says whether a document is valid, with minimal data; /verify
takes a code typed in (a GET form, no script) when a camera cannot read the QR."""

from __future__ import annotations

from urllib.parse import quote

from chalice import Blueprint, Response

from chalicelib.core.errors import NotFound, RateLimited
from chalicelib.web import admission
from chalicelib.web.pages import error_page, render
from chalicelib.web.request import in_lang, lang_of, query, switch_url, wants_json
from chalicelib.web.responses import json_error, json_response, redirect

bp = Blueprint(__name__)


@bp.route("/", methods=["GET"])
def lookup_page() -> Response:
    """The typed code's page (303), or the box to type one in."""
    request = bp.current_request
    lang = lang_of(request)
    code = "".join((query(request, "code") or "").split()).upper()
    if code:
        return redirect(in_lang(lang, _path(code)))
    return render("verify.html", lang=lang, switch_url=switch_url("/verify", lang), r=None, code="")


@bp.route("/{code}", methods=["GET"])
def verify_page(code: str) -> Response:
    from chalicelib.documents import verify

    request = bp.current_request
    lang = lang_of(request)
    switch = switch_url(_path(code), lang)
    try:
        admission.admit(request, "verify")
        result = verify.check(code)
    except RateLimited as exc:
        return json_error(exc) if wants_json(request) else error_page(request, exc)
    except NotFound as exc:
        if wants_json(request):
            return json_error(exc)
        # As glanceable as a valid document: a red block, then the box to try again.
        return render("verify.html", 404, lang=lang, switch_url=switch, r=None, code=code)
    if wants_json(request):
        return json_response(result.as_json())
    return render("verify.html", lang=lang, switch_url=switch, r=result, code=code)


def _path(code: str) -> str:
    return f"/verify/{quote(code, safe='')}"
