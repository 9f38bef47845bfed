"""Every AWS client: timeouts and bounded retries that fit in the function's timeout,
and S3 signing with Signature Version 4 on the region's own virtual-host endpoint."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from moto import mock_aws

from chalicelib.settings import get_settings
from chalicelib.store import aws, models, s3

PROJECT_DIR = Path(__file__).resolve().parents[3]


def test_a_calls_whole_budget_fits_in_the_functions_timeout() -> None:
    config = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())
    assert config["lambda_timeout"] == aws.FUNCTION_TIMEOUT
    # every attempt's connect and read, and the backoff between them, with time to answer
    assert aws.CALL_BUDGET == 3 * (2 + 5) + 1 + 2
    assert aws.CALL_BUDGET < aws.FUNCTION_TIMEOUT


@pytest.mark.parametrize("service", ["s3", "dynamodb", "sqs", "ses", "sns", "ssm"])
def test_every_boto3_client_has_timeouts_and_bounded_retries(service: str) -> None:
    client = aws.client(service)
    config = client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (2, 5)
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}


def test_pynamodb_models_and_transactions_have_the_same_budget() -> None:
    models.bind_models()
    for model in models.LOCAL_MODELS:
        meta = model.Meta
        assert (meta.connect_timeout_seconds, meta.read_timeout_seconds) == (2, 5), model
        assert meta.max_retry_attempts == 2, model
    for connection in (models.Filing._get_connection().connection, models.connection()):
        config = connection.client.meta.config
        assert (config.connect_timeout, config.read_timeout) == (2, 5)
        assert config.retries["total_max_attempts"] == 3


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("cn-northwest-1", "jiafuwu-local-documents.s3.cn-northwest-1.amazonaws.com.cn"),
        ("cn-north-1", "jiafuwu-local-documents.s3.cn-north-1.amazonaws.com.cn"),
        ("us-east-1", "jiafuwu-local-documents.s3.us-east-1.amazonaws.com"),
    ],
)
def test_every_presigned_address_is_sigv4_on_the_regions_virtual_host(
    monkeypatch: pytest.MonkeyPatch, region: str, host: str
) -> None:
    # GIVEN the stack's region (a China region's, or botocore's SigV2 default's, us-east-1)
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    get_settings.cache_clear()
    aws.reset_clients()
    with mock_aws():
        # WHEN a document's download address is signed
        url = urlparse(s3.download_url("documents/f/certificate-ABC.pdf", "c.pdf"))
        # THEN with SigV4, on the bucket's own host in the region
        query = parse_qs(url.query)
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
        assert f"/{region}/s3/aws4_request" in query["X-Amz-Credential"][0]
        assert "Signature" not in query and "AWSAccessKeyId" not in query
        assert url.scheme == "https" and url.netloc == host
        # AND an upload's POST too
        address, fields = s3.presigned_post(
            "uploads/f/x/abc.csv", {}, [["content-length-range", 1, 1000]], 60
        )
        assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
        assert f"/{region}/s3/aws4_request" in fields["x-amz-credential"]
        assert "x-amz-signature" in fields and "signature" not in fields
        assert urlparse(address).netloc == host


def test_what_counts_as_aws_unavailable() -> None:
    from botocore.exceptions import ClientError, ConnectTimeoutError, ReadTimeoutError
    from pynamodb.exceptions import PutError

    timed_out = ReadTimeoutError(endpoint_url="http://x")
    assert aws.unavailable(timed_out)
    assert aws.unavailable(ConnectTimeoutError(endpoint_url="http://x"))
    assert aws.unavailable(PutError("put failed", cause=timed_out))
    try:
        try:
            raise timed_out
        except ReadTimeoutError as exc:
            raise s3.NotWritten("k") from exc
    except s3.NotWritten as wrapped:
        assert aws.unavailable(wrapped)

    def error(code: str, status: int) -> ClientError:
        answer = {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}
        return ClientError(answer, "PutItem")  # type: ignore[arg-type]

    assert aws.unavailable(error("ProvisionedThroughputExceededException", 400))
    assert aws.unavailable(error("InternalError", 500))
    # a refusal is not a brown-out: it is answered as the code's own error
    assert not aws.unavailable(error("ConditionalCheckFailedException", 400))
    assert not aws.unavailable(error("AccessDenied", 403))
    assert not aws.unavailable(ValueError("x"))
