"""A staff export asked for from the dashboard, and the file fetched from the presigned
S3 address it redirects to (moto answers it in process)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from chalicelib.settings import get_settings
from tests.support.stack import Stack


@dataclass
class Download:
    """What the browser gets after following the export's redirect to S3."""

    status_code: int
    headers: Any  # case-insensitive, as HTTP's are
    body: bytes


def export(stack: Stack, token: str, fmt: str, form: str = "enterprise-resumption") -> Any:
    """The export asked for, and the file fetched from where it redirects (a presigned
    S3 address: moto answers it in process)."""
    return export_download(stack, f"/dashboard/exports/{form}?token={token}&format={fmt}")


def export_download(stack: Stack, path: str) -> Any:
    answer = stack.client.http.get(path, headers={"Accept": "*/*"})
    if answer.status_code != 303:
        return answer
    location = answer.headers["Location"]
    assert location.startswith(f"https://{get_settings().bucket}.s3.")
    assert "/exports/" in location
    fetched = requests.get(location, timeout=10)
    return Download(fetched.status_code, fetched.headers, fetched.content)
