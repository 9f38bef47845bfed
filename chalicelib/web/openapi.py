"""The API's OpenAPI 3.1 document, generated from the form catalogue.

Each form's submission is its own path (`POST /api/filings/<form id>`) whose request
body is the form's JSON Schema, as pydantic writes it; the other calls are those of
the contract (README, "HTTP API"), with their answers and error bodies.
`GET /api/openapi.json` serves it; schemathesis tests the running stack against it
(tests/e2e/test_openapi_schemathesis.py).
"""

from __future__ import annotations

import functools
from typing import Any, get_args

from chalicelib.core.workflow import STATUSES, Decision
from chalicelib.forms import FormSpec, all_forms

JSON = "application/json"
HTML = "text/html"
FORM = "application/x-www-form-urlencoded"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = ["slip", "certificate", "docking_slip", "pass"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(description: str, schema: str | None = None, *, html: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {}
    if schema:
        content[JSON] = {"schema": _ref(schema)}
    if html:
        content[HTML] = {"schema": {"type": "string"}}
    return {"description": description, **({"content": content} if content else {})}


def _error(description: str, *, html: bool = False) -> dict[str, Any]:
    return _answer(description, "Error", html=html)


def _string(**more: Any) -> dict[str, Any]:
    return {"type": "string", **more}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(required: list[str], properties: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties, **more}


def schemas() -> dict[str, Any]:
    step = _object(
        ["id", "title", "title_en"],
        {"id": _string(), "title": _string(), "title_en": _string()},
    )
    return {
        "Form": _object(
            ["id", "title", "title_en", "steps", "schema"],
            {
                "id": _string(),
                "title": _string(),
                "title_en": _string(),
                "steps": {"type": "array", "items": step},
                "schema": {"type": "object", "description": "the form's fields, a JSON Schema"},
            },
        ),
        "Receipt": _object(
            ["filing_id", "slip_no", "status", "status_url", "submitted_at"],
            {
                "filing_id": _string(pattern="^[0-9a-f]{32}$"),
                "slip_no": _string(),
                "status": _string(enum=["submitted"]),
                "status_url": _string(),
                "submitted_at": _string(),
            },
        ),
        "FilingStatus": _object(
            ["filing_id", "form", "status", "steps", "documents"],
            {
                "filing_id": _string(),
                "form": _string(),
                "slip_no": _string(),
                "status": _string(enum=list(STATUSES)),
                "reason": _nullable(_string()),
                "submitted_at": _string(),
                "started_on": _nullable(_string()),
                "steps": {
                    "type": "array",
                    "items": _object(
                        ["id", "status", "decided_at", "comment"],
                        {
                            "id": _string(),
                            "title": _string(),
                            "title_en": _string(),
                            "status": _string(),
                            "decided_at": _nullable(_string()),
                            "comment": _nullable(_string()),
                        },
                    ),
                },
                "documents": {
                    "type": "array",
                    "items": _object(
                        ["kind", "url"], {"kind": _string(enum=KINDS), "url": _string()}
                    ),
                },
            },
        ),
        "Decided": _object(
            ["filing_id", "step", "decision"],
            {
                "filing_id": _string(),
                "step": _string(),
                # health_hold: a check-in with a fever or a symptom opened a follow-up
                # instead (the step stays open): chalicelib/filing/health.py
                "decision": _string(enum=[*get_args(Decision), "health_hold"]),
            },
        ),
        "Verification": _object(
            ["code", "kind", "status", "holder", "valid_from", "valid_to"],
            {
                "code": _string(),
                "kind": _string(enum=KINDS),
                "status": _string(
                    enum=list(
                        dict.fromkeys(["valid", "expired", "not_yet_valid", "suspended", *STATUSES])
                    ),
                    description="a slip (a receipt, never valid) reports its filing's status",
                ),
                "holder": _string(description="masked where it names a person"),
                "valid_from": _string(),
                "valid_to": _nullable(_string()),
            },
        ),
        "OutboxMessage": _object(
            ["channel", "to", "subject", "text", "links", "filing_id"],
            {
                "channel": _string(),
                "to": _string(),
                "subject": _string(),
                "text": _string(),
                "links": {"type": "array", "items": _string()},
                "filing_id": _string(),
                "step": _nullable(_string()),  # a message about no step: a stock refusal
            },
        ),
        # Every refusal: a code, and what it needs (fields named, a limit, a wait, ...).
        "Error": _object(
            ["error"],
            {
                "error": _string(),
                "message": _string(description="Chinese first"),
                "fields": {"type": "object", "additionalProperties": _string()},
                "rows": {"type": "object"},
                # a link's (expired, used, superseded), or a phone code's refusal
                "reason": _string(
                    enum=["expired", "used", "superseded", "wrong", "too_many_tries"]
                ),
                "filing_id": _string(),
                "slip_no": _string(description="a duplicate's first filing: its slip number"),
                "sent_to": _string(description="whom the first filing's link was sent to"),
                "limit": {"type": "integer"},
                "retry_after": {"type": "integer"},
                # a 403: the field that names an enterprise without its Enterprise-Token
                "field": _string(),
            },
        ),
        **checkpoint_schemas(),
        "Decision": _object(
            ["decision"],
            {
                "decision": _string(enum=list(get_args(Decision))),
                "comment": _string(maxLength=500, description="required to reject"),
                # a check-in's health (chalicelib/forms/checkin.py); other steps ignore them
                "temperature": _string(
                    pattern=r"^[0-9]{2}(\.[0-9])?$", description="°C, 35.0..42.0"
                ),
                "symptoms": _string(
                    pattern="^[a-z_]+(,[a-z_]+)*$", description="codes, comma-separated, or none"
                ),
            },
            # a send-back (退回补正) names each field with its comment: correct.<field>
            patternProperties={r"^correct\.": _string(maxLength=200)},
            additionalProperties=False,
        ),
    }


def _token(description: str, required: bool = False) -> dict[str, Any]:
    return {
        "name": "token",
        "in": "query",
        "required": required,
        "description": description,
        "schema": _string(),
    }


def _path(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": _string(minLength=1),
    }


TOO_LARGE = _error("the body is over the route's limit (64 KiB): refused before it is parsed")
RETRY_AFTER = {
    "Retry-After": {
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
        "description": "seconds to wait",
    }
}


def _limited(description: str, *, html: bool = False) -> dict[str, Any]:
    """429: the client address's window of this kind of call is full this minute."""
    return {**_error(description, html=html), "headers": RETRY_AFTER}


def _unavailable(path: str) -> dict[str, Any]:
    """503 (any route): AWS did not answer in time; nothing was done, try again."""
    answer = _error(
        "AWS did not answer in time (a brown-out): nothing was done",
        html=not path.startswith("/api/"),
    )
    if not path.startswith("/api/"):  # a page, whatever the client accepts
        answer["content"] = {HTML: {"schema": {"type": "string"}}}
    return {**answer, "headers": RETRY_AFTER}


def submission(spec: FormSpec) -> dict[str, Any]:
    return {
        "post": {
            "operationId": f"submit-{spec.id}",
            "summary": f"{spec.title} ({spec.title_en}): file one",
            "parameters": [
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "the same key and body again: the same answer, stored once",
                    "schema": _string(),
                    # JSON Schema cannot say it: a key names one body (another: 422).
                    "x-unique-per-body": True,
                },
                *_applicant_keys(spec),
            ],
            "requestBody": {"required": True, "content": {JSON: {"schema": spec.json_schema()}}},
            "responses": {
                "201": {
                    **_answer("filed: the slip", "Receipt"),
                    "headers": {"Location": {"schema": _string(), "description": "status link"}},
                },
                "400": _error("every bad field named, in Chinese (English under Accept-Language)"),
                "403": _error(
                    "the enterprise it names without that enterprise's Enterprise-Token, or a "
                    "resubmission without the rejected filing's token"
                ),
                "409": _error(
                    "an open filing of this form already (its slip number named, never its id), "
                    "or a resubmission of a filing that was not rejected"
                ),
                "413": TOO_LARGE,
                "415": _error("not JSON"),
                "422": _error("the Idempotency-Key came before with another body"),
                "429": _limited("too many submissions from this address this minute"),
            },
        }
    }


def _applicant_keys(spec: FormSpec) -> list[dict[str, Any]]:
    """A submission's proofs: the phone's (every form naming one), the enterprise's (a
    form naming one), and the rejected filing a resubmission corrects."""
    found = []
    if spec.applicant_phone_field:
        found.append(
            {
                "name": "Phone-Proof",
                "in": "header",
                "required": True,
                "description": "the proof from POST /api/phone-codes/verify for the filing's "
                f"`{spec.applicant_phone_field}`; without a valid one 400 naming that field",
                "schema": _string(),
            }
        )
    if any(ref.form == "enterprise-resumption" for ref in spec.references.values()):
        found.append(
            {
                "name": "Enterprise-Token",
                "in": "header",
                "required": False,
                "description": "the status token of the enterprise the filing names (a "
                "worker may name it by `employer_code` instead); without a valid one 403",
                "schema": _string(),
            }
        )
    found.append(
        {
            "name": "resubmits",
            "in": "query",
            "required": False,
            "description": "修改后重新提交: the rejected filing this one corrects (with `token`)",
            "schema": _string(),
        }
    )
    found.append(_token("with `resubmits`: the rejected filing's status token"))
    return found


def _draft_paths() -> dict[str, Any]:
    """Drafts (web/draft_api.py): a form's answers kept as typed, 7 days."""
    answer = _string(description="as a page posts it: text, `true` for a ticked box")
    values = {"type": "object", "additionalProperties": answer}
    kept = {
        "draft_id": _string(),
        "form": _string(),
        "values": values,
        "expires_at": _string(format="date-time"),
    }
    posted = {
        "form": _string(minLength=1, description="a form's id, as in GET /api/forms"),
        "values": {
            "type": "object",
            "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
            "description": "the answers as typed, unvalidated; they must name the form's phone",
        },
    }
    saved = {
        "draft_id": _string(),
        "url": _string(description="the page that continues the draft, sent by SMS"),
        "sent_to": _string(description="the phone the link was sent to, masked"),
        "expires_at": _string(format="date-time"),
    }
    return {
        "/api/drafts": {
            "post": {
                "operationId": "save-draft",
                "summary": "keep a form's answers as typed; its link goes by SMS to its phone",
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": _object(["form", "values"], posted)}},
                },
                "responses": {
                    "201": {
                        "description": "kept for 7 days",
                        "content": {JSON: {"schema": _object(list(saved), saved)}},
                    },
                    "400": _error("no form, answers that are not an object, or no phone"),
                    "404": _error("unknown form"),
                    "413": TOO_LARGE,
                    "429": _limited("too many drafts from this address this minute"),
                },
            }
        },
        "/api/drafts/{draft_id}": {
            "get": {
                "operationId": "read-draft",
                "summary": "a draft's answers, within its 7 days",
                "parameters": [_path("draft_id", "the draft's id, from its link")],
                "responses": {
                    "200": {
                        "description": "the draft",
                        "content": {JSON: {"schema": _object(list(kept), kept)}},
                    },
                    "404": _error("no such draft, or past its 7 days"),
                    "429": _limited("too many calls from this address this minute"),
                },
            }
        },
    }


