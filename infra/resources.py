"""The stack's resources, defined once, as CloudFormation.

`stack_resources` is the one definition of the tables (from the PynamoDB models'
own keys, indexes and TTL attribute), the documents bucket with its notifications,
and the events queue with its dead-letter queue. The deployment's merge template
(`.chalice/resources.json`, written by `python -m infra.resources`) holds
them with the deployed stage's names, and the local stack and the tests create the
very same definitions in the emulator (`create_all`), intrinsic functions resolved
against what it created. So the two cannot drift.

    python -m infra.resources > .chalice/resources.json   # or: make resources
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from chalicelib.settings import EVENTS_QUEUE
from chalicelib.store.models import _TABLE_NAMES, DEPLOYED_MODELS
from chalicelib.store.records import EVENT_PREFIXES
from infra import policy

Resource = dict[str, Any]
PROJECT_DIR = Path(__file__).resolve().parent.parent

DEAD_LETTER_QUEUE = f"{EVENTS_QUEUE}-dlq"
SCHEDULED_DLQ = "jiafuwu-scheduled-dlq"  # runs of the reminders and the reconciler that failed
MAX_RECEIVES = 5  # deliveries of a message before it goes to the dead-letter queue
# Lambda advises at least six times the function's timeout (`lambda_timeout`, 30 s):
# a batch still being handled must not be handed to another invocation.
VISIBILITY_TIMEOUT = 180
RETENTION = 14 * 24 * 3600  # seconds a message is kept: SQS's maximum, time to redrive
# Every object in the bucket is about a person or an enterprise: snapshots with ID
# numbers and phones, decisions, PDFs. They expire with the drive; so do the versions
# that versioning keeps, a little later. DynamoDB items that set `expires_at` (a TTL
# attribute) expire on their own terms.
PERSONAL_DATA_DAYS = 180
NONCURRENT_VERSION_DAYS = 30
ALARM_PERIOD = 300  # seconds between looks at the dead-letter queue
LOG_RETENTION_DAYS = 90  # the functions' logs (which hold no personal data)
# API Gateway's stage throttling, for every method: requests a second, steady and in a
# burst. The district's busiest hour was a few thousand filings; a province's drive
# asks the account's limit (10,000/s) to be raised, and this with it.
THROTTLE_RATE = 500
THROTTLE_BURST = 1000

EVENTS_QUEUE_ID = "EventsQueue"
DEAD_LETTER_QUEUE_ID = "DeadLetterQueue"
QUEUE_POLICY_ID = "EventsQueuePolicy"
BUCKET_ID = "DocumentsBucket"
BUCKET_POLICY_ID = "DocumentsBucketPolicy"
ALARM_TOPIC_ID = "AlarmTopic"
ALARM_ID = "DeadLetterQueueAlarm"
BASE_URL = "PublicBaseUrl"  # the template's parameter: PUBLIC_BASE_URL of every function
# The events handler's reserved concurrency: 0 (the default) reserves none, for accounts
# whose concurrency limit is small; a number caps it, so a flood of events cannot
# starve the API of the account's concurrency.
EVENT_CONCURRENCY = "EventHandlerReservedConcurrency"
EVENT_CONCURRENCY_SET = "EventHandlerConcurrencyReserved"  # the template's condition
SCHEDULE_DLQ_ID = "ScheduledDeadLetterQueue"  # a scheduled run that failed its retries
ACCESS_LOGS_BUCKET_ID = "AccessLogsBucket"  # the documents bucket's server access logs
API_ACCESS_LOG_ID = "ApiAccessLogGroup"
ACCESS_LOG_DAYS = 30
# API Gateway's access log: the route's template (`/approve/{token}`), never the path
# or its query string, so no token is ever written (a link's token is in its path, a
# status link's in its query).
API_ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "time": "$context.requestTime",
        "ip": "$context.identity.sourceIp",
        "method": "$context.httpMethod",
        "route": "$context.resourcePath",
        "status": "$context.status",
        "bytes": "$context.responseLength",
        "latencyMs": "$context.responseLatency",
        "integrationStatus": "$context.integrationStatus",
    },
    separators=(",", ":"),
)
# A bucket's name is global: the deployed one ends with the account's id.
BUCKET_SUFFIX = "-${AWS::AccountId}"


def _arn(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def _bucket_arn(bucket: str | dict[str, Any]) -> dict[str, Any]:
    """The bucket's ARN built from its name, not from the bucket: the queue policy
    must exist before the bucket (S3 checks it can send), so it cannot refer to it."""
    name = bucket if isinstance(bucket, str) else bucket["Fn::Sub"]
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{name}"}


# --- tables ---------------------------------------------------------------------------


def table_id(model: type[Any]) -> str:
    return "".join(part.capitalize() for part in _TABLE_NAMES[model].split("-")) + "Table"


def _hash_first(key_schema: list[dict[str, str]]) -> list[dict[str, str]]:
    ordered = sorted(key_schema, key=lambda k: k["KeyType"] != "HASH")
    return [{"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in ordered]


def table(model: type[Any], table_name: str) -> Resource:
    """A model's table: its keys, indexes and TTL attribute as the model declares them."""
    schema = model._get_schema()
    properties: dict[str, Any] = {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": sorted(
            schema["attribute_definitions"], key=lambda a: a["AttributeName"]
        ),
        "KeySchema": _hash_first(schema["key_schema"]),
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
    }
    for kind, name in (
        ("global_secondary_indexes", "GlobalSecondaryIndexes"),
        ("local_secondary_indexes", "LocalSecondaryIndexes"),
    ):
        if schema[kind]:
            properties[name] = [
                {
                    "IndexName": index["index_name"],
                    "KeySchema": _hash_first(index["key_schema"]),
                    "Projection": index["projection"],
                }
                for index in schema[kind]
            ]
    ttl = model._ttl_attribute()
    if ttl is not None:
        properties["TimeToLiveSpecification"] = {"AttributeName": ttl.attr_name, "Enabled": True}
    # The state of record outlives the stack: deleting or replacing it keeps the table.
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": properties,
    }


