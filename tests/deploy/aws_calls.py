"""The AWS calls the app's code makes, as the IAM requests they are: an action and
the ARN of its resource.

Both boto3 and PynamoDB go through `botocore.client.BaseClient._make_api_call`;
presigned URLs are signed without a call, so `_convert_to_request_dict` is watched
for them (the URL's later GET is authorised against the signer's role), and presigned
POSTs (an upload's form) are recorded as the PutObject of the key they bind. Only calls
made from the app's own code count (a frame of `app.py` or `chalicelib/`, the local
stack and the resources' creation excepted): the tests' own reads and the fixtures'
set-up are not the function's work.

Also a pytest plugin, to check the policy against every integration test:

    .venv/bin/python -m pytest tests/integration -p tests.deploy.aws_calls
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from botocore.client import BaseClient
from botocore.signers import S3PostPresigner

PROJECT_DIR = Path(__file__).resolve().parents[2]
_APP_CODE = (str(PROJECT_DIR / "app.py"), str(PROJECT_DIR / "chalicelib") + "/")
# dlq.py: staff commands, run with a person's credentials, not the functions' role
_NOT_THE_FUNCTIONS = tuple(
    str(PROJECT_DIR / "chalicelib" / name) for name in ("local.py", "resources.py", "dlq.py")
)
# botocore's service names whose IAM prefix differs
_IAM_PREFIX = {"sesv2": "ses"}
# API operations authorised as another IAM action
_IAM_ACTION = {
    ("s3", "ListObjectsV2"): "ListBucket",
    ("s3", "HeadObject"): "GetObject",
    ("s3", "PostObject"): "PutObject",  # a presigned POST: the upload S3 authorises later
    ("s3", "DeleteObjects"): "DeleteObject",
    ("sqs", "DeleteMessageBatch"): "DeleteMessage",
    ("sqs", "SendMessageBatch"): "SendMessage",
    ("sqs", "ChangeMessageVisibilityBatch"): "ChangeMessageVisibility",
}
# a transaction is authorised item by item, as the single-item actions
_TRANSACT_ITEM_ACTION = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}


@dataclass(frozen=True, order=True)
class Request:
    action: str  # "dynamodb:PutItem"
    resource: str  # an ARN, or "*" where the action has none (SMS to a phone number)
    operation: str  # the API operation that made it
    context: tuple[tuple[str, str], ...] = ()  # condition keys: ("ses:FromAddress", ...)

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "resource": self.resource,
            "operation": self.operation,
            "context": dict(self.context),
        }


def iam_requests(
    service: str, operation: str, params: dict[str, Any], region: str, account: str
) -> list[Request]:
    """What IAM authorises for one API call."""
    prefix = _IAM_PREFIX.get(service, service)
    action = f"{prefix}:{_IAM_ACTION.get((service, operation), operation)}"

    def one(resource: str, **context: str) -> list[Request]:
        return [Request(action, resource, operation, tuple(sorted(context.items())))]

    if service == "dynamodb":
        table = f"arn:aws:dynamodb:{region}:{account}:table/"
        if operation in ("TransactWriteItems", "TransactGetItems"):
            return [
                Request(
                    f"dynamodb:{_TRANSACT_ITEM_ACTION[kind]}", table + item["TableName"], operation
                )
                for entry in params["TransactItems"]
                for kind, item in entry.items()
            ]
        if operation in ("BatchGetItem", "BatchWriteItem"):
            return [Request(action, table + name, operation) for name in params["RequestItems"]]
        index = f"/index/{params['IndexName']}" if params.get("IndexName") else ""
        return one(table + params["TableName"] + index)
    if service == "s3":
        bucket = f"arn:aws:s3:::{params['Bucket']}"
        key = f"{bucket}/{params['Key']}" if "Key" in params else bucket
        return one(key, **{"s3:ResourceAccount": account})  # the stack's own bucket
    if service == "sqs":
        name = params["QueueUrl"].rstrip("/").rsplit("/", 1)[-1]
        return one(f"arn:aws:sqs:{region}:{account}:{name}")
    if service == "ses":
        source = params["Source"]
        identity = f"arn:aws:ses:{region}:{account}:identity/"
        # SES authorises the identity the sender is verified as: the address or its domain
        return [
            Request(action, identity + name, operation, (("ses:FromAddress", source),))
            for name in (source, source.rsplit("@", 1)[-1])
        ]
    if service == "sns":
        return one(params.get("TopicArn") or params.get("TargetArn") or "*")
    if service == "ssm":
        name = params["Name"].lstrip("/")
        return one(f"arn:aws:ssm:{region}:{account}:parameter/{name}")
    return one("*")


def _from_app_code() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename
        if path.startswith(_NOT_THE_FUNCTIONS):
            return False
        if path.startswith(_APP_CODE):
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


@dataclass
class Recorder:
    region: str = "us-east-1"
    account: str = "123456789012"
    on: bool = True
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def note(self, client: BaseClient, operation: str, params: dict[str, Any]) -> None:
        if self.on and _from_app_code():
            self.calls.append((client.meta.service_model.service_name, operation, dict(params)))

    def requests(self, rename: Callable[[str], str] = lambda arn: arn) -> list[Request]:
        """Every IAM request of the recorded calls, resources renamed (a local name to
        the deployed stage's), each once."""
        found = {
            Request(r.action, rename(r.resource), r.operation, r.context)
            for service, operation, params in self.calls
            for r in iam_requests(service, operation, params, self.region, self.account)
        }
        return sorted(found)


@contextmanager
def recording(recorder: Recorder | None = None) -> Iterator[Recorder]:
    rec = recorder or Recorder()
    make_api_call = BaseClient._make_api_call
    to_request_dict = BaseClient._convert_to_request_dict

    def _make_api_call(self: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        rec.note(self, operation, params)
        return make_api_call(self, operation, params)

    def _convert_to_request_dict(
        self: BaseClient, api_params: Any, operation_model: Any, *args: Any, **kwargs: Any
    ) -> Any:
        context = kwargs.get("context") or (args[1] if len(args) > 1 else None) or {}
        # A presigned POST is prepared as CreateBucket (for its address): recorded below
        # as the upload it authorises instead.
        if context.get("is_presign_request") and operation_model.name != "CreateBucket":
            rec.note(self, operation_model.name, api_params)
        return to_request_dict(self, api_params, operation_model, *args, **kwargs)

    def _presigned_post(
        self: S3PostPresigner,
        request_dict: dict[str, Any],
        fields: dict[str, Any] | None = None,
        conditions: list[Any] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        # The object it lets the holder PUT: the bucket and key bound into its policy.
        if rec.on and _from_app_code():
            bound = {k: v for c in conditions or [] if isinstance(c, dict) for k, v in c.items()}
            key = (fields or {}).get("key") or bound.get("key", "")
            rec.calls.append(("s3", "PostObject", {"Bucket": bound["bucket"], "Key": key}))
        return post_presign(self, request_dict, fields, conditions, *args, **kwargs)

    post_presign = S3PostPresigner.generate_presigned_post
    with (
        mock.patch.object(BaseClient, "_make_api_call", _make_api_call),
        mock.patch.object(BaseClient, "_convert_to_request_dict", _convert_to_request_dict),
        mock.patch.object(S3PostPresigner, "generate_presigned_post", _presigned_post),
    ):
        yield rec


# --- the pytest plugin: every test's calls (its body only, not its fixtures' set-up) ---

_session: dict[str, Any] = {}


def pytest_configure(config: Any) -> None:
    context = recording(Recorder(on=False))
    _session["context"] = context
    _session["recorder"] = context.__enter__()


def pytest_runtest_call(item: Any) -> None:
    _session["recorder"].on = True


def pytest_runtest_teardown(item: Any) -> None:
    _session["recorder"].on = False


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    from tests.deploy.iam import allows, load_policy, to_prod_arn

    recorder: Recorder = _session["recorder"]
    _session["context"].__exit__(None, None, None)
    policy = load_policy("prod")
    requests = [r for r in recorder.requests(to_prod_arn) if not is_local_only(r)]
    refused = [r for r in requests if not allows(policy, r.action, r.resource, dict(r.context))]
    out = PROJECT_DIR / "build" / "aws-calls.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps([r.as_dict() for r in requests], indent=1))
    writer = session.config.get_terminal_writer()
    writer.line(f"\n{len(requests)} distinct IAM requests recorded in {out}")
    for r in refused:
        writer.line(f"NOT ALLOWED by policy-prod.json: {r.action} on {r.resource}", red=True)
    if refused:
        session.exitstatus = 1


def is_local_only(request: Request) -> bool:
    """The local stage's outbox (its table renamed as prod's would be) is not deployed."""
    from chalicelib.store.models import _TABLE_NAMES, OutboxMessage
    from infra.resources import stage_environment

    outbox = stage_environment("prod")["TABLE_PREFIX"] + _TABLE_NAMES[OutboxMessage]
    return request.resource.endswith(f":table/{outbox}")
