"""AWS clients, built lazily once per configuration and shared by every call."""

from __future__ import annotations

import functools
from typing import Any

from chalicelib.settings import get_settings


@functools.lru_cache(maxsize=8)
def _client(service: str, endpoint_url: str | None, region: str) -> Any:
    import boto3  # deferred: boto3 is the heaviest import a cold start pays

    return boto3.client(service, endpoint_url=endpoint_url, region_name=region)


def client(service: str) -> Any:
    s = get_settings()
    return _client(service, s.endpoint_url, s.region)


def reset_clients() -> None:
    """Forget cached clients (tests start a fresh emulator per test)."""
    _client.cache_clear()
