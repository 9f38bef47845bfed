"""One source of truth: the deployment's merge template is what `infra/resources.py`
makes, and the local stack creates in the emulator what the template defines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest
from moto import mock_aws

from chalicelib.settings import EVENTS_QUEUE, Settings, get_settings
from chalicelib.store import aws
from chalicelib.store.models import _TABLE_NAMES, DEPLOYED_MODELS, OutboxMessage
from devstack import provision
from infra import resources

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHECKED_IN = PROJECT_DIR / ".chalice" / "resources.json"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return json.loads(CHECKED_IN.read_text(encoding="utf-8"))


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template["Resources"].items() if r.get("Type") == kind}


@pytest.fixture
def local_stack() -> Iterator[Settings]:
    with mock_aws():
        get_settings.cache_clear()
        aws.reset_clients()
        settings = get_settings()
        provision.create_all(settings)
        yield settings


def test_the_checked_in_merge_template_is_what_the_code_makes() -> None:
    # GIVEN the models, the queues and the bucket as infra/resources.py defines them
    # THEN .chalice/resources.json is exactly their rendering (else: make resources)
    assert CHECKED_IN.read_text(encoding="utf-8") == resources.render(
        resources.merge_template("prod")
    ), "stale .chalice/resources.json: run `make resources`"


def test_every_deployed_model_has_its_table_and_the_outbox_none(template: dict[str, Any]) -> None:
    tables = {
        r["Properties"]["TableName"] for r in of_type(template, "AWS::DynamoDB::Table").values()
    }
    prefix = resources.stage_environment("prod")["TABLE_PREFIX"]
    assert tables == {prefix + _TABLE_NAMES[m] for m in DEPLOYED_MODELS}
    assert not any(name.endswith("outbox") for name in tables)
    for table in of_type(template, "AWS::DynamoDB::Table").values():
        props = table["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["SSESpecification"] == {"SSEEnabled": True}
        assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


def test_the_queue_is_the_one_the_function_listens_to(template: dict[str, Any]) -> None:
    from app import app

    (sqs_source,) = [s for s in app.event_sources if hasattr(s, "queue")]
    queue = template["Resources"][resources.EVENTS_QUEUE_ID]["Properties"]
    assert sqs_source.queue == queue["QueueName"] == EVENTS_QUEUE
    # Lambda's advice: the visibility timeout at least six times the function's timeout
    config = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())
    assert queue["VisibilityTimeout"] >= 6 * config["lambda_timeout"]


# --- the local stack, described by the emulator, against the template ---


def _key_schema(schema: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(k["AttributeName"], k["KeyType"]) for k in schema]


def _table_from_template(props: dict[str, Any]) -> dict[str, Any]:
    return {
        "keys": _key_schema(props["KeySchema"]),
        "attributes": sorted(
            (a["AttributeName"], a["AttributeType"]) for a in props["AttributeDefinitions"]
        ),
        "indexes": sorted(
            (i["IndexName"], tuple(_key_schema(i["KeySchema"])), i["Projection"]["ProjectionType"])
            for i in props.get("GlobalSecondaryIndexes", [])
        ),
        "billing": props["BillingMode"],
        "encrypted": props["SSESpecification"]["SSEEnabled"],
        "ttl": props.get("TimeToLiveSpecification", {}).get("AttributeName"),
        "pitr": props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
    }


def _table_from_emulator(name: str) -> dict[str, Any]:
    ddb = aws.client("dynamodb")
    table = ddb.describe_table(TableName=name)["Table"]
    ttl = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    backups = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    return {
        "keys": _key_schema(table["KeySchema"]),
        "attributes": sorted(
            (a["AttributeName"], a["AttributeType"]) for a in table["AttributeDefinitions"]
        ),
        "indexes": sorted(
            (i["IndexName"], tuple(_key_schema(i["KeySchema"])), i["Projection"]["ProjectionType"])
            for i in table.get("GlobalSecondaryIndexes", [])
        ),
        "billing": table["BillingModeSummary"]["BillingMode"],
        "encrypted": table["SSEDescription"]["Status"] == "ENABLED",
        "ttl": ttl.get("AttributeName") if ttl["TimeToLiveStatus"] == "ENABLED" else None,
        "pitr": backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED",
    }


def test_the_local_tables_are_the_templates(
    local_stack: Settings, template: dict[str, Any]
) -> None:
    # GIVEN the local stack created from infra/resources.py
    prod_prefix = resources.stage_environment("prod")["TABLE_PREFIX"]
    defined = of_type(template, "AWS::DynamoDB::Table")
    assert defined
    for logical_id, table in defined.items():
        props = table["Properties"]
        local_name = local_stack.table_prefix + props["TableName"].removeprefix(prod_prefix)
        # THEN each table has the template's keys, indexes, TTL, backups and encryption
        assert _table_from_emulator(local_name) == _table_from_template(props), logical_id
    # AND the TTL attribute is the one the model declares
    assert _table_from_template(defined["UniquesTable"]["Properties"])["ttl"] == "expires_at"
    # AND the local stage has its outbox besides
    assert aws.client("dynamodb").describe_table(
        TableName=local_stack.table_name(_TABLE_NAMES[OutboxMessage])
    )


def _queue_arn(url: str) -> str:
    attrs = aws.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(attrs["Attributes"]["QueueArn"])


def test_the_local_queues_and_their_redrive_are_the_templates(
    local_stack: Settings, template: dict[str, Any]
) -> None:
    sqs = aws.client("sqs")
    defined = template["Resources"]
    events = defined[resources.EVENTS_QUEUE_ID]["Properties"]
    dead = defined[resources.DEAD_LETTER_QUEUE_ID]["Properties"]
    url = sqs.get_queue_url(QueueName=events["QueueName"])["QueueUrl"]
    dlq_url = sqs.get_queue_url(QueueName=dead["QueueName"])["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    dlq_attrs = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]

    assert int(attrs["VisibilityTimeout"]) == events["VisibilityTimeout"]
    assert int(attrs["MessageRetentionPeriod"]) == events["MessageRetentionPeriod"]
    assert int(dlq_attrs["MessageRetentionPeriod"]) == dead["MessageRetentionPeriod"]
    assert attrs["SqsManagedSseEnabled"] == dlq_attrs["SqsManagedSseEnabled"] == "true"
    redrive = json.loads(attrs["RedrivePolicy"])
    assert redrive == {
        "deadLetterTargetArn": _queue_arn(dlq_url),
        "maxReceiveCount": events["RedrivePolicy"]["maxReceiveCount"],
    }
    assert events["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": [resources.DEAD_LETTER_QUEUE_ID, "Arn"]
    }
    # AND the queue's policy lets this bucket, and only it, send
    (local,) = json.loads(attrs["Policy"])["Statement"]
    (deployed,) = defined[resources.QUEUE_POLICY_ID]["Properties"]["PolicyDocument"]["Statement"]
    assert local["Principal"] == deployed["Principal"] == {"Service": "s3.amazonaws.com"}
    assert local["Action"] == deployed["Action"] == "sqs:SendMessage"
    assert local["Resource"] == _queue_arn(url)
    assert local["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:s3:::{local_stack.bucket}"}
    assert set(local["Condition"]) == set(deployed["Condition"])


def test_the_local_bucket_is_the_templates(local_stack: Settings, template: dict[str, Any]) -> None:
    s3 = aws.client("s3")
    bucket = local_stack.bucket
    props = template["Resources"][resources.BUCKET_ID]["Properties"]

    # the notifications: the same prefixes, the same events, to the events queue
    sent = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]
    url = aws.client("sqs").get_queue_url(QueueName=EVENTS_QUEUE)["QueueUrl"]
    assert sorted(
        (c["QueueArn"], tuple(c["Events"]), c["Filter"]["Key"]["FilterRules"][0]["Value"])
        for c in sent
    ) == sorted(
        (_queue_arn(url), (c["Event"],), c["Filter"]["S3Key"]["Rules"][0]["Value"])
        for c in props["NotificationConfiguration"]["QueueConfigurations"]
    )
    assert {c["Filter"]["Key"]["FilterRules"][0]["Value"] for c in sent} == {
        "filings/",
        "decisions/",
        "approved/",
        "standing/",
        "risk-maps/",  # a new map re-checks the workers from a county it raised
    }
    # private, encrypted, versioned, expiring
    blocked = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert blocked == props["PublicAccessBlockConfiguration"]
    assert all(blocked.values())
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert (
        rule["ApplyServerSideEncryptionByDefault"]
        == props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
            "ServerSideEncryptionByDefault"
        ]
    )
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    made = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]}
    defined = {r["Id"]: r for r in props["LifecycleConfiguration"]["Rules"]}
    assert made.keys() == defined.keys()
    for rule_id, rule in defined.items():
        lifecycle = made[rule_id]
        assert lifecycle["Filter"].get("Prefix", "") == rule.get("Prefix", "")
        assert lifecycle["Expiration"]["Days"] == rule["ExpirationInDays"]
        assert (
            lifecycle["NoncurrentVersionExpiration"]["NoncurrentDays"]
            == rule["NoncurrentVersionExpiration"]["NoncurrentDays"]
        )
    ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
    assert ownership == props["OwnershipControls"]


def test_the_local_bucket_notifies_the_queue_for_event_prefixes_only(local_stack: Settings) -> None:
    s3, sqs = aws.client("s3"), aws.client("sqs")
    url = sqs.get_queue_url(QueueName=EVENTS_QUEUE)["QueueUrl"]
    sqs.purge_queue(QueueUrl=url)  # the bucket's s3:TestEvent
    # WHEN an object lands under an event prefix and another under documents/
    s3.put_object(Bucket=local_stack.bucket, Key="filings/f/1.json", Body=b"{}")
    s3.put_object(Bucket=local_stack.bucket, Key="documents/1/slip-X.pdf", Body=b"%PDF")
    # THEN one message, naming the first
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    keys = [json.loads(m["Body"])["Records"][0]["s3"]["object"]["key"] for m in messages]
    assert [unquote_plus(k) for k in keys] == ["filings/f/1.json"]