def _phone_paths() -> dict[str, Any]:
    phone = {
        "phone": _string(
            description="a mainland mobile number (+86, spaces and dashes are taken too)",
            pattern=r"^1[3-9][0-9]{9}$",
        )
    }
    purpose = {"purpose": _string(enum=["filing", "my"], default="filing")}
    limited = {
        **_error("too many codes: a resend within 60 s, or a day's cap per number or address"),
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}},
    }
    body = {
        "required": True,
        "content": {JSON: {"schema": _object(["phone"], {**phone, **purpose})}},
    }
    verify_body = _object(
        ["phone", "code"], {**phone, "code": _string(pattern="^[0-9]{6}$"), **purpose}
    )
    listed = _object(
        ["filing_id", "slip_no", "form", "status", "submitted_at", "status_url"],
        {
            k: _string()
            for k in ("filing_id", "slip_no", "form", "status", "submitted_at", "status_url")
        },
    )
    return {
        "/api/phone-codes": {
            "post": {
                "operationId": "ask-phone-code",
                "summary": "send a six-digit SMS code to a phone (10 minutes, 5 tries, once)",
                "requestBody": body,
                "responses": {
                    "202": {
                        "description": "sent; the seconds before another may be asked",
                        "content": {
                            JSON: {
                                "schema": _object(
                                    ["retry_after"], {"retry_after": {"type": "integer"}}
                                )
                            }
                        },
                    },
                    "400": _error("not a mainland mobile number, or an unknown purpose"),
                    "413": TOO_LARGE,
                    "429": limited,
                },
            }
        },
        "/api/phone-codes/verify": {
            "post": {
                "operationId": "verify-phone-code",
                "summary": "redeem a code for a proof (Phone-Proof), good for 30 minutes",
                "requestBody": {"required": True, "content": {JSON: {"schema": verify_body}}},
                "responses": {
                    "200": {
                        "description": "the proof",
                        "content": {
                            JSON: {
                                "schema": _object(
                                    ["proof", "expires_at"],
                                    {"proof": _string(), "expires_at": _string(format="date-time")},
                                )
                            }
                        },
                    },
                    "400": _error("a wrong, used or expired code (`code_refused`, its `reason`)"),
                    "413": TOO_LARGE,
                    "429": limited,
                },
            }
        },
        "/api/my/filings": {
            "post": {
                "operationId": "my-filings",
                "summary": "我的办件: a proven phone's filings, newest first",
                "parameters": [
                    {
                        "name": "Phone-Proof",
                        "in": "header",
                        "required": True,
                        "description": "a proof of purpose `my`",
                        "schema": _string(),
                    }
                ],
                "requestBody": {
                    "required": False,
                    "content": {JSON: {"schema": _object([], {"slip_no": _string()})}},
                },
                "responses": {
                    "200": {
                        "description": "the filings, each with its status link",
                        "content": {
                            JSON: {
                                "schema": _object(
                                    ["filings"], {"filings": {"type": "array", "items": listed}}
                                )
                            }
                        },
                    },
                    "400": _error("a body that is not a JSON object"),
                    "403": _error("no valid proof of purpose `my`"),
                    "404": _error("no filing of that slip number for this phone"),
                    "413": TOO_LARGE,
                    "429": limited,
                },
            }
        },
    }


