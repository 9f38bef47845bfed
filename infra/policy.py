"""The functions' policy, defined once, for any partition and region.

`document` writes every ARN with CloudFormation's pseudo parameters (`${AWS::Partition}`,
`${AWS::Region}`, `${AWS::AccountId}`), so one definition serves `aws` and `aws-cn`:

- in the packaged stack (`merge_template`), each string becomes an `Fn::Sub` and the
  bucket is the stack's own, by its exact name;
- as a file for Chalice (`.chalice/policy-<stage>.json`, which `chalice deploy` reads
  and cannot substitute), the pseudo parameters are resolved: the partition named,
  any region and account of it (`*`), the stage's bucket by its prefix.

    python -m infra.resources --policy dev [--partition aws-cn]   # or: make resources
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.settings import EVENTS_QUEUE

PARTITIONS = ("aws", "aws-cn")
_PSEUDO = re.compile(r"\$\{AWS::(Partition|Region|AccountId)\}")
# A bucket's name is global: the policy also asks that it be the functions' own account's.
_OWN_ACCOUNT = {"StringEquals": {"s3:ResourceAccount": "${aws:PrincipalAccount}"}}
# The packaged stack's conditions (infra/resources.py): which notification providers its
# parameters chose
MAIL_THROUGH_SES = "MailThroughSes"
SMS_THROUGH_SNS = "SmsThroughSns"
NOTIFY_THROUGH_PROVIDERS = "NotifyThroughProviders"  # SMTP or a Chinese SMS service


def _arn(service: str, resource: str, *, regional: bool = True) -> str:
    where = "${AWS::Region}:${AWS::AccountId}" if regional else ":"
    return f"arn:${{AWS::Partition}}:{service}:{where}:{resource}"


def document(env: dict[str, str], bucket: str, conditional: bool = False) -> dict[str, Any]:
    """A stage's policy (its environment as `.chalice/config.json` sets it), `bucket`
    being the name or the pattern of its documents bucket. Least privilege: the tables
    and the indexes the code reads, actions table by table, writes under the four key
    prefixes, the one parameter of the signing keys, the logs of the stage's functions;
    SES, SNS or the providers' credentials as the stage's providers need them."""
    prefix = env["TABLE_PREFIX"]
    stage = env["STAGE"]

    def table(name: str, *indexes: str) -> list[str]:
        if indexes:
            return [_arn("dynamodb", f"table/{prefix}{name}/index/{i}") for i in indexes]
        return [_arn("dynamodb", f"table/{prefix}{name}")]

    def objects(*prefixes: str) -> list[str]:
        return [f"arn:${{AWS::Partition}}:s3:::{bucket}/{p}*" for p in prefixes]

    def allow(sid: str, actions: list[str], resource: Any, **extra: Any) -> dict[str, Any]:
        return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resource, **extra}

    dynamodb = "dynamodb:"
    statements = [
        allow(
            "WriteOwnLogs",
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            [_arn("logs", f"log-group:/aws/lambda/jiafuwu-{stage}*:*")],
        ),
        allow(
            "ReceiveEventsQueue",
            ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            [_arn("sqs", EVENTS_QUEUE)],
        ),
        allow(
            "Filings",
            [dynamodb + a for a in ("GetItem", "BatchGetItem", "PutItem", "UpdateItem")],
            table("filings"),
        ),
        allow(
            "FilingsQueueIndex",
            ["dynamodb:Query"],
            table(
                "filings", "queue-index", "form-index", "emit-index", "phone-index", "origin-index"
            ),
        ),
        allow(
            "Tasks",
            [dynamodb + a for a in ("GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem")],
            table("tasks"),
        ),
        allow("TasksAlertIndex", ["dynamodb:Query"], table("tasks", "alert-index")),
        allow("TasksWorkIndex", ["dynamodb:Query"], table("tasks", "work-index")),
        allow("Search", ["dynamodb:Query", "dynamodb:BatchWriteItem"], table("search")),
        allow(
            "Documents",
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],  # a pass suspended
            table("documents"),
        ),
        allow(
            "DirectoryReadOnly",
            ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"],
            table("directory"),
        ),
        allow("DirectoryPhoneIndex", ["dynamodb:Query"], table("directory", "phone-index")),
        allow("Counters", ["dynamodb:BatchGetItem", "dynamodb:UpdateItem"], table("counters")),
        allow("Stock", ["dynamodb:BatchGetItem", "dynamodb:UpdateItem"], table("stock")),
        allow(
            "Checkpoints",
            [dynamodb + a for a in ("GetItem", "PutItem", "Scan")],
            table("checkpoints"),
        ),
        allow("Scans", ["dynamodb:PutItem"], table("scans")),
        allow("ScansIndexes", ["dynamodb:Query"], table("scans", "code-index", "flag-index")),
        allow(
            "Uniques",
            [dynamodb + a for a in ("GetItem", "BatchGetItem", "PutItem", "DeleteItem")],
            table("uniques"),
        ),
        allow("AuditAppendOnly", ["dynamodb:PutItem"], table("audit")),
        allow("RateLimitWindows", ["dynamodb:UpdateItem"], table("ratelimits")),
        allow("RiskMapVersions", ["dynamodb:Query", "dynamodb:PutItem"], table("riskmaps")),
        allow(
            "PhoneCodes",
            [dynamodb + a for a in ("GetItem", "PutItem", "UpdateItem", "DeleteItem")],
            table("phonecodes"),
        ),
        allow("Drafts", ["dynamodb:GetItem", "dynamodb:PutItem"], table("drafts")),
        allow(
            "WriteRecordsAndDocuments",
            ["s3:PutObject"],
            objects(
                "filings/",
                "decisions/",
                "approved/",
                "standing/",
                "documents/",
                "exports/",
                "revisions/",
            ),
            Condition=_OWN_ACCOUNT,
        ),
        allow(
            "SignUploadsAndCheckThem",
            ["s3:PutObject", "s3:GetObject"],
            objects("uploads/"),
            Condition=_OWN_ACCOUNT,
        ),
        allow(
            "CheckpointLists",  # the trust and revocation lists, rewritten under a condition
            ["s3:PutObject", "s3:GetObject"],
            objects("lists/"),
            Condition=_OWN_ACCOUNT,
        ),
        allow(
            "RiskMapsWrittenOnceAndRead",
            ["s3:PutObject", "s3:GetObject"],
            objects("risk-maps/"),
            Condition=_OWN_ACCOUNT,
        ),
        allow(
            "SignDocumentDownloads",
            ["s3:GetObject"],
            objects("documents/", "exports/"),
            Condition=_OWN_ACCOUNT,
        ),
    ]
    # Notifications: SES and SNS only where they carry them; the providers' credentials
    # only where a provider outside AWS does (docs/DEPLOY.md). The stack decides by its
    # parameters (`conditional`: each statement an Fn::If of the template's condition);
    # a policy file by the stage's environment.
    mail, sms = env.get("MAIL_PROVIDER", "ses"), env.get("SMS_PROVIDER", "sns")

    def when(condition: str, applies: bool, statement: dict[str, Any]) -> None:
        if conditional:
            statements.append({"Fn::If": [condition, statement, {"Ref": "AWS::NoValue"}]})
        elif applies:
            statements.append(statement)

    mail_from = env["MAIL_FROM"]
    when(
        MAIL_THROUGH_SES,
        mail == "ses",
        allow(
            "MailFromTheServiceAddress",
            ["ses:SendEmail"],
            [
                _arn("ses", f"identity/{mail_from}"),
                _arn("ses", f"identity/{mail_from.split('@')[1]}"),
            ],
            Condition={"StringEquals": {"ses:FromAddress": mail_from}},
        ),
    )
    # SMS to phone numbers has no resource to name
    when(
        SMS_THROUGH_SNS,
        sms == "sns",
        allow("SmsToPhoneNumbersHasNoResourceArn", ["sns:Publish"], "*"),
    )
    parameters = [env["SIGNING_KEYS_PARAMETER"]]
    if env.get("SEAL_KEYS_PARAMETER"):  # the offline seal's ES256 keys (documents/seal.py)
        parameters.append(env["SEAL_KEYS_PARAMETER"])
    statements.append(
        allow(
            "ReadSigningKeys",
            ["ssm:GetParameter"],
            [_arn("ssm", f"parameter{name}") for name in parameters],
        )
    )
    if env.get("NOTIFY_SECRETS_PARAMETER"):
        when(
            NOTIFY_THROUGH_PROVIDERS,
            mail != "ses" or sms != "sns",
            allow(
                "ReadNotificationProvidersCredentials",
                ["ssm:GetParameter"],
                [_arn("ssm", f"parameter{env['NOTIFY_SECRETS_PARAMETER']}")],
            ),
        )
    return {"Version": "2012-10-17", "Statement": statements}


def resolved(
    policy: dict[str, Any], partition: str, region: str = "*", account: str = "*"
) -> dict[str, Any]:
    """The policy with its pseudo parameters named: what IAM evaluates in one stack."""
    values = {"Partition": partition, "Region": region, "AccountId": account}
    return _walk(policy, lambda s: _PSEUDO.sub(lambda m: values[m.group(1)], s))


def for_template(policy: dict[str, Any]) -> dict[str, Any]:
    """The policy inside a template: every string naming a pseudo parameter an Fn::Sub."""
    return _walk(policy, lambda s: {"Fn::Sub": s} if _PSEUDO.search(s) else s)


def _walk(value: Any, leaf: Any) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, leaf) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, leaf) for v in value]
    return leaf(value) if isinstance(value, str) else value