# --- queues and bucket ----------------------------------------------------------------


def queues() -> dict[str, Resource]:
    encrypted = {"SqsManagedSseEnabled": True}  # SSE-SQS: S3 can still send to it
    return {
        DEAD_LETTER_QUEUE_ID: {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": DEAD_LETTER_QUEUE,
                "MessageRetentionPeriod": RETENTION,
                **encrypted,
            },
        },
        EVENTS_QUEUE_ID: {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": EVENTS_QUEUE,  # the name app.py's @app.on_sqs_message gives
                "VisibilityTimeout": VISIBILITY_TIMEOUT,
                "MessageRetentionPeriod": RETENTION,
                "RedrivePolicy": {
                    "deadLetterTargetArn": _arn(DEAD_LETTER_QUEUE_ID),
                    "maxReceiveCount": MAX_RECEIVES,
                },
                **encrypted,
            },
        },
    }


def queue_policy(bucket: str | dict[str, Any]) -> Resource:
    """S3 may send to the events queue, for this bucket of this account only."""
    return {
        "Type": "AWS::SQS::QueuePolicy",
        "Properties": {
            "Queues": [{"Ref": EVENTS_QUEUE_ID}],
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "BucketSendsItsEvents",
                        "Effect": "Allow",
                        "Principal": {"Service": "s3.amazonaws.com"},
                        "Action": "sqs:SendMessage",
                        "Resource": _arn(EVENTS_QUEUE_ID),
                        "Condition": {
                            "ArnLike": {"aws:SourceArn": _bucket_arn(bucket)},
                            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                        },
                    }
                ],
            },
        },
    }


def notification_configuration() -> dict[str, Any]:
    """Objects created under each event prefix notify the events queue."""
    return {
        "QueueConfigurations": [
            {
                "Event": "s3:ObjectCreated:*",
                "Queue": _arn(EVENTS_QUEUE_ID),
                "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": prefix}]}},
            }
            for prefix in EVENT_PREFIXES
        ]
    }


