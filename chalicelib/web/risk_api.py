"""The risk map's JSON calls, under /api: staff upload a new version (a staff link of the
district office), anyone reads the version in force (the map is public, as Zhejiang
published it)."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import risk
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import ValidationFailed
from chalicelib.store import risk_maps
from chalicelib.web.request import body, header, lang_of, source_ip
from chalicelib.web.responses import api_errors, json_response
from chalicelib.web.staff_auth import staff_claim

bp = Blueprint(__name__)

UPLOAD_TYPES = ["text/csv", "application/json"]


def upload_kind(content_type: str) -> str:
    return "json" if content_type.split(";")[0].strip().lower() == "application/json" else "csv"


def refused(exc: risk.MapRefused, lang: str) -> ValidationFailed:
    """An upload's problems as the API's validation error: `fields` names each entry
    (`counties.<code>`, `counties.line <n>`, `rules.<name>`, `published`, `file`)."""
    return ValidationFailed(exc.in_language(lang))


@bp.route("/risk-maps", methods=["POST"], content_types=UPLOAD_TYPES)
@api_errors
def upload() -> Response:
    """A new version from a CSV (code,level) or JSON body: 201 with its summary; 400
    naming every problem, nothing stored; 403 for a town's link."""
    from chalicelib.staff import risk_maps as staff_maps

    request = bp.current_request
    claim = staff_claim(request)
    kind = upload_kind(header(request, "content-type"))
    try:
        stored = staff_maps.upload(claim, body(request), kind, utcnow(), source_ip(request))
    except risk.MapRefused as exc:
        raise refused(exc, lang_of(request)) from None
    return json_response(staff_maps.summary(stored), 201)


@bp.route("/risk-maps/current", methods=["GET"])
@api_errors
def current() -> Response:
    """The version in force, whole: its counties' levels and its rules."""
    return json_response(risk_maps.current().as_json())
