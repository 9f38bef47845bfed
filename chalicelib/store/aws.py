"""AWS clients, built lazily once per configuration and shared by every call."""

from __future__ import annotations

import functools
from typing import Any

from chalicelib.settings import get_settings

ATTEMPTS = 4  # of each AWS call: the first and three retries


@functools.lru_cache(maxsize=8)
def _client(service: str, endpoint_url: str | None, region: str) -> Any:
    import boto3  # deferred: boto3 is the heaviest import a cold start pays
    from botocore.config import Config

    # Throttling and 5xx are retried here, with backoff, as PynamoDB's DynamoDB calls
    # are (standard mode, 1 + 3 attempts); what still fails is left to the caller: a
    # request answers 5xx, an event goes back to the queue.
    retries = {"mode": "standard", "total_max_attempts": ATTEMPTS}
    return boto3.client(
        service, endpoint_url=endpoint_url, region_name=region, config=Config(retries=retries)
    )


def client(service: str) -> Any:
    s = get_settings()
    return _client(service, s.endpoint_url, s.region)


def reset_clients() -> None:
    """Forget cached clients (tests start a fresh emulator per test)."""
    _client.cache_clear()