# Every bucket of ours: encrypted, no public access, no ACLs.
PRIVATE_BUCKET: dict[str, Any] = {
    "BucketEncryption": {
        "ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        ]
    },
    "PublicAccessBlockConfiguration": {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    },
    "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
}


def bucket(name: str | dict[str, Any]) -> Resource:
    return {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "DependsOn": [QUEUE_POLICY_ID],  # S3 checks that it may send to the queue
        "Properties": {
            "BucketName": name,
            **PRIVATE_BUCKET,
            "VersioningConfiguration": {"Status": "Enabled"},
            "LifecycleConfiguration": {
                "Rules": [
                    {
                        "Id": "personal-data",
                        "Status": "Enabled",
                        "ExpirationInDays": PERSONAL_DATA_DAYS,
                        "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_VERSION_DAYS},
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                    },
                    {
                        "Id": "exports",  # staff downloads: fetched at once, gone the next day
                        "Status": "Enabled",
                        "Prefix": "exports/",
                        "ExpirationInDays": 1,
                        "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                    },
                ]
            },
            "NotificationConfiguration": notification_configuration(),
        },
    }


def access_logs_bucket() -> dict[str, Resource]:
    """Where S3 writes the documents bucket's server access logs (a request's line
    holds its query string: a presigned address's signature, valid 5 minutes, is the
    one secret that remains in them; hence private, and kept a month)."""
    return {
        ACCESS_LOGS_BUCKET_ID: {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                **PRIVATE_BUCKET,
                "LifecycleConfiguration": {
                    "Rules": [
                        {
                            "Id": "access-logs",
                            "Status": "Enabled",
                            "ExpirationInDays": ACCESS_LOG_DAYS,
                        }
                    ]
                },
            },
        },
        f"{ACCESS_LOGS_BUCKET_ID}Policy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": ACCESS_LOGS_BUCKET_ID},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "S3WritesTheDocumentsBucketsLogs",
                            "Effect": "Allow",
                            "Principal": {"Service": "logging.s3.amazonaws.com"},
                            "Action": "s3:PutObject",
                            "Resource": {"Fn::Sub": f"${{{ACCESS_LOGS_BUCKET_ID}.Arn}}/*"},
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
                            },
                        }
                    ],
                },
            },
        },
    }


def bucket_policy() -> Resource:
    """Nothing reaches the documents but over TLS (presigned links included). Deployed
    only: the emulator enforces it, and the local stack speaks plain HTTP."""
    bucket_arn = _arn(BUCKET_ID)
    return {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": {"Ref": BUCKET_ID},
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "TlsOnly",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [bucket_arn, {"Fn::Sub": f"${{{BUCKET_ID}.Arn}}/*"}],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            },
        },
    }


def stack_resources(
    table_prefix: str, bucket_name: str | dict[str, Any], models: tuple[type[Any], ...]
) -> dict[str, Resource]:
    """What the app runs on, in any stage: the tables, the queues, the bucket."""
    return {
        **{table_id(m): table(m, f"{table_prefix}{_TABLE_NAMES[m]}") for m in models},
        **queues(),
        QUEUE_POLICY_ID: queue_policy(bucket_name),
        BUCKET_ID: bucket(bucket_name),
    }


# --- the deployment's merge template ----------------------------------------------------


def stage_environment(stage: str, config: Path | None = None) -> dict[str, str]:
    """A stage's environment variables, as `.chalice/config.json` sets them."""
    path = config or PROJECT_DIR / ".chalice" / "config.json"
    stages = json.loads(path.read_text(encoding="utf-8"))["stages"]
    return dict(stages[stage]["environment_variables"])


def deployed_bucket_name(base: str, account: str) -> str:
    return base + BUCKET_SUFFIX.replace("${AWS::AccountId}", account)


