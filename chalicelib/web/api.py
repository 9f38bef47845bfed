"""The JSON API under /api: the catalogue, submission, a filing's status."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from chalice import Blueprint, Response

from chalicelib.core.clock import china_today, utcnow
from chalicelib.core.errors import DomainError, ValidationFailed
from chalicelib.filing import applicant, rosters, submission, uploads
from chalicelib.forms import FormSpec, all_forms, get_form
from chalicelib.store import ratelimit
from chalicelib.web import openapi
from chalicelib.web.pages import body, lang_of, query, source_ip
from chalicelib.web.responses import api_errors, json_error, json_response

bp = Blueprint(__name__)
# Chalice answers 415 itself for types a route does not list; we list the common
# ones and answer 415 in the contract's shape.
ANY_BODY = [
    "application/json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/octet-stream",
    "application/xml",
    "text/xml",
]


def describe(spec: FormSpec) -> dict[str, Any]:
    return {
        "id": spec.id,
        "title": spec.title,
        "title_en": spec.title_en,
        "steps": [
            {"id": step.id, "title": step.title, "title_en": step.title_en}
            for step in spec.workflow.steps
        ],
        "schema": spec.json_schema(),
    }


@bp.route("/api/openapi.json", methods=["GET"])
def openapi_document() -> Response:
    """The API described (OpenAPI 3.1), generated from the form catalogue."""

    return json_response(openapi.document())


@bp.route("/api/forms", methods=["GET"])
def list_forms() -> Response:
    return json_response([describe(spec) for spec in all_forms()])


@bp.route("/api/forms/{form}", methods=["GET"])
@api_errors
def show_form(form: str) -> Response:
    return json_response(describe(get_form(form)))


# One path for both: API Gateway allows one variable name per path level.
@bp.route("/api/filings/{name}", methods=["POST"], content_types=ANY_BODY)
@api_errors
def submit(name: str) -> Response:
    """`name` is the form's id."""
    request = bp.current_request
    spec = get_form(name)
    raw = body(request)  # its size is checked before any route (web/limits.py)
    content_type = (request.headers.get("content-type") or "application/json").lower()
    if not content_type.startswith("application/json"):
        return json_response({"error": "unsupported_media_type"}, 415)
    lang = lang_of(request)
    try:
        data = json.loads(raw or b"null")
    except ValueError:
        message = "Body is not valid JSON" if lang == "en" else "请求内容不是有效的JSON"
        raise ValidationFailed({"_body": message}) from None
    fields = spec.validate(data, lang)
    # Counted in the submission's own transaction: a refused body stores nothing, not
    # even its count.
    receipt = submission.submit(
        spec,
        fields,
        idempotency_key=request.headers.get("idempotency-key") or None,
        digest=submission.body_digest(raw),
        source_ip=source_ip(request),
        lang=lang,
        rate_limited=True,
    )
    return json_response(receipt.as_json(), 201, {"Location": receipt.status_url})


@bp.route("/api/filings/{name}", methods=["GET"])
@api_errors
def filing_status(name: str) -> Response:
    """`name` is the filing's id."""
    token = query(bp.current_request, "token")
    filing = applicant.get_for_applicant(name, token)
    return json_response(applicant.status_view(filing))


@bp.route("/api/filings/{name}/withdraw", methods=["POST"], content_types=ANY_BODY)
@api_errors
def withdraw(name: str) -> Response:
    """The applicant withdraws filing `name` with the status link's token."""
    request = bp.current_request
    token = query(request, "token")
    filing = applicant.withdraw(name, token, source_ip(request))
    return json_response(applicant.status_view(filing))


@bp.route(
    "/api/filings/{name}/roster",
    methods=["POST"],
    content_types=[*ANY_BODY, "text/csv", rosters.XLSX],
)
def roster(name: str) -> Response:
    """An approved enterprise (filing `name`, its status token) files its charter's
    workers: 201 with each row's filing, or 400 with every bad row's errors."""
    request = bp.current_request
    raw = body(request)  # its size is checked before any route (web/limits.py)
    try:
        ratelimit.admit(source_ip(request), utcnow())  # an upload counts as one submission
        filed = rosters.submit(
            name,
            query(request, "token"),
            raw,
            (request.headers.get("content-type") or "text/csv").lower(),
            source_ip(request),
            lang_of(request),
        )
    except rosters.RosterRefused as refused:
        rows = {str(n): fields for n, fields in sorted(refused.rows.items())}
        return json_response({"error": "validation_error", "rows": rows}, 400)
    except DomainError as exc:
        return json_error(exc)
    return json_response({"rows": len(filed), "filings": [asdict(f) for f in filed]}, 201)


@bp.route("/api/filings/{name}/started", methods=["POST"], content_types=ANY_BODY)
@api_errors
def report_start(name: str) -> Response:
    """Approved enterprise filing `name` reports its start of work (开工):
    `{"started_on": "YYYY-MM-DD"}`, today in China when absent; 409 when reported already."""
    request = bp.current_request
    try:
        posted = json.loads(body(request) or b"{}")
    except ValueError:
        posted = None
    if not isinstance(posted, dict):
        raise ValidationFailed({"_body": "请求内容应为JSON对象"})
    filing = applicant.report_start(
        name,
        query(request, "token"),
        str(posted.get("started_on") or china_today().isoformat()),
        source_ip(request),
    )
    return json_response(applicant.status_view(filing))


@bp.route("/api/uploads", methods=["POST"], content_types=ANY_BODY)
@api_errors
def presign_upload() -> Response:
    """A presigned S3 POST for a form's upload field: `{"form", "field", "content_type"}`
    -> 201 `{"url", "fields", "key", "max_bytes"}`; POST the file there (multipart, the
    fields first, the file last), then name `key` in the filing. 400 naming a field the
    form does not upload or a content type it does not take."""

    request = bp.current_request
    lang = lang_of(request)
    try:
        posted = json.loads(body(request) or b"null")
    except ValueError:
        posted = None
    if not isinstance(posted, dict):
        raise ValidationFailed(
            {"_body": "请求内容应为JSON对象" if lang != "en" else "Send a JSON object"}
        )
    spec = get_form(str(posted.get("form", "")))
    post = uploads.presign(
        spec, str(posted.get("field", "")), str(posted.get("content_type", "")), lang
    )
    return json_response(post.as_json(), 201)
