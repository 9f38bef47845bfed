"""The JSON API, under /api: the catalogue, submission, a filing's status, withdrawal
and start of work, rosters, uploads; for a staff link, the statistics and the stock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from chalice import Blueprint, Response

from chalicelib.core.clock import china_today
from chalicelib.core.errors import DomainError
from chalicelib.filing import rosters
from chalicelib.forms import FormSpec, all_forms, get_form
from chalicelib.web import admission
from chalicelib.web.request import (
    ANY_BODY,
    NotJson,
    body,
    header,
    json_body,
    json_object,
    lang_of,
    parse_json,
    query,
    source_ip,
)
from chalicelib.web.responses import api_errors, json_error, json_response
from chalicelib.web.staff_auth import staff_claim

if TYPE_CHECKING:
    from chalicelib.staff import access

bp = Blueprint(__name__)


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


@bp.route("/openapi.json", methods=["GET"])
def openapi_document() -> Response:
    """The API described (OpenAPI 3.1), generated from the form catalogue."""
    from chalicelib.web import openapi  # builds every form's JSON Schema: this route only

    return json_response(openapi.document())


@bp.route("/forms", methods=["GET"])
def list_forms() -> Response:
    return json_response([describe(spec) for spec in all_forms()])


@bp.route("/forms/{form}", methods=["GET"])
@api_errors
def show_form(form: str) -> Response:
    return json_response(describe(get_form(form)))


# One path for both: API Gateway allows one variable name per path level.
@bp.route("/filings/{name}", methods=["POST"], content_types=ANY_BODY)
@api_errors
def submit(name: str) -> Response:
    """`name` is the form's id."""
    from chalicelib.filing import enterprise_key, phone_proofs, resubmission, submission

    request = bp.current_request
    spec = get_form(name)
    raw = body(request)  # its size is checked before any route (web/size_limit.py)
    content_type = (request.headers.get("content-type") or "application/json").lower()
    if not content_type.startswith("application/json"):
        return json_response({"error": "unsupported_media_type"}, 415)
    lang = lang_of(request)
    sent, vouched = enterprise_key.resolve_codes(spec, json_body(request), lang)
    fields = spec.validate(sent, lang)
    data = fields.model_dump(mode="json")
    phone_proofs.check(spec, data, header(request, "phone-proof") or None, lang)
    enterprise_key.authorize(spec, data, header(request, "enterprise-token") or None, vouched)
    resubmits = query(request, "resubmits")  # 修改后重新提交, with the rejected one's token
    if resubmits:
        resubmission.rejected(spec, resubmits, query(request, "token"))
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
        resubmits=resubmits,
    )
    return json_response(receipt.as_json(), 201, {"Location": receipt.status_url})


@bp.route("/filings/{name}", methods=["GET"])
@api_errors
def filing_status(name: str) -> Response:
    """`name` is the filing's id."""
    from chalicelib.filing import applicant, worker_codes

    admission.admit(bp.current_request, "status")
    token = query(bp.current_request, "token")
    filing = applicant.get_for_applicant(name, token)
    view = applicant.status_view(filing)
    if filing.form == worker_codes.ENTERPRISE_FORM:
        view["worker_code"] = worker_codes.current(filing)  # 员工登记码, once approved
    if filing.resubmits:
        # the rejected filing it corrects, by its slip number (never its id)
        view["resubmits_slip_no"] = applicant.slip_no_of(filing.resubmits)
    return json_response(view)


@bp.route("/filings/{name}/withdraw", methods=["POST"], content_types=ANY_BODY)
@api_errors
def withdraw(name: str) -> Response:
    """The applicant withdraws filing `name` with the status link's token."""
    from chalicelib.filing import applicant

    request = bp.current_request
    token = query(request, "token")
    filing = applicant.withdraw(name, token, source_ip(request))
    return json_response(applicant.status_view(filing))


@bp.route(
    "/filings/{name}/roster",
    methods=["POST"],
    content_types=[*ANY_BODY, "text/csv", rosters.XLSX],
)
def roster(name: str) -> Response:
    """An approved enterprise (filing `name`, its status token) files its charter's
    workers: 201 with each row's filing, or 400 with every bad row's errors."""
    request = bp.current_request
    raw = body(request)  # its size is checked before any route (web/size_limit.py)
    try:
        admission.admit(request, "roster")
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
    return json_response({"rows": len(filed), "filings": [f._asdict() for f in filed]}, 201)


@bp.route("/filings/{name}/started", methods=["POST"], content_types=ANY_BODY)
@api_errors
def report_start(name: str) -> Response:
    """Approved enterprise filing `name` reports its start of work (开工):
    `{"started_on": "YYYY-MM-DD"}`, today in China when absent; 409 when reported already."""
    from chalicelib.filing import applicant

    request = bp.current_request
    posted = json_object(request, empty="{}")
    filing = applicant.report_start(
        name,
        query(request, "token"),
        str(posted.get("started_on") or china_today().isoformat()),
        source_ip(request),
    )
    return json_response(applicant.status_view(filing))


@bp.route("/uploads", methods=["POST"], content_types=ANY_BODY)
@api_errors
def presign_upload() -> Response:
    """A presigned S3 POST for a form's upload field: `{"form", "field", "content_type"}`
    -> 201 `{"url", "fields", "key", "max_bytes"}`; POST the file there (multipart, the
    fields first, the file last), then name `key` in the filing. 400 naming a field the
    form does not upload or a content type it does not take."""
    from chalicelib.filing import uploads

    request = bp.current_request
    lang = lang_of(request)
    admission.admit(request, "upload")
    posted = json_object(request)
    spec = get_form(str(posted.get("form", "")))
    post = uploads.presign(
        spec, str(posted.get("field", "")), str(posted.get("content_type", "")), lang
    )
    return json_response(post.as_json(), 201)


def _staff_claim() -> access.StaffClaim:
    """The staff link of a JSON call (chalicelib/web/staff_auth.py)."""
    return staff_claim(bp.current_request)


@bp.route("/stats", methods=["GET"])
@api_errors
def stats() -> Response:
    """The link's towns: filings, the drive's figures, each form's figures, the stock."""
    from chalicelib.staff import statistics

    return json_response(statistics.summary(_staff_claim()))


@bp.route("/stock/{town}", methods=["PUT"], content_types=ANY_BODY)
@api_errors
def set_stock(town: str) -> Response:
    """Set a town's levels, `{"masks": 3000, "disinfectant": 1000, "thermometers": 100}`
    (any of them): a town's office its own town, the district office any town."""
    from chalicelib.filing import stock

    claim = _staff_claim()
    # API Gateway may hand the path's Chinese on percent-encoded; a town has no "%".
    checked = claim.stock_town(unquote(town))
    request = bp.current_request
    try:
        sent = parse_json(body(request) or b"null")
    except NotJson:
        sent = None  # parse_levels names the body
    levels = stock.parse_levels(sent, lang_of(request))
    now = stock.set_levels(checked, levels, claim.name)
    return json_response({"town": checked, "stock": now})