def chalice_functions() -> tuple[list[str], list[str]]:
    """The logical ids `chalice package` gives the app's functions, and those of its
    SQS-triggered ones (read from the app itself)."""
    names = list(chalice_roles())
    from chalice.app import SQSEventConfig
    from chalice.utils import to_cfn_resource_name

    from app import app

    on_sqs = [
        to_cfn_resource_name(s.name) for s in app.event_sources if isinstance(s, SQSEventConfig)
    ]
    return names, on_sqs


def chalice_roles() -> dict[str, str]:
    """Each function's logical id -> its role's, as Chalice names them when the policy
    is written (`<function>_role`; the API's function is `api_handler`)."""
    from chalice.utils import to_cfn_resource_name

    from app import app

    functions = {"APIHandler": "api_handler"} if app.routes else {}
    names: list[str] = [s.name for s in app.event_sources]
    names += [f.name for f in app.pure_lambda_functions]
    for name in names:
        functions[to_cfn_resource_name(name)] = name
    return {k: to_cfn_resource_name(f"{name}_role") for k, name in functions.items()}


def scheduled_functions() -> list[str]:
    """The logical ids of the app's scheduled functions (Lambda invokes them async)."""
    from chalice.app import ScheduledEventConfig
    from chalice.utils import to_cfn_resource_name

    from app import app

    return [
        to_cfn_resource_name(s.name)
        for s in app.event_sources
        if isinstance(s, ScheduledEventConfig)
    ]


def stage_policy(stage: str, partition: str = "aws") -> dict[str, Any]:
    """`.chalice/policy-<stage>.json`: the policy as `chalice deploy` takes it, for any
    region and account of one partition, the stage's bucket by its prefix (docs/DEPLOY.md
    lets a dev stage rename it)."""
    env = stage_environment(stage)
    return policy.resolved(policy.document(env, env["DOCUMENTS_BUCKET"] + "*"), partition)


def template_policy(stage: str) -> dict[str, Any]:
    """The packaged stack's policy: every ARN built from the stack's partition, region
    and account, the bucket the stack's own by its exact name; and the dead-letter
    queue of the scheduled runs, which only the stack has."""
    env = stage_environment(stage)
    document = policy.document(env, env["DOCUMENTS_BUCKET"] + BUCKET_SUFFIX, conditional=True)
    document["Statement"].append(
        {
            "Sid": "ScheduledRunsDeadLetters",
            "Effect": "Allow",
            "Action": ["sqs:SendMessage"],
            "Resource": [
                "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:" + SCHEDULED_DLQ
            ],
        }
    )
    return policy.for_template(document)


def dead_letter_alarm() -> dict[str, Resource]:
    """Someone is told when an event has failed its every delivery."""
    return {
        ALARM_TOPIC_ID: {
            "Type": "AWS::SNS::Topic",
            "Properties": {"DisplayName": "Jiafuwu alarms"},
        },
        ALARM_ID: {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmDescription": (
                    f"Events failed {MAX_RECEIVES} deliveries and wait in the dead-letter "
                    "queue: see docs/DEPLOY.md, redrive them once the cause is fixed."
                ),
                "Namespace": "AWS/SQS",
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [
                    {
                        "Name": "QueueName",
                        "Value": {"Fn::GetAtt": [DEAD_LETTER_QUEUE_ID, "QueueName"]},
                    }
                ],
                "Statistic": "Maximum",
                "Period": ALARM_PERIOD,
                "EvaluationPeriods": 1,
                "Threshold": 0,
                "ComparisonOperator": "GreaterThanThreshold",
                "TreatMissingData": "notBreaching",
                "AlarmActions": [{"Ref": ALARM_TOPIC_ID}],
                "OKActions": [{"Ref": ALARM_TOPIC_ID}],
            },
        },
    }


# --- notifications: the providers the stack's parameters choose ---------------------------

