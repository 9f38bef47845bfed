"""The S3 key layout and the documents bucket.

Objects under the event prefixes are immutable records that also drive the
workflow: the bucket notifies the events queue for each of them.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from chalicelib.settings import get_settings
from chalicelib.store import aws

FILINGS = "filings/"  # filings/<form>/<filing_id>.json: the snapshot a slip answers for
DECISIONS = "decisions/"  # decisions/<filing_id>/<step>.json: one step decided
APPROVED = "approved/"  # approved/<filing_id>/<kind>.json: a stage approved, a document due
DOCUMENTS = "documents/"  # documents/<filing_id>/<kind>-<code>.pdf: no event
EXPORTS = "exports/"  # exports/<form>/<time>-<random>.<csv|xlsx>: a staff download, kept a day
UPLOADS = "uploads/"  # uploads/<form>/<field>/<random>.<ext>: an applicant's file, no event
EVENT_PREFIXES = (FILINGS, DECISIONS, APPROVED)


def filing_key(form: str, filing_id: str) -> str:
    return f"{FILINGS}{form}/{filing_id}.json"


def decision_key(filing_id: str, step: str, link_gen: int = 1) -> str:
    """A step decided again (reopened, with a new link) gets a record of its own."""
    again = f"@{link_gen}" if link_gen > 1 else ""
    return f"{DECISIONS}{filing_id}/{step}{again}.json"


def approved_key(filing_id: str, kind: str) -> str:
    return f"{APPROVED}{filing_id}/{kind}.json"


def document_key(filing_id: str, kind: str, code: str) -> str:
    return f"{DOCUMENTS}{filing_id}/{kind}-{code}.pdf"


def export_key(form: str, ext: str) -> str:
    import secrets

    from chalicelib.core.ids import utcnow

    return f"{EXPORTS}{form}/{utcnow():%Y%m%dT%H%M%S}-{secrets.token_hex(8)}.{ext}"


def parse_event_key(raw_key: str) -> tuple[str, list[str]]:
    """An S3 event's key (URL-encoded, '+' for spaces) -> (prefix, its parts)."""
    key = unquote_plus(raw_key)
    for prefix in EVENT_PREFIXES:
        if key.startswith(prefix):
            parts = key[len(prefix) :].removesuffix(".json").split("/")
            return prefix, parts
    return "", [key]


def put_json(key: str, body: dict[str, Any]) -> None:
    data = json.dumps(body, ensure_ascii=False, sort_keys=True, default=str).encode()
    aws.client("s3").put_object(
        Bucket=get_settings().bucket, Key=key, Body=data, ContentType="application/json"
    )


def put_pdf(key: str, pdf: bytes) -> None:
    aws.client("s3").put_object(
        Bucket=get_settings().bucket, Key=key, Body=pdf, ContentType="application/pdf"
    )


def put_export(key: str, body: bytes, content_type: str) -> None:
    aws.client("s3").put_object(
        Bucket=get_settings().bucket, Key=key, Body=body, ContentType=content_type
    )


def download_url(
    key: str,
    filename: str,
    seconds: int = 300,
    content_type: str = "application/pdf",
    disposition: str = "inline",
) -> str:
    """A short-lived address of one private object, served as `filename`."""
    return str(
        aws.client("s3").generate_presigned_url(
            "get_object",
            Params={
                "Bucket": get_settings().bucket,
                "Key": key,
                "ResponseContentDisposition": f"{disposition}; filename={filename}",
                "ResponseContentType": content_type,
            },
            ExpiresIn=seconds,
        )
    )
