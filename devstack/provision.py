"""Creating the stack's resources in the emulator (moto), from the very definitions the
deployment's template holds (infra/resources.py), so the two cannot drift: the tables
with their indexes and TTL, the queues with their dead-letter redrive, the bucket with
its notifications and lifecycle rules. For `make run` and the tests; never deployed."""

from __future__ import annotations

import json
import re
from typing import Any

from chalicelib.settings import Settings
from chalicelib.store import aws
from chalicelib.store.models import DEPLOYED_MODELS, LOCAL_MODELS, bind_models
from infra.resources import (
    BUCKET_ID,
    DEAD_LETTER_QUEUE_ID,
    EVENTS_QUEUE_ID,
    QUEUE_POLICY_ID,
    stack_resources,
)


def _resolve(value: Any, refs: dict[str, str]) -> Any:
    """Resolve Ref, Fn::GetAtt and Fn::Sub against what has been created."""
    if isinstance(value, list):
        return [_resolve(v, refs) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref":
            return refs[arg]
        if key == "Fn::GetAtt":
            return refs[".".join(arg)]
        if key == "Fn::Sub":
            return re.sub(r"\$\{([^}]+)\}", lambda m: refs[m.group(1)], arg)
    return {k: _resolve(v, refs) for k, v in value.items()}


def _create_table(properties: dict[str, Any]) -> None:
    ddb = aws.client("dynamodb")
    name = properties["TableName"]
    try:
        ddb.describe_table(TableName=name)
        return  # existing resources are left as they are
    except ddb.exceptions.ResourceNotFoundException:
        pass
    create: dict[str, Any] = {
        k: properties[k]
        for k in (
            "TableName",
            "BillingMode",
            "AttributeDefinitions",
            "KeySchema",
            "GlobalSecondaryIndexes",
            "LocalSecondaryIndexes",
        )
        if k in properties
    }
    sse = properties["SSESpecification"]
    create["SSESpecification"] = {"Enabled": sse["SSEEnabled"], "SSEType": "KMS"}
    ddb.create_table(**create)
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    if "TimeToLiveSpecification" in properties:
        ddb.update_time_to_live(
            TableName=name, TimeToLiveSpecification=properties["TimeToLiveSpecification"]
        )
    ddb.update_continuous_backups(
        TableName=name,
        PointInTimeRecoverySpecification=properties["PointInTimeRecoverySpecification"],
    )


def _create_queue(properties: dict[str, Any], refs: dict[str, str]) -> tuple[str, str]:
    sqs = aws.client("sqs")
    attributes = {
        k: json.dumps(v)
        if isinstance(v, dict)
        else str(v).lower()
        if isinstance(v, bool)
        else str(v)
        for k, v in _resolve(properties, refs).items()
        if k != "QueueName"
    }
    url = sqs.create_queue(QueueName=properties["QueueName"], Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return str(url), str(arn)


def _s3_notifications(cfn: dict[str, Any]) -> dict[str, Any]:
    return {
        "QueueConfigurations": [
            {
                "Id": "events-" + c["Filter"]["S3Key"]["Rules"][0]["Value"].rstrip("/"),
                "QueueArn": c["Queue"],
                "Events": [c["Event"]],
                "Filter": {"Key": {"FilterRules": c["Filter"]["S3Key"]["Rules"]}},
            }
            for c in cfn["QueueConfigurations"]
        ]
    }


def _s3_lifecycle(cfn: dict[str, Any]) -> dict[str, Any]:
    return {
        "Rules": [
            {
                "ID": rule["Id"],
                "Status": rule["Status"],
                "Filter": {"Prefix": rule.get("Prefix", "")},
                "Expiration": {"Days": rule["ExpirationInDays"]},
                "NoncurrentVersionExpiration": rule["NoncurrentVersionExpiration"],
                "AbortIncompleteMultipartUpload": rule["AbortIncompleteMultipartUpload"],
            }
            for rule in cfn["Rules"]
        ]
    }


def _offers(service: str, region: str) -> bool:
    import boto3

    session = boto3.session.Session()
    partition = session.get_partition_for_region(region)
    return region in session.get_available_regions(service, partition_name=partition)


def _create_bucket(properties: dict[str, Any]) -> None:
    s3 = aws.client("s3")
    name = properties["BucketName"]
    region = s3.meta.region_name
    # outside us-east-1 S3 wants the bucket's region said (the China regions included)
    where = (
        {}
        if region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )
    s3.create_bucket(Bucket=name, **where)
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
                for rule in properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            ]
        },
    )
    s3.put_public_access_block(
        Bucket=name, PublicAccessBlockConfiguration=properties["PublicAccessBlockConfiguration"]
    )
    s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls=properties["OwnershipControls"])
    s3.put_bucket_versioning(
        Bucket=name, VersioningConfiguration=properties["VersioningConfiguration"]
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=name, LifecycleConfiguration=_s3_lifecycle(properties["LifecycleConfiguration"])
    )
    s3.put_bucket_notification_configuration(
        Bucket=name,
        NotificationConfiguration=_s3_notifications(properties["NotificationConfiguration"]),
    )


def create_all(settings: Settings) -> str:
    """Create the stack's resources (the local outbox's table too, in the local stage)
    from `stack_resources`; returns the events queue's URL. Existing tables are left
    as they are."""
    bind_models(settings)
    models = LOCAL_MODELS if settings.outbox_enabled else DEPLOYED_MODELS
    resources = stack_resources(settings.table_prefix, settings.bucket, models)
    refs: dict[str, str] = {"AWS::Partition": "aws", "AWS::Region": settings.region}
    for logical_id in (DEAD_LETTER_QUEUE_ID, EVENTS_QUEUE_ID):
        url, arn = _create_queue(resources[logical_id]["Properties"], refs)
        refs |= {logical_id: url, f"{logical_id}.Arn": arn, "AWS::AccountId": arn.split(":")[4]}
    refs |= {
        BUCKET_ID: settings.bucket,
        f"{BUCKET_ID}.Arn": f"arn:aws:s3:::{settings.bucket}",
    }
    queue_policy_ = _resolve(resources[QUEUE_POLICY_ID]["Properties"], refs)
    aws.client("sqs").set_queue_attributes(
        QueueUrl=refs[EVENTS_QUEUE_ID],
        Attributes={"Policy": json.dumps(queue_policy_["PolicyDocument"])},
    )
    _create_bucket(_resolve(resources[BUCKET_ID]["Properties"], refs))
    for resource in resources.values():
        if resource["Type"] == "AWS::DynamoDB::Table":
            _create_table(resource["Properties"])
    if _offers("ses", settings.region):  # not in the China regions: mail goes by SMTP there
        aws.client("ses").verify_email_identity(EmailAddress=settings.mail_from)
    return refs[EVENTS_QUEUE_ID]
