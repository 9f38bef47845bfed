"""The checkpoints' lists in the documents bucket: the trust list and the revocation list,
each one JSON object rewritten whole under a condition on the version it was read at
(S3's conditional writes: If-Match, If-None-Match), so two rewrites never lose one."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.core.errors import Conflict
from chalicelib.settings import get_settings
from chalicelib.store import aws
from chalicelib.store.s3 import NotWritten

LISTS = "lists/"  # no event: written by the events of revocations/
TRUST_LIST = f"{LISTS}trust-list.json"
REVOCATIONS = f"{LISTS}revocations.json"


def read(key: str) -> tuple[dict[str, Any] | None, str | None]:
    """The object and its ETag; (None, None) when it was never written."""
    from botocore.exceptions import ClientError

    try:
        answer = aws.client("s3").get_object(Bucket=get_settings().bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None, None
        raise
    return json.loads(answer["Body"].read()), str(answer["ETag"])


def write(key: str, body: dict[str, Any], etag: str | None) -> None:
    """Write `body` if the object is still the one read (`etag`; None: still absent);
    Conflict when another rewrite came first."""
    from botocore.exceptions import BotoCoreError, ClientError

    condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    try:
        aws.client("s3").put_object(
            Bucket=get_settings().bucket,
            Key=key,
            Body=data,
            ContentType="application/json",
            **condition,
        )
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code")
        if code in ("PreconditionFailed", "ConditionalRequestConflict", "412", "409"):
            raise Conflict(key) from exc
        raise NotWritten(key) from exc
    except BotoCoreError as exc:
        raise NotWritten(key) from exc