# Each function's environment variable -> the stack parameter that sets it.
NOTIFY_VARIABLES = {
    "SMS_PROVIDER": "SmsProvider",
    "MAIL_PROVIDER": "MailProvider",
    "SMS_APP_ID": "SmsAppId",
    "SMS_TEMPLATE_IDS": "SmsTemplateIds",
    "SMTP_HOST": "SmtpHost",
    "SMTP_PORT": "SmtpPort",
}


def notification_parameters() -> dict[str, Any]:
    """The defaults are a global region's (SES, SNS); a China stack sets
    SmsProvider=tencent MailProvider=smtp and the rest (docs/DEPLOY.md)."""
    from chalicelib.store.providers import MAIL_PROVIDERS, SMS_PROVIDERS

    return {
        "SmsProvider": {
            "Type": "String",
            "Default": "sns",
            "AllowedValues": list(SMS_PROVIDERS),
            "Description": "Who sends SMS: sns (global regions) or tencent (Tencent Cloud SMS)",
        },
        "MailProvider": {
            "Type": "String",
            "Default": "ses",
            "AllowedValues": list(MAIL_PROVIDERS),
            "Description": "Who sends email: ses (global regions) or smtp (TLS, e.g. in China)",
        },
        "SmsAppId": {
            "Type": "String",
            "Default": "",
            "Description": "Tencent Cloud SMS: the SdkAppId",
        },
        "SmsTemplateIds": {
            "Type": "String",
            "Default": "{}",
            "Description": "JSON: each SMS template's key -> the id the SMS service gave it",
        },
        "SmtpHost": {"Type": "String", "Default": "", "Description": "SMTP: the server"},
        "SmtpPort": {
            "Type": "String",
            "Default": "465",
            "AllowedValues": ["465", "587"],
            "Description": "SMTP: 465 (implicit TLS) or 587 (STARTTLS)",
        },
    }


def notification_conditions() -> dict[str, Any]:
    ses = {"Fn::Equals": [{"Ref": "MailProvider"}, "ses"]}
    sns = {"Fn::Equals": [{"Ref": "SmsProvider"}, "sns"]}
    return {
        policy.MAIL_THROUGH_SES: ses,
        policy.SMS_THROUGH_SNS: sns,
        policy.NOTIFY_THROUGH_PROVIDERS: {
            "Fn::Not": [
                {
                    "Fn::And": [
                        {"Condition": policy.MAIL_THROUGH_SES},
                        {"Condition": policy.SMS_THROUGH_SNS},
                    ]
                }
            ]
        },
    }


# --- the operator's view: alarms to the alarm topic, a dashboard ---------------------------

METRICS_NAMESPACE = "Jiafuwu"  # chalicelib/store/metrics.py's EMF lines
API_NAME = "jiafuwu"  # Chalice names the REST API after the app (`app_name`)
API_STAGE = "api"  # `api_gateway_stage` in .chalice/config.json
API_5XX_RATE = 0.05  # of the API's answers over five minutes
DASHBOARD_ID = "OperatorsDashboard"


def _alarm(description: str, **properties: Any) -> Resource:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description,
            "EvaluationPeriods": 1,
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": ALARM_TOPIC_ID}],
            "OKActions": [{"Ref": ALARM_TOPIC_ID}],
            **properties,
        },
    }


def _own_metric(name: str, stage: str) -> dict[str, Any]:
    return {
        "Namespace": METRICS_NAMESPACE,
        "MetricName": name,
        "Dimensions": [{"Name": "Stage", "Value": stage}],
        "Statistic": "Sum",
    }


def operator_view(stage: str, on_sqs: list[str]) -> dict[str, Resource]:
    """Alarms (docs/DEPLOY.md says what each means and what to do) and the dashboard."""
    guide = "; see docs/DEPLOY.md, Alarms"
    alarms: dict[str, Resource] = {
        "ApiServerErrorsAlarm": _alarm(
            f"More than {API_5XX_RATE:.0%} of the API's answers were 5xx for 10 minutes{guide}",
            Namespace="AWS/ApiGateway",
            MetricName="5XXError",
            Dimensions=[
                {"Name": "ApiName", "Value": API_NAME},
                {"Name": "Stage", "Value": API_STAGE},
            ],
            Statistic="Average",
            Period=ALARM_PERIOD,
            EvaluationPeriods=2,
            Threshold=API_5XX_RATE,
            ComparisonOperator="GreaterThanThreshold",
        ),
        "ScheduledDeadLetterQueueAlarm": _alarm(
            f"A scheduled run (reminders, reconciler) failed its retries{guide}",
            Namespace="AWS/SQS",
            MetricName="ApproximateNumberOfMessagesVisible",
            Dimensions=[
                {"Name": "QueueName", "Value": {"Fn::GetAtt": [SCHEDULE_DLQ_ID, "QueueName"]}}
            ],
            Statistic="Maximum",
            Period=ALARM_PERIOD,
            Threshold=0,
            ComparisonOperator="GreaterThanThreshold",
        ),
        "NotificationFailuresAlarm": _alarm(
            f"A provider did not take a message (its event is retried){guide}",
            **_own_metric("NotificationFailures", stage),
            Period=ALARM_PERIOD,
            Threshold=0,
            ComparisonOperator="GreaterThanThreshold",
        ),
        "LateStepsAlarm": _alarm(
            f"Steps went past their due time in the last hour (reminders sent){guide}",
            **_own_metric("LateSteps", stage),
            Period=3600,
            Threshold=0,
            ComparisonOperator="GreaterThanThreshold",
        ),
    }
    for name in on_sqs:
        alarms[f"{name}ErrorsAlarm"] = _alarm(
            f"The events handler failed whole invocations (a crash or a timeout){guide}",
            Namespace="AWS/Lambda",
            MetricName="Errors",
            Dimensions=[{"Name": "FunctionName", "Value": {"Ref": name}}],
            Statistic="Sum",
            Period=ALARM_PERIOD,
            Threshold=0,
            ComparisonOperator="GreaterThanThreshold",
        )
    return {**alarms, DASHBOARD_ID: dashboard(stage, on_sqs, [ALARM_ID, *alarms])}


def dashboard(stage: str, on_sqs: list[str], alarm_ids: list[str]) -> Resource:
    """One page: the product's moments, the API's answers, the queues, the events handler."""

    def own(*names: str) -> list[list[str]]:
        return [[METRICS_NAMESPACE, n, "Stage", stage] for n in names]

    def widget(title: str, metrics: list[list[Any]], stat: str = "Sum") -> dict[str, Any]:
        return {
            "type": "metric",
            "width": 12,
            "height": 6,
            "properties": {
                "title": title,
                "region": "${AWS::Region}",
                "stat": stat,
                "period": ALARM_PERIOD,
                "metrics": metrics,
            },
        }

    api = ["AWS/ApiGateway", "Count", "ApiName", API_NAME, "Stage", API_STAGE]
    handler = [["AWS/Lambda", m, "FunctionName", f"${{{n}}}"] for n in on_sqs for m in ("Errors",)]
    widgets = [
        {
            "type": "alarm",
            "width": 24,
            "height": 3,
            "properties": {
                "title": "Alarms",
                "alarms": [f"${{{a}.Arn}}" for a in alarm_ids],
            },
        },
        widget(
            "Submissions, decisions, documents", own("Submissions", "Decisions", "DocumentsIssued")
        ),
        widget(
            "Trouble", own("NotificationFailures", "ServerErrors", "RateLimitRefusals", "LateSteps")
        ),
        widget(
            "Submission to decision, by step (seconds, p90)",
            [
                [
                    {
                        "id": "bystep",
                        "expression": f"SEARCH('{{{METRICS_NAMESPACE},Stage,Step}} "
                        f'MetricName="DecisionSeconds" Stage="{stage}"\', \'p90\', '
                        f"{ALARM_PERIOD})",
                    }
                ]
            ],
            "p90",
        ),
        widget(
            "API answers",
            [api, [*api[:2], "4XXError", *api[2:]], [*api[:2], "5XXError", *api[2:]]],
        ),
        widget(
            "Dead letters",
            [
                ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q]
                for q in (DEAD_LETTER_QUEUE, SCHEDULED_DLQ)
            ],
            "Maximum",
        ),
        widget("Events handler errors", handler),
    ]
    return {
        "Type": "AWS::CloudWatch::Dashboard",
        "Properties": {"DashboardBody": {"Fn::Sub": json.dumps({"widgets": widgets})}},
    }


def api_throttling() -> dict[str, Any]:
    """The stage's method settings (SAM's MethodSettings of Chalice's RestAPI): every
    path, every method, throttled; beyond it API Gateway answers 429 itself."""
    return {
        "ResourcePath": "/*",
        "HttpMethod": "*",
        "ThrottlingRateLimit": THROTTLE_RATE,
        "ThrottlingBurstLimit": THROTTLE_BURST,
    }


def _deployed(table_prefix: str, bucket_name: str | dict[str, Any]) -> dict[str, Resource]:
    """The stack's resources as deployed: the local ones, the bucket's policy and its
    access logs, the alarm."""
    resources = {
        **stack_resources(table_prefix, bucket_name, DEPLOYED_MODELS),
        BUCKET_POLICY_ID: bucket_policy(),
        **access_logs_bucket(),
        **dead_letter_alarm(),
    }
    resources[BUCKET_ID]["Properties"]["LoggingConfiguration"] = {
        "DestinationBucketName": {"Ref": ACCESS_LOGS_BUCKET_ID},
        "LogFilePrefix": "documents/",
    }
    return resources


def _outputs() -> dict[str, Any]:
    outputs = {
        "DocumentsBucketName": {"Ref": BUCKET_ID},
        "EventsQueueUrl": {"Ref": EVENTS_QUEUE_ID},
        "DeadLetterQueueUrl": {"Ref": DEAD_LETTER_QUEUE_ID},
        "AlarmTopicArn": {"Ref": ALARM_TOPIC_ID},
    }
    return {k: {"Value": v} for k, v in outputs.items()}


def merge_template(stage: str = "prod") -> dict[str, Any]:
    """The template `chalice package --merge-template` merges into its own: the stack's
    resources with the stage's names, and what Chalice's functions need from them (the
    bucket's real name, the app's public address, their logs, the queue to exist)."""
    env = stage_environment(stage)
    resources = _deployed(env["TABLE_PREFIX"], {"Fn::Sub": env["DOCUMENTS_BUCKET"] + BUCKET_SUFFIX})
    functions, on_sqs = chalice_functions()
    document = template_policy(stage)
    for role in chalice_roles().values():
        # Chalice writes .chalice/policy-<stage>.json in as it is (one partition's ARNs):
        # a list replaces, so the role carries the partition-neutral document instead.
        policies = [{"PolicyName": f"{role}Policy", "PolicyDocument": document}]
        resources[role] = {"Properties": {"Policies": policies}}
    for name in functions:
        # Chalice's own values are deep-merged with these: a dict merges, a value replaces.
        variables = {"DOCUMENTS_BUCKET": {"Ref": BUCKET_ID}, "PUBLIC_BASE_URL": {"Ref": BASE_URL}}
        variables |= {name: {"Ref": parameter} for name, parameter in NOTIFY_VARIABLES.items()}
        resources[name] = {"Properties": {"Environment": {"Variables": variables}}}
        # Its logs, kept for a while; the function's role may write but not create them.
        resources[f"{name}LogGroup"] = {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {
                "LogGroupName": {"Fn::Sub": f"/aws/lambda/${{{name}}}"},
                "RetentionInDays": LOG_RETENTION_DAYS,
            },
        }
    if "APIHandler" in functions:
        resources["RestAPI"] = {
            "Properties": {
                "MethodSettings": [api_throttling()],
                "AccessLogSetting": {
                    "DestinationArn": _arn(API_ACCESS_LOG_ID),
                    "Format": API_ACCESS_LOG_FORMAT,
                },
            }
        }
        resources[API_ACCESS_LOG_ID] = {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"RetentionInDays": LOG_RETENTION_DAYS},
        }
    resources[SCHEDULE_DLQ_ID] = {
        "Type": "AWS::SQS::Queue",
        "Properties": {
            "QueueName": SCHEDULED_DLQ,
            "MessageRetentionPeriod": RETENTION,
            "SqsManagedSseEnabled": True,
        },
    }
    for name in scheduled_functions():
        # Lambda retries a failed scheduled run twice, then sends its event here
        resources[name]["Properties"]["DeadLetterQueue"] = {
            "Type": "SQS",
            "TargetArn": _arn(SCHEDULE_DLQ_ID),
        }
    from chalice.utils import to_cfn_resource_name

    for name in on_sqs:
        resources[name]["Properties"]["ReservedConcurrentExecutions"] = {
            "Fn::If": [EVENT_CONCURRENCY_SET, {"Ref": EVENT_CONCURRENCY}, {"Ref": "AWS::NoValue"}]
        }
        # Chalice names the queue by an ARN it builds, not by reference: the function,
        # and so its event source mapping, must wait for the queue defined here.
        resources[name]["DependsOn"] = [EVENTS_QUEUE_ID]
        # The handler answers with the messages that failed (a partial batch response):
        # only they are delivered again. Chalice has no option for it; SAM has.
        source = to_cfn_resource_name(f"{name}-sqs-event-source")
        events = {source: {"Properties": {"FunctionResponseTypes": ["ReportBatchItemFailures"]}}}
        resources[name]["Properties"]["Events"] = events
    parameters: dict[str, dict[str, Any]] = {
        BASE_URL: {
            "Type": "String",
            # Links in messages and QR codes carry it: the API's address, better a domain's.
            "Description": "The public address of the app, https://... without a final /",
            "AllowedPattern": r"^https://\S+[^/]$",
        }
    }
    parameters.update(notification_parameters())
    parameters[EVENT_CONCURRENCY] = {
        "Type": "Number",
        "Default": 0,
        "MinValue": 0,
        "Description": "Reserved concurrency of the events handler; 0 reserves none",
    }
    conditions = {
        EVENT_CONCURRENCY_SET: {"Fn::Not": [{"Fn::Equals": [{"Ref": EVENT_CONCURRENCY}, 0]}]},
        **notification_conditions(),
    }
    resources.update(operator_view(env["STAGE"], on_sqs))
    return {
        "Parameters": parameters,
        "Conditions": conditions,
        "Resources": resources,
        "Outputs": _outputs(),
    }


def resources_template(stage: str) -> dict[str, Any]:
    """The stack's resources alone, for a stage that `chalice deploy` deploys (its
    functions read the bucket's name from config.json: it is taken as it is there)."""
    env = stage_environment(stage)
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Jiafuwu {stage}: tables, documents bucket, events queues",
        "Resources": _deployed(env["TABLE_PREFIX"], env["DOCUMENTS_BUCKET"]),
        "Outputs": _outputs(),
    }


def render(template: dict[str, Any]) -> str:
    return json.dumps(template, indent=2, ensure_ascii=False) + "\n"


# --- the local stack: the same definitions, created in the emulator ----------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Print the deployment's merge template.")
    parser.add_argument("--stage", default="prod")
    parser.add_argument(
        "--policy",
        action="store_true",
        help="the stage's policy file for Chalice (.chalice/policy-<stage>.json)",
    )
    parser.add_argument("--partition", default="aws", choices=policy.PARTITIONS)
    parser.add_argument(
        "--resources-only",
        action="store_true",
        help="a template of the resources alone, for a stage deployed with `chalice deploy`",
    )
    args = parser.parse_args(argv)
    if args.policy:
        template = stage_policy(args.stage, args.partition)
    elif args.resources_only:
        template = resources_template(args.stage)
    else:
        template = merge_template(args.stage)
    print(render(template), end="")


if __name__ == "__main__":
    main()