def paths() -> dict[str, Any]:
    filing = _path("filing_id", "the filing's id, from its slip")
    status_token = _token("the status link's token")
    found: dict[str, Any] = {
        "/api/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "this document",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {JSON: {}}}},
            }
        },
        "/api/forms": {
            "get": {
                "operationId": "list-forms",
                "summary": "the form catalogue",
                "responses": {
                    "200": {
                        "description": "every form, with its steps and JSON Schema",
                        "content": {JSON: {"schema": {"type": "array", "items": _ref("Form")}}},
                    }
                },
            }
        },
        "/api/forms/{form}": {
            "get": {
                "operationId": "show-form",
                "parameters": [_path("form", "a form's id")],
                "responses": {"200": _answer("the form", "Form"), "404": _error("unknown form")},
            }
        },
    }
    for spec in all_forms():
        found[f"/api/filings/{spec.id}"] = submission(spec)
    found["/api/filings/{filing_id}"] = {
        "get": {
            "operationId": "filing-status",
            "summary": "a filing's status and documents, for its applicant",
            "parameters": [filing, status_token],
            "responses": {
                "200": _answer("the filing", "FilingStatus"),
                "403": _error("missing or wrong token"),
                "404": _error("no such filing"),
                "429": _limited("too many status reads from this address this minute"),
            },
        }
    }
    applicant_post = {"content": {JSON: {"schema": {}}}, "required": False}
    found["/api/filings/{filing_id}/withdraw"] = {
        "post": {
            "operationId": "withdraw",
            "parameters": [filing, status_token],
            "requestBody": applicant_post,
            "responses": {
                "200": _answer("withdrawn", "FilingStatus"),
                "403": _error("missing or wrong token"),
                "404": _error("no such filing"),
                "409": _error("the filing has ended"),
                "413": TOO_LARGE,
            },
        }
    }
    found["/api/filings/{filing_id}/started"] = {
        "post": {
            "operationId": "report-start",
            "summary": "an approved enterprise reports its start of work (开工)",
            "parameters": [filing, status_token],
            "requestBody": {
                "required": False,
                "content": {
                    JSON: {
                        "schema": {
                            "type": "object",
                            "properties": {"started_on": _string(format="date")},
                        }
                    }
                },
            },
            "responses": {
                "200": _answer("reported", "FilingStatus"),
                "400": _error("not a date, or not an object"),
                "403": _error("missing or wrong token"),
                "404": _error("no such filing"),
                "409": _error("not an approved enterprise filing, or reported already"),
                "413": TOO_LARGE,
            },
        }
    }
    found["/api/filings/{filing_id}/roster"] = {
        "post": {
            "operationId": "roster",
            "summary": "an approved enterprise files a charter's workers: CSV or XLSX",
            "parameters": [filing, status_token],
            "requestBody": {
                "required": True,
                "content": {
                    "text/csv": {"schema": _string()},
                    XLSX: {"schema": _string(contentMediaType=XLSX)},
                },
            },
            "responses": {
                "201": {
                    "description": "a filing per row",
                    "content": {
                        JSON: {
                            "schema": _object(
                                ["rows", "filings"],
                                {
                                    "rows": {"type": "integer"},
                                    "filings": {"type": "array", "items": {"type": "object"}},
                                },
                            )
                        }
                    },
                },
                "400": _error("every bad row's errors, or an unreadable file"),
                "403": _error("missing or wrong token"),
                "404": _error("no such filing"),
                "409": _error("not an approved enterprise filing"),
                "413": _error("the file is over 4 MiB"),
                "429": _limited("too many roster uploads from this address this minute"),
            },
        }
    }
    link = _path("token", "the approval link's signed token")
    refused = {
        "403": _error("tampered", html=True),
        "410": _error("expired, used, or no longer current", html=True),
    }
    found["/approve/{token}"] = {
        "get": {
            "operationId": "show-approval",
            "summary": "the approver's page: changes nothing",
            "parameters": [link],
            "responses": {"200": _answer("the filing and a form", html=True), **refused},
        },
        "post": {
            "operationId": "decide",
            "summary": "decide once (JSON answer under Accept: application/json)",
            "parameters": [link],
            "requestBody": {
                "required": True,
                "content": {FORM: {"schema": _ref("Decision")}, JSON: {"schema": _ref("Decision")}},
            },
            "responses": {
                "200": _answer("decided", "Decided", html=True),
                "400": _error("a rejection must say why", html=True),
                **refused,
                "409": _error("not a decision this step takes", html=True),
                "413": _error("the body is over 64 KiB", html=True),
                "429": _limited(
                    "too many approval POSTs from this address this minute (a decision counts "
                    "in its own transaction, and is then not recorded)",
                    html=True,
                ),
            },
        },
    }
    found.update(_workbench())
    # A staff link's token: in the query (`token`, as the link carries it) or a bearer.
    staff: list[dict[str, list[str]]] = [{"staffLink": []}, {"staffBearer": []}]
    found["/api/uploads"] = {
        "post": {
            "operationId": "presign-upload",
            "summary": "a presigned S3 POST for a form's upload field; the filing names its key",
            "requestBody": {
                "required": True,
                "content": {
                    JSON: {
                        "schema": _object(
                            ["form", "field", "content_type"],
                            {
                                "form": _string(),
                                "field": _string(),
                                "content_type": _string(),
                            },
                        )
                    }
                },
            },
            "responses": {
                "201": {
                    "description": "POST the file to `url` with `fields`, then name `key`",
                    "content": {
                        JSON: {
                            "schema": _object(
                                ["url", "fields", "key", "max_bytes"],
                                {
                                    "url": _string(),
                                    "fields": {
                                        "type": "object",
                                        "additionalProperties": _string(),
                                    },
                                    "key": _string(),
                                    "max_bytes": {"type": "integer"},
                                },
                            )
                        }
                    },
                },
                "400": _error("a field the form does not upload, or a type it does not take"),
                "404": _error("unknown form"),
                "413": TOO_LARGE,
                "429": _limited(
                    "too many presigned uploads from this address this minute (the form "
                    "pages' upload forms count too)"
                ),
            },
        }
    }
    found["/api/stats"] = {
        "get": {
            "operationId": "statistics",
            "summary": "the link's towns: filings by form, town and status; the drive's "
            "figures; each form's figures; the stock; the daily return-to-work rate "
            "(workers.at_work, workers.at_work_rate; a town's link also "
            "at_work_by_enterprise)",
            "security": staff,
            "responses": {
                "200": {
                    "description": "the figures",
                    "content": {JSON: {"schema": {"type": "object"}}},
                },
                "403": _error("missing or wrong staff link"),
                "410": _error("the staff link has expired"),
            },
        }
    }
    found["/api/stock/{town}"] = {
        "put": {
            "operationId": "set-stock",
            "summary": "set a town's stock levels (a town's office its own town)",
            "parameters": [_path("town", "the town's name")],
            "security": staff,
            "requestBody": {
                "required": True,
                "content": {
                    JSON: {
                        "schema": {
                            "type": "object",
                            "properties": {
                                item: {"type": "integer", "minimum": 0}
                                for item in ("masks", "disinfectant", "thermometers")
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "the town's levels now",
                    "content": {JSON: {"schema": {"type": "object"}}},
                },
                "400": _error("a level that is not a whole number of at least 0"),
                "403": _error("missing or wrong staff link, or another town's"),
                "404": _error("unknown town"),
                "410": _error("the staff link has expired"),
                "413": TOO_LARGE,
            },
        }
    }
    found.update(_phone_paths())
    found.update(_draft_paths())
    found["/api/filings/{filing_id}/worker-code"] = {
        "post": {
            "operationId": "worker-code",
            "summary": "an approved enterprise's 员工登记码 issued anew or revoked",
            "parameters": [filing, _token("the enterprise's status token", required=True)],
            "requestBody": {
                "required": False,
                "content": {
                    JSON: {
                        "schema": _object(
                            [], {"action": _string(enum=["reissue", "revoke"], default="reissue")}
                        )
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "the code now (null once revoked)",
                    "content": {
                        JSON: {
                            "schema": _object(
                                ["worker_code"], {"worker_code": _nullable(_string())}
                            )
                        }
                    },
                },
                "400": _error("an unknown action"),
                "403": _error("missing or wrong token"),
                "404": _error("no such filing"),
                "409": _error("not an approved enterprise filing"),
                "413": TOO_LARGE,
            },
        }
    }
    found["/verify/{code}"] = {
        "get": {
            "operationId": "verify",
            "summary": "a document's standing (JSON under Accept: application/json)",
            "parameters": [_path("code", "the code under the QR")],
            "responses": {
                "200": _answer(
                    "valid, expired, revoked or not yet valid", "Verification", html=True
                ),
                "404": _error("no such document", html=True),
                "429": _limited("too many look-ups from this address this minute", html=True),
            },
        }
    }
    found.update(checkpoint_paths())
    found.update(_observation(filing, status_token))
    found["/dev/outbox"] = {
        "get": {
            "operationId": "outbox",
            "summary": "every message sent, oldest first: the local stage only",
            "responses": {
                "200": {
                    "description": "the outbox",
                    "content": {
                        JSON: {"schema": {"type": "array", "items": _ref("OutboxMessage")}}
                    },
                },
                "404": _error("every stage but local"),
            },
        }
    }
    # The risk map's versions (issue 17: chalicelib/web/risk_api.py, chalicelib/core/risk.py)
    risk_map = {
        "type": "object",
        "description": "version, published, default_level, "
        "counties (code -> level), rules (may_return, isolation_first, "
        "charter_accepts, refused_health_codes)",
    }
    found["/api/risk-maps"] = {
        "post": {
            "operationId": "upload-risk-map",
            "summary": "a new version of the county risk map (the district office's link): "
            "CSV `code,level` (the rules carried over) or JSON {published, default_level, "
            "counties, rules}; validated whole",
            "security": staff,
            "requestBody": {
                "required": True,
                "content": {
                    "text/csv": {"schema": _string()},
                    JSON: {"schema": risk_map},
                },
            },
            "responses": {
                "201": {
                    "description": "the version stored: version, published, default_level, "
                    "counties (how many), by_level, rules",
                    "content": {JSON: {"schema": {"type": "object"}}},
                },
                "400": _error(
                    "the upload's problems, each named (counties.<code>, counties.line <n>, "
                    "rules.<name>, published, default_level, file); nothing stored"
                ),
                "403": _error("missing or wrong staff link, or a town's"),
                "410": _error("the staff link has expired"),
                "413": TOO_LARGE,
            },
        }
    }
    found["/api/risk-maps/current"] = {
        "get": {
            "operationId": "current-risk-map",
            "summary": "the county risk map in force, whole (builtin before the first upload)",
            "responses": {
                "200": {"description": "the map", "content": {JSON: {"schema": risk_map}}},
            },
        }
    }
    for path, operations in found.items():
        for operation in operations.values():
            operation["responses"].setdefault("503", _unavailable(path))
    return found


def checkpoint_schemas() -> dict[str, Any]:
    """The offline checkpoints' lists and scan log (issue 16)."""
    codes = {"type": "array", "items": _string()}
    jwk = _object(["kty", "crv", "x", "y"], {k: _string() for k in ("kty", "crv", "x", "y")})
    key = _object(
        ["kid", "jwk", "valid_from", "valid_to", "issuer"],
        {
            "kid": _string(description="base64url of the key id (COSE kid)"),
            "jwk": jwk,
            "valid_from": _string(format="date"),
            "valid_to": _nullable(_string(format="date")),
            "issuer": _string(),
        },
    )
    lists = ("revoked", "withdrawn", "suspended", "employers", "removed")
    scan = _object(
        ["id", "code", "at", "result"],
        {
            "id": _string(pattern="^[A-Za-z0-9-]{8,64}$", description="the device's id of it"),
            "code": _string(pattern="^[A-Z0-9]{4,32}$"),
            "at": _string(format="date-time"),
            "result": _string(enum=["valid", "not_yet_valid", "invalid"]),
            "reason": _nullable(_string(pattern="^[a-z_]{1,32}$")),
        },
    )
    return {
        "TrustList": _object(
            ["version", "issued_at", "keys"],
            {
                "version": {"type": "integer"},
                "issued_at": _string(),
                "keys": {"type": "array", "items": key},
            },
        ),
        "Revocations": _object(
            ["version", "since", "issued_at", "signature", *lists],
            {
                "version": {"type": "integer"},
                "since": {"type": "integer", "description": "0: the whole list"},
                "issued_at": _string(),
                "signature": _string(description="base64url COSE_Sign1, payload detached"),
                **{name: codes for name in lists},
            },
        ),
        "Scans": _object(
            ["checkpoint", "scans"],
            {
                "checkpoint": _string(description="the checkpoint link's token"),
                "scans": {"type": "array", "items": scan, "minItems": 1, "maxItems": 100},
            },
        ),
        "ScansRecorded": _object(
            ["accepted", "duplicates", "flagged"],
            {k: {"type": "integer"} for k in ("accepted", "duplicates", "flagged")},
        ),
    }


def checkpoint_paths() -> dict[str, Any]:
    cached = {"ETag": {"schema": _string()}, "Cache-Control": {"schema": _string()}}
    return {
        "/api/trust-list": {
            "get": {
                "operationId": "trust-list",
                "summary": "the offline seal's public keys by key id, ours and imported",
                "responses": {"200": {**_answer("the trust list", "TrustList"), "headers": cached}},
            }
        },
        "/api/revocations": {
            "get": {
                "operationId": "revocations",
                "summary": "the signed revocation list, or what changed after a version",
                "parameters": [
                    {
                        "name": "since",
                        "in": "query",
                        "required": False,
                        "description": "a version held: only what changed after it",
                        "schema": _string(pattern="^[0-9]{1,12}$"),
                    }
                ],
                "responses": {
                    "200": {**_answer("the list or its delta", "Revocations"), "headers": cached},
                    "400": _error("since is not a version number"),
                },
            }
        },
        "/api/scans": {
            "post": {
                "operationId": "post-scans",
                "summary": "a checkpoint's queued scans, each stored once by its id",
                "requestBody": {"required": True, "content": {JSON: {"schema": _ref("Scans")}}},
                "responses": {
                    "200": _answer("stored, or already stored", "ScansRecorded"),
                    "400": _error("a bad scan, each named (scans[i].field); nothing stored"),
                    "403": _error("missing or wrong checkpoint link"),
                    "410": _error("the checkpoint link has expired"),
                    "413": TOO_LARGE,
                    "415": _error("not JSON"),
                },
            }
        },
    }


def _observation(filing: dict[str, Any], token: dict[str, Any]) -> dict[str, Any]:
    """Issue 17's days of observation: a worker's daily report from the status link (a
    page; JSON under Accept: application/json)."""
    health = _object(
        ["temperature", "symptoms"],
        {
            "temperature": _string(pattern=r"^[0-9]{2}(\.[0-9])?$", description="°C, 35.0..42.0"),
            "symptoms": _string(
                pattern="^[a-z_]+(,[a-z_]+)*$", description="codes, comma-separated, or none"
            ),
        },
    )
    reported = _object(
        ["day", "recorded", "held"],
        {
            "day": _string(format="date"),
            "recorded": {"type": "boolean"},
            "held": {"type": "boolean", "description": "a health follow-up is open"},
        },
    )
    refused = {
        "403": _error("missing or wrong token", html=True),
        "404": _error("no such filing", html=True),
        "409": _error("not in the days of observation (no pass, or after them)", html=True),
        "429": _limited("too many status reads from this address this minute", html=True),
    }
    rows = {
        "type": "object",
        "description": "t.<worker filing id> (°C) and s.<worker filing id> (a symptom, or none)",
        "patternProperties": {r"^[ts]\.[0-9a-f]{32}$": _string(maxLength=20)},
        "additionalProperties": False,
    }
    return {
        "/filings/{filing_id}/workers-report": {
            "get": {
                "operationId": "observation-workers-page",
                "summary": "an enterprise's workers under observation, a row each (its token)",
                "parameters": [filing, token],
                "responses": {"200": _answer("the page", html=True), **refused},
            },
            "post": {
                "operationId": "observation-workers-report",
                "summary": "today's reports for the rows filled in, by the enterprise",
                "parameters": [filing, token],
                "requestBody": {"required": True, "content": {FORM: {"schema": rows}}},
                "responses": {
                    "200": {
                        "description": "each row's outcome, by worker filing id",
                        "content": {
                            JSON: {"schema": _object(["results"], {"results": {"type": "object"}})},
                            HTML: {"schema": _string()},
                        },
                    },
                    "400": _error(
                        "a row naming anyone but its workers under observation", html=True
                    ),
                    **refused,
                },
            },
        },
        "/filings/{filing_id}/report": {
            "get": {
                "operationId": "observation-page",
                "summary": "the days of observation: done, left, today's report form",
                "parameters": [filing, token],
                "responses": {"200": _answer("the page", html=True), **refused},
            },
            "post": {
                "operationId": "observation-report",
                "summary": "today's report (China day), one a worker a day",
                "parameters": [filing, token],
                "requestBody": {"required": True, "content": {FORM: {"schema": health}}},
                "responses": {
                    "201": {
                        "description": "recorded (a fever or a symptom suspends the pass)",
                        "content": {JSON: {"schema": reported}, HTML: {"schema": _string()}},
                    },
                    "200": {
                        "description": "today's report was in already: nothing recorded",
                        "content": {JSON: {"schema": reported}, HTML: {"schema": _string()}},
                    },
                    "400": _error("a bad temperature or symptoms, each named", html=True),
                    **refused,
                },
            },
        },
    }


@functools.cache
def _workbench() -> dict[str, Any]:
    """The workbench's JSON answers (Accept: application/json); its pages answer HTML,
    and without a session 303 to /work/sign-in."""
    signed_out = {
        "303": {"description": "no session: to /work/sign-in"},
        "401": _error("no session (a JSON client)"),
    }
    listed = {"type": "array", "items": {"type": "object"}}
    cursor = {"name": "cursor", "in": "query", "required": False, "schema": _string()}
    return {
        "/work": {
            "get": {
                "operationId": "work-list",
                "summary": "the signed-in official's open steps, oldest first, a page at a time",
                "parameters": [
                    *(
                        {"name": n, "in": "query", "required": False, "schema": _string()}
                        for n in ("form", "step", "town", "late")
                    ),
                    cursor,
                ],
                "responses": {
                    "200": {
                        "description": "a page: each task's link is its /approve/ page",
                        "content": {
                            JSON: {
                                "schema": _object(
                                    ["tasks", "next"],
                                    {"tasks": listed, "next": _nullable(_string())},
                                )
                            },
                            HTML: {"schema": {"type": "string"}},
                        },
                    },
                    **signed_out,
                },
            }
        },
        "/work/checkin": {
            "get": {
                "operationId": "work-checkin",
                "summary": "a docking slip's code (or its QR's address) -> 303 to the village "
                "check-in's /approve/ page; without `code`, the page that asks for it",
                "parameters": [
                    {"name": "code", "in": "query", "required": False, "schema": _string()}
                ],
                "responses": {
                    "200": {
                        "description": "JSON: the check-in's approval address; HTML: the form",
                        "content": {
                            JSON: {"schema": _object(["url"], {"url": _string()})},
                            HTML: {"schema": {"type": "string"}},
                        },
                    },
                    "403": _error("the worker lodges outside the official's towns", html=True),
                    "404": _error("no such docking slip", html=True),
                    "410": _error("the check-in is not open (done, or not yet)", html=True),
                    **signed_out,
                },
            }
        },
        # The workbench's form posts (/work/bulk, reassign, lodging, health, sign-in) are
        # its pages' own, behind the session cookie and its SameSite rule: not an API.
        "/work/lodging": {
            "get": {
                "operationId": "work-lodging",
                "summary": "the official's workers under observation today, to confirm at the "
                "lodging (a page)",
                "responses": {
                    "200": {"description": "the page", "content": {HTML: {"schema": _string()}}},
                    **signed_out,
                },
            },
        },
        "/work/health/{filing_id}": {
            "get": {
                "operationId": "work-follow-up",
                "summary": "a worker's health follow-up (a page)",
                "parameters": [
                    {"name": "filing_id", "in": "path", "required": True, "schema": _string()}
                ],
                "responses": {
                    "200": {"description": "the page", "content": {HTML: {"schema": _string()}}},
                    "403": _error("outside the official's towns", html=True),
                    "404": _error("no follow-up for that filing", html=True),
                    **signed_out,
                },
            },
        },
        "/work/search": {
            "get": {
                "operationId": "work-search",
                "summary": "a slip number, a name's beginning, a credit code, a phone or ID "
                "number, within the official's scope",
                "parameters": [
                    {"name": "q", "in": "query", "required": False, "schema": _string()},
                    cursor,
                ],
                "responses": {
                    "200": {
                        "description": "a page of results",
                        "content": {
                            JSON: {
                                "schema": _object(
                                    ["kind", "results", "next"],
                                    {
                                        "kind": _string(),
                                        "results": listed,
                                        "next": _nullable(_string()),
                                    },
                                )
                            },
                            HTML: {"schema": {"type": "string"}},
                        },
                    },
                    **signed_out,
                },
            }
        },
    }


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "婺城家服务 Jiafuwu",
            "version": "1",
            "description": "复工备案与人员返婺：提交、审核、核验。Filings, approvals, checks.",
        },
        "paths": paths(),
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "staffLink": {
                    "type": "apiKey",
                    "in": "query",
                    "name": "token",
                    "description": "a staff link's token, as the dashboard link carries it",
                },
                "staffBearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }
