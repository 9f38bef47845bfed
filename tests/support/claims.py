"""Shared by the integration tests of the enterprise claims: an approved enterprise,
a file uploaded as a phone would (the presigned POST), a decision with its inputs."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlencode

import requests

from chalicelib.settings import get_settings
from tests.support.stack import Stack

CSV = "text/csv"
PDF = "application/pdf"


def presign(stack: Stack, form: str, field: str, content_type: str) -> Any:
    return stack.post_json(
        "/api/uploads", {"form": form, "field": field, "content_type": content_type}
    )


def upload(stack: Stack, form: str, field: str, content: bytes, content_type: str = CSV) -> str:
    """The file sent to the presigned POST's address (moto answers it in process), as
    a browser's multipart form would; the key the filing then names."""
    answer = presign(stack, form, field, content_type)
    assert answer.status_code == 201, answer.body
    post = json.loads(answer.body)
    sent = requests.post(
        post["url"], data=post["fields"], files={"file": ("list", content)}, timeout=10
    )
    assert sent.status_code == 204, sent.text
    return str(post["key"])


def policy_of(post: dict[str, Any]) -> dict[str, Any]:
    """The POST policy S3 enforces, as signed into the form's fields."""
    return json.loads(base64.b64decode(post["fields"]["policy"]))


def decide(stack: Stack, path: str, decision: str, comment: str = "", **inputs: Any) -> Any:
    """A decision as the approver's page posts it: the decision, a comment, the inputs."""
    return stack.client.http.post(
        path,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
        body=urlencode({"decision": decision, "comment": comment, **inputs}).encode(),
    )


def post_page(stack: Stack, path: str, **form: Any) -> Any:
    """The same, wanting the page (inline errors) rather than JSON."""
    return stack.client.http.post(
        path,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(form).encode(),
    )


def bucket() -> str:
    return get_settings().bucket
