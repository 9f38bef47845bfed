"""The documents bucket: its key layout beside the event records (chalicelib/store/
records.py), its writes, presigned uploads and short-lived download addresses.

A write that fails raises `NotWritten` (after the client's own retries): a request that
owes the object says so in its log and the reconciler writes it again; an event handler
fails and SQS delivers its message again.
"""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import quote

from chalicelib.core.clock import utcnow
from chalicelib.settings import get_settings
from chalicelib.store import aws

DOCUMENTS = "documents/"  # documents/<filing_id>/<kind>-<code>.pdf: no event
EXPORTS = "exports/"  # exports/<form>/<time>-<random>.<csv|xlsx>: a staff download, kept a day
UPLOADS = "uploads/"  # uploads/<form>/<field>/<random>.<ext>: an applicant's file, no event


def document_key(filing_id: str, kind: str, code: str) -> str:
    return f"{DOCUMENTS}{filing_id}/{kind}-{code}.pdf"


def export_key(form: str, ext: str) -> str:
    return f"{EXPORTS}{form}/{utcnow():%Y%m%dT%H%M%S}-{secrets.token_hex(8)}.{ext}"


class NotWritten(Exception):
    """An object the bucket did not take (the endpoint failing, throttling past the
    retries): the caller's work is stored in DynamoDB or will be delivered again."""


def put(key: str, body: bytes, content_type: str) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        aws.client("s3").put_object(
            Bucket=get_settings().bucket, Key=key, Body=body, ContentType=content_type
        )
    except (BotoCoreError, ClientError) as exc:
        raise NotWritten(key) from exc


def put_json(key: str, body: dict[str, Any]) -> None:
    data = json.dumps(body, ensure_ascii=False, sort_keys=True, default=str).encode()
    put(key, data, "application/json")


def put_pdf(key: str, pdf: bytes) -> None:
    put(key, pdf, "application/pdf")


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
                "ResponseContentDisposition": content_disposition(disposition, filename),
                "ResponseContentType": content_type,
            },
            ExpiresIn=seconds,
        )
    )


def content_disposition(disposition: str, filename: str) -> str:
    """The header for a file name of any script: an ASCII fallback for old clients and
    the UTF-8 name in RFC 5987's `filename*` (20200210-7KQ3M-回执.pdf)."""
    if filename.isascii():
        return f"{disposition}; filename={filename}"
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def upload_prefix(form: str, field: str) -> str:
    return f"{UPLOADS}{form}/{field}/"


def new_upload_key(form: str, field: str, ext: str) -> str:
    return f"{upload_prefix(form, field)}{secrets.token_hex(16)}.{ext}"


def presigned_post(
    key: str, fields: dict[str, str], conditions: list[Any], seconds: int
) -> tuple[str, dict[str, str]]:
    """A browser's direct upload of one object: the address and the form fields, S3
    enforcing `conditions` (the POST policy)."""
    answer = aws.client("s3").generate_presigned_post(
        Bucket=get_settings().bucket,
        Key=key,
        Fields=fields,
        Conditions=conditions,
        ExpiresIn=seconds,
    )
    return str(answer["url"]), dict(answer["fields"])


def first_bytes(key: str, count: int) -> bytes:
    """The object's first `count` bytes (a ranged GET): what it really is, whatever
    its Content-Type says."""
    answer = aws.client("s3").get_object(
        Bucket=get_settings().bucket, Key=key, Range=f"bytes=0-{count - 1}"
    )
    return bytes(answer["Body"].read(count))


def upload_download_url(key: str, filename: str, seconds: int = 300) -> str:
    """An applicant's upload, served only as a download: an attachment of no type a
    browser would render or sniff into HTML (a presigned GET cannot add
    X-Content-Type-Options; octet-stream and attachment leave nothing to sniff)."""
    return download_url(
        key, filename, seconds, content_type="application/octet-stream", disposition="attachment"
    )


def head(key: str) -> dict[str, Any] | None:
    """The object's metadata (ContentLength, ContentType), None when there is none."""
    from botocore.exceptions import ClientError

    try:
        return dict(aws.client("s3").head_object(Bucket=get_settings().bucket, Key=key))
    except ClientError as exc:
        # HEAD has no body: a missing key is "404", or "403" without s3:ListBucket.
        if exc.response.get("Error", {}).get("Code") in ("404", "403", "NoSuchKey"):
            return None
        raise


RISK_MAPS = "risk-maps/"  # risk-maps/<version>.json: a risk map, written once (an event)


def risk_map_key(version: str) -> str:
    return f"{RISK_MAPS}{version}.json"


def get_json(key: str) -> Any:
    """A JSON object the app wrote (a risk map): NotWritten's twin for reads is the
    client's own error, which fails the request (503 in a brown-out)."""
    answer = aws.client("s3").get_object(Bucket=get_settings().bucket, Key=key)
    return json.loads(answer["Body"].read())
