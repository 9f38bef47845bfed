"""AWS clients, built lazily once per configuration and shared by every call.

Every client, boto3's here and PynamoDB's (`models.bind_models`), has the same
timeouts and retries, so that a call's whole budget (`CALL_BUDGET`) fits inside the
function's timeout (`lambda_timeout` in .chalice/config.json, 30 s) with time left to
answer: a brown-out answers 503 (chalicelib/web/unavailable.py), never a Lambda timeout.
S3 signs with Signature Version 4 only (the China regions and every bucket created since
2020 refuse SigV2), on the region's own virtual-host endpoint.
"""

from __future__ import annotations

import functools
from typing import Any

from chalicelib.settings import ATTEMPTS, CONNECT_TIMEOUT, READ_TIMEOUT, get_settings

__all__ = ["ATTEMPTS", "CONNECT_TIMEOUT", "READ_TIMEOUT", "client", "unavailable"]
# botocore's standard mode waits at most 2**(n-1) s (jittered) before retry n.
BACKOFF_BUDGET = sum(2 ** (n - 1) for n in range(1, ATTEMPTS))
CALL_BUDGET = ATTEMPTS * (CONNECT_TIMEOUT + READ_TIMEOUT) + BACKOFF_BUDGET  # 24 s
FUNCTION_TIMEOUT = 30  # .chalice/config.json's lambda_timeout (a test keeps them equal)


def config(service: str, endpoint_url: str | None) -> Any:
    from botocore.config import Config  # deferred: botocore is a cold start's heaviest import

    # Throttling, 5xx and timeouts are retried here, with backoff, as PynamoDB's
    # DynamoDB calls are (standard mode); what still fails is left to the caller: a
    # request answers 503, an event goes back to the queue.
    options: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT,
        "read_timeout": READ_TIMEOUT,
        "retries": {"mode": "standard", "total_max_attempts": ATTEMPTS},
    }
    if service == "s3":
        options["signature_version"] = "s3v4"
        # bucket.s3.<region>.amazonaws.com[.cn]; a local endpoint (the emulator's
        # address) takes the bucket in the path
        style = "path" if endpoint_url else "virtual"
        options["s3"] = {"addressing_style": style, "us_east_1_regional_endpoint": "regional"}
    return Config(**options)


@functools.lru_cache(maxsize=8)
def _client(service: str, endpoint_url: str | None, region: str) -> Any:
    import boto3  # deferred: boto3 is the heaviest import a cold start pays

    return boto3.client(
        service,
        endpoint_url=endpoint_url,
        region_name=region,
        config=config(service, endpoint_url),
    )


def client(service: str) -> Any:
    s = get_settings()
    return _client(service, s.endpoint_url, s.region)


def reset_clients() -> None:
    """Forget cached clients (tests start a fresh emulator per test)."""
    _client.cache_clear()


def unavailable(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) is AWS not answering in time: a timeout, a
    connection refused or dropped, throttling or a 5xx past the retries. The request
    can be tried again; nothing it was to do has been accepted."""
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    seen: BaseException | None = exc
    for _ in range(8):  # PynamoDB's errors hold botocore's as `cause`, ours as __cause__
        if seen is None:
            return False
        if isinstance(seen, HTTPClientError | ConnectionError):  # timeouts, refused, dropped
            return True
        if isinstance(seen, ClientError):
            meta = seen.response.get("ResponseMetadata", {})
            code = seen.response.get("Error", {}).get("Code", "")
            return int(meta.get("HTTPStatusCode", 0)) >= 500 or code in _THROTTLED
        seen = getattr(seen, "cause", None) or seen.__cause__ or seen.__context__
    return False


_THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "SlowDown",
        "TransactionInProgressException",
    }
)
