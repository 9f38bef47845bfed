"""The stack's resources, defined once: the local stack and the tests create them
from these definitions (tables from the PynamoDB models themselves)."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import aws
from chalicelib.models import DEPLOYED_MODELS, LOCAL_MODELS, bind_models
from chalicelib.settings import EVENTS_QUEUE, Settings
from chalicelib.storage import EVENT_PREFIXES

DEAD_LETTER_QUEUE = f"{EVENTS_QUEUE}-dlq"
MAX_RECEIVES = 5  # deliveries of a message before it goes to the dead-letter queue
VISIBILITY_TIMEOUT = 60  # seconds: twice the function's timeout, as Lambda advises
RETENTION = 14 * 24 * 3600


def queue_attributes(dead_letter_arn: str) -> dict[str, str]:
    return {
        "VisibilityTimeout": str(VISIBILITY_TIMEOUT),
        "MessageRetentionPeriod": str(RETENTION),
        "RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": MAX_RECEIVES}
        ),
    }


def queue_policy(queue_arn: str, bucket: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"}},
            }
        ],
    }


def notification_configuration(queue_arn: str) -> dict[str, Any]:
    """Objects created under each event prefix notify the events queue."""
    return {
        "QueueConfigurations": [
            {
                "Id": f"events-{prefix.rstrip('/')}",
                "QueueArn": queue_arn,
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix}]}},
            }
            for prefix in EVENT_PREFIXES
        ]
    }


def create_all(settings: Settings) -> str:
    """Create the tables, the bucket with its notifications, the queues; returns the
    events queue's URL. Existing resources are left as they are."""
    bind_models(settings)
    for model in LOCAL_MODELS if settings.outbox_enabled else DEPLOYED_MODELS:
        if not model.exists():
            model.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
    sqs, s3 = aws.client("sqs"), aws.client("s3")
    dlq_url = sqs.create_queue(QueueName=DEAD_LETTER_QUEUE)["QueueUrl"]
    dlq_arn = _arn(sqs, dlq_url)
    queue_url = sqs.create_queue(QueueName=EVENTS_QUEUE, Attributes=queue_attributes(dlq_arn))[
        "QueueUrl"
    ]
    queue_arn = _arn(sqs, queue_url)
    sqs.set_queue_attributes(
        QueueUrl=queue_url,
        Attributes={"Policy": json.dumps(queue_policy(queue_arn, settings.bucket))},
    )
    s3.create_bucket(Bucket=settings.bucket)
    s3.put_public_access_block(
        Bucket=settings.bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_notification_configuration(
        Bucket=settings.bucket, NotificationConfiguration=notification_configuration(queue_arn)
    )
    aws.client("ses").verify_email_identity(EmailAddress=settings.mail_from)
    return str(queue_url)


def _arn(sqs: Any, url: str) -> str:
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(attrs["Attributes"]["QueueArn"])
