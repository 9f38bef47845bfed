"""`make package`: the prod stage as a CloudFormation package that cfn-lint passes,
whose template holds the whole stack and whose zip is what Lambda's Python runs.

Building the zip downloads the Lambda platform's wheels (PyPI, or pip's cache): about
a minute, once per run of this module.
"""

from __future__ import annotations

import importlib.util
import io
import json
import marshal
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from chalicelib.store.models import DEPLOYED_MODELS
from chalicelib.store.records import EVENT_PREFIXES
from infra import resources

PROJECT_DIR = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
RUNTIME = f"python3.{sys.version_info.minor}"  # Chalice builds for the Python it runs on
ABI = f"cp3{sys.version_info.minor}"
sys.path.insert(0, str(PROJECT_DIR / "scripts"))
import slim_bundle  # noqa: E402


class Package:
    def __init__(self, directory: Path, seconds: float) -> None:
        self.directory = directory
        self.seconds = seconds
        self.template: dict[str, Any] = json.loads((directory / "sam.json").read_text())
        self.zip = directory / "deployment.zip"
        with zipfile.ZipFile(self.zip) as bundle:
            self.names = bundle.namelist()

    def of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        return {k: r for k, r in self.template["Resources"].items() if r["Type"] == kind}


def build(tmp_path_factory: pytest.TempPathFactory, region: str) -> Package:
    out = tmp_path_factory.mktemp("package") / "prod"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_DEFAULT_REGION"] = region
    started = time.monotonic()
    built = subprocess.run(
        ["make", "--no-print-directory", "package", f"PACKAGE_DIR={out}"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return Package(out, time.monotonic() - started)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Package:
    return build(tmp_path_factory, "us-east-1")


@pytest.fixture(scope="module")
def china_package(tmp_path_factory: pytest.TempPathFactory) -> Package:
    return build(tmp_path_factory, "cn-northwest-1")


def test_make_package_leaves_the_template_and_the_zip(package: Package) -> None:
    assert sorted(p.name for p in package.directory.iterdir()) == ["deployment.zip", "sam.json"]
    print(f"make package: {package.seconds:.0f} s, zip {package.zip.stat().st_size / 1e6:.1f} MB")


def cfn_lint(template: Path, region: str = "us-east-1") -> tuple[int, str]:
    linted = subprocess.run(
        [str(VENV_BIN / "cfn-lint"), "--regions", region, "--", str(template)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return linted.returncode, linted.stdout + linted.stderr


def test_cfn_lint_finds_nothing(package: Package) -> None:
    assert cfn_lint(package.directory / "sam.json") == (0, "")


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("region", ["cn-northwest-1", "cn-north-1", "us-east-1"])
def test_the_package_built_for_china_lints_clean_there_and_names_no_partition(
    china_package: Package, package: Package, region: str
) -> None:
    # GIVEN `AWS_DEFAULT_REGION=cn-northwest-1 make package`
    template = china_package.template
    # THEN cfn-lint finds nothing for the China regions (and a global one: one package)
    assert cfn_lint(china_package.directory / "sam.json", region) == (0, "")
    # AND no string of it, Chalice's parts included, spells a partition, a region or an
    # endpoint: every ARN is built from ${AWS::Partition}, ${AWS::Region}, ${AWS::AccountId}
    for text in _strings(template):
        assert not re.search(r"arn:aws(-cn)?:", text), text
        assert not re.search(r"(us|cn)-(north|northwest|east|west)-\d", text), text
        assert "amazonaws.com.cn" not in text, text
    # AND the API is regional (China has no edge-optimized endpoints)
    (api,) = china_package.of_type("AWS::Serverless::Api").values()
    assert api["Properties"]["EndpointConfiguration"] == "REGIONAL"
    # AND it is the same template as the one built in us-east-1
    assert template == package.template


def test_the_dev_stages_resources_template_lints_clean(tmp_path: Path) -> None:
    # GIVEN the resources alone, for `chalice deploy --stage dev` (docs/DEPLOY.md)
    template = resources.resources_template("dev")
    path = tmp_path / "dev-resources.json"
    path.write_text(resources.render(template))
    assert cfn_lint(path) == (0, "")
    # THEN named as the dev stage's functions will look for them
    env = resources.stage_environment("dev")
    defined = template["Resources"]
    assert defined["DocumentsBucket"]["Properties"]["BucketName"] == env["DOCUMENTS_BUCKET"]
    assert defined["FilingsTable"]["Properties"]["TableName"] == f"{env['TABLE_PREFIX']}filings"


def test_the_template_holds_the_stack(package: Package) -> None:
    merged = resources.merge_template("prod")
    for logical_id, resource in merged["Resources"].items():
        # every resource of the merge template is in, as defined (Chalice's functions merged)
        if "Type" in resource:
            assert package.template["Resources"][logical_id] == resource, logical_id
    tables = package.of_type("AWS::DynamoDB::Table")
    assert len(tables) == len(DEPLOYED_MODELS) and not any(
        "outbox" in t["Properties"]["TableName"] for t in tables.values()
    )
    bucket = package.of_type("AWS::S3::Bucket")["DocumentsBucket"]["Properties"]
    assert bucket["BucketName"] == {"Fn::Sub": "jiafuwu-prod-documents-${AWS::AccountId}"}
    assert {"PublicAccessBlockConfiguration", "BucketEncryption", "VersioningConfiguration"} <= set(
        bucket
    )
    assert bucket["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] > 0
    assert len(bucket["NotificationConfiguration"]["QueueConfigurations"]) == len(EVENT_PREFIXES)
    queue = package.template["Resources"]["EventsQueue"]["Properties"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": ["DeadLetterQueue", "Arn"]
    }
    alarm = package.template["Resources"]["DeadLetterQueueAlarm"]["Properties"]
    assert alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["DeadLetterQueue", "QueueName"]}
    assert "EventsQueuePolicy" in package.template["Resources"]


def test_the_api_stage_is_throttled(package: Package) -> None:
    # THEN Chalice's API keeps its definition and gains the stage's method settings:
    # every path and method throttled, steady rate and burst
    (api,) = package.of_type("AWS::Serverless::Api").values()
    assert "DefinitionBody" in api["Properties"]
    assert api["Properties"]["MethodSettings"] == [
        {
            "ResourcePath": "/*",
            "HttpMethod": "*",
            "ThrottlingRateLimit": resources.THROTTLE_RATE,
            "ThrottlingBurstLimit": resources.THROTTLE_BURST,
        }
    ]
    assert 0 < resources.THROTTLE_RATE <= resources.THROTTLE_BURST


def test_the_stack_logs_access_and_keeps_failed_runs_without_writing_tokens(
    package: Package,
) -> None:
    template = package.template["Resources"]
    # GIVEN the API's access log: JSON, each request's route template, never its path
    (api,) = package.of_type("AWS::Serverless::Api").values()
    setting = api["Properties"]["AccessLogSetting"]
    assert setting["DestinationArn"] == {"Fn::GetAtt": [resources.API_ACCESS_LOG_ID, "Arn"]}
    logged = json.loads(setting["Format"])
    assert logged["route"] == "$context.resourcePath" and logged["status"] == "$context.status"
    # THEN neither the path (an approval link's token) nor a query (a status link's) is in it
    variables = set(logged.values())
    assert not variables & {"$context.path", "$context.requestOverride.querystring"}
    assert all("querystring" not in v.lower() and v != "$context.path" for v in variables)
    # AND the documents bucket's server access logs go to a private bucket of their own
    logging = template["DocumentsBucket"]["Properties"]["LoggingConfiguration"]
    assert logging["DestinationBucketName"] == {"Ref": resources.ACCESS_LOGS_BUCKET_ID}
    logs = template[resources.ACCESS_LOGS_BUCKET_ID]["Properties"]
    assert logs["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    # AND each scheduled function sends a run that failed its retries to a dead-letter queue
    for name in ("RemindLateSteps", "ReconcileRecords"):
        assert template[name]["Properties"]["DeadLetterQueue"] == {
            "Type": "SQS",
            "TargetArn": {"Fn::GetAtt": [resources.SCHEDULE_DLQ_ID, "Arn"]},
        }
    # AND the events handler's reserved concurrency is a parameter, none reserved by default
    parameter = package.template["Parameters"][resources.EVENT_CONCURRENCY]
    assert parameter["Default"] == 0
    assert template["OnEvent"]["Properties"]["ReservedConcurrentExecutions"] == {
        "Fn::If": [
            resources.EVENT_CONCURRENCY_SET,
            {"Ref": resources.EVENT_CONCURRENCY},
            {"Ref": "AWS::NoValue"},
        ]
    }
    assert "ReservedConcurrentExecutions" not in template["APIHandler"]["Properties"]


def test_the_functions_run_this_python_on_the_stacks_resources(package: Package) -> None:
    functions = package.of_type("AWS::Serverless::Function")
    assert set(functions) == set(resources.chalice_functions()[0])
    assert {"APIHandler", "OnEvent", "RemindLateSteps"} <= set(functions)
    for name, function in functions.items():
        props = function["Properties"]
        # the runtime the zip's compiled wheels are built for: Chalice takes this Python's
        assert props["Runtime"] == RUNTIME and props["Architectures"] == ["x86_64"], name
        variables = props["Environment"]["Variables"]
        assert variables["DOCUMENTS_BUCKET"] == {"Ref": "DocumentsBucket"}, name
        assert variables["PUBLIC_BASE_URL"] == {"Ref": "PublicBaseUrl"}, name
        assert variables["TABLE_PREFIX"] == "jiafuwu-prod-"
        assert f"{name}LogGroup" in package.template["Resources"]
    # the SQS trigger names the queue the template defines, and waits for it
    on_event = functions["OnEvent"]
    assert on_event["DependsOn"] == ["EventsQueue"]
    (source,) = on_event["Properties"]["Events"].values()
    assert source["Type"] == "SQS"
    # only the failed messages of a batch come back (the handler's partial batch response)
    assert source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["Properties"]["Queue"]["Fn::Sub"].endswith(
        ":" + package.template["Resources"]["EventsQueue"]["Properties"]["QueueName"]
    )


def test_every_role_carries_the_stacks_policy_and_nothing_else(package: Package) -> None:
    # the partition-neutral document (tests/deploy/test_policy.py evaluates it in both)
    written = resources.template_policy("prod")
    roles = package.of_type("AWS::IAM::Role")
    # Chalice gives each function its own role when the policy is written
    assert len(roles) == len(package.of_type("AWS::Serverless::Function"))
    assert set(roles) == set(resources.chalice_roles().values())
    for name, role in roles.items():
        (policy,) = role["Properties"]["Policies"]
        assert policy["PolicyDocument"] == written, name
        assert "ManagedPolicyArns" not in role["Properties"], name


def test_the_zip_leaves_boto3_and_botocore_to_the_runtime(package: Package) -> None:
    top = {name.split("/")[0] for name in package.names}
    for gone in ("boto3", "botocore", "s3transfer", "dateutil", "jmespath"):
        assert gone not in top
        assert not any(t.lower().startswith(f"{gone}-") for t in top), gone
    # urllib3 stays only because requests needs it (Tencent Cloud SMS's SDK, imported when
    # SMS_PROVIDER=tencent): slim_bundle keeps what something kept requires, in a version
    # botocore accepts (!=2.2.0, <3)
    assert "requests" in top and "tencentcloud" in top
    assert "urllib3" in top
    # what the app needs is in
    assert {"app.py", "chalice", "chalicelib", "pynamodb", "pydantic", "reportlab"} <= top


def test_the_zip_carries_no_dev_or_ops_code(package: Package) -> None:
    # GIVEN the zip Lambda runs WHEN its files are listed
    ours = [n for n in package.names if n == "app.py" or n.startswith("chalicelib/")]
    top = {name.split("/")[0] for name in package.names}
    # THEN the embedded stack, the emulator, resource creation, the demo data, the staff
    # CLI and the DLQ tools are not in it, nor their libraries (moto, click)
    assert top.isdisjoint({"devstack", "infra", "ops", "moto", "click"}), sorted(top)
    for gone in ("local", "emulator", "provision", "demo", "resources", "cli", "dlq"):
        assert not any(n.startswith(f"chalicelib/{gone}.") for n in ours), gone
    # AND chalicelib/ holds its packages and at most the three loose ground-floor modules
    loose = sorted(
        n.removeprefix("chalicelib/")
        for n in ours
        if n.count("/") == 1 and n.endswith((".py", ".pyc")) and "__init__" not in n
    )
    assert {name.split(".")[0] for name in loose} <= {"settings", "logs", "links"}, loose
    packages = {n.split("/")[1] for n in ours if n.count("/") >= 2}
    assert {"core", "forms", "store", "filing", "staff", "documents", "web"} <= packages


def test_the_zip_carries_the_lambda_platforms_compiled_wheels(package: Package) -> None:
    with zipfile.ZipFile(package.zip) as bundle:
        (wheel,) = [
            n for n in package.names if n.startswith("pydantic_core-") and n.endswith("/WHEEL")
        ]
        tags = [
            line.split(": ")[1]
            for line in bundle.read(wheel).decode().splitlines()
            if line.startswith("Tag:")
        ]
    assert tags and all(
        t.startswith(f"{ABI}-{ABI}-manylinux") and t.endswith("x86_64") for t in tags
    )
    binary = f"pydantic_core/_pydantic_core.cpython-{ABI[2:]}-x86_64-linux-gnu"
    assert any(n.startswith(binary) for n in package.names)


IMPORT_CHECK = r"""
import importlib, json, pkgutil, sys
bundle, runtime, requirements = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
sys.path[:0] = [bundle, runtime]
import app
import chalicelib
# Every module imports, but those that need a development tool (the staff's command
# line, the local stack): they are never imported by the functions.
tools = {}
for module in pkgutil.walk_packages(chalicelib.__path__, "chalicelib."):
    try:
        importlib.import_module(module.name)
    except ModuleNotFoundError as missing:
        top = (missing.name or "").split(".")[0]
        if top.lower().replace("_", "-") in requirements:
            raise  # a requirement of the bundle, missing from the zip
        tools[module.name] = top
import botocore, pydantic_core, pynamodb, reportlab, PIL.Image, segno
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
PIL.Image.new("L", (4, 4))
segno.make("https://example.cn/verify/X")
where = {m.__name__: m.__file__ for m in (botocore, pydantic_core, pynamodb, reportlab, PIL)}
event = {
    "resource": "/api/forms", "path": "/api/forms", "httpMethod": "GET",
    "headers": {"Accept": "application/json"}, "multiValueHeaders": {},
    "queryStringParameters": None, "multiValueQueryStringParameters": None,
    "pathParameters": None, "stageVariables": None, "body": None, "isBase64Encoded": False,
    "requestContext": {"resourcePath": "/api/forms", "httpMethod": "GET", "stage": "api",
                       "identity": {"sourceIp": "192.0.2.1"}},
}
answer = app.app(event, None)
test_event = {"Records": [{
    "messageId": "1", "receiptHandle": "r", "body": json.dumps({"Event": "s3:TestEvent"}),
    "attributes": {}, "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
    "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:jiafuwu-events", "awsRegion": "us-east-1",
}]}
app.on_event(test_event, None)  # the S3 -> SQS handler: the bucket's test event, ignored
print(json.dumps({"where": where, "status": answer["statusCode"], "tools": tools,
                  "forms": [f["id"] for f in json.loads(answer["body"])]}))
"""


def test_the_packaged_app_imports_and_answers_with_the_runtimes_boto3(
    package: Package, tmp_path: Path
) -> None:
    # GIVEN the zip unpacked, and a stand-in for the runtime: the venv's boto3 and its kin
    bundle = tmp_path / "task"
    with zipfile.ZipFile(package.zip) as z:
        z.extractall(bundle)
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    import boto3
    import botocore
    import dateutil
    import jmespath
    import s3transfer
    import six
    import urllib3

    for module in (boto3, botocore, s3transfer, jmespath, dateutil, urllib3):
        source = Path(module.__file__).parent  # type: ignore[arg-type]
        (runtime / source.name).symlink_to(source)
    (runtime / "six.py").symlink_to(six.__file__)  # type: ignore[arg-type]
    # WHEN a bare interpreter (no site-packages) imports the app from it and calls it
    requirements = json.dumps(
        [
            re.split(r"[=<>!~\[; ]", line.strip())[0].lower().replace("_", "-")
            for line in (PROJECT_DIR / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")
        ]
    )
    env = {
        "PATH": os.environ["PATH"],
        "STAGE": "prod",
        "SIGNING_KEYS": "k",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    ran = subprocess.run(
        [sys.executable, "-I", "-S", "-c", IMPORT_CHECK, str(bundle), str(runtime), requirements],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    result = json.loads(ran.stdout.strip().splitlines()[-1])
    # THEN every module imports, the compiled ones from the zip, botocore from the runtime
    assert result["where"]["botocore"].startswith(str(runtime))
    for name in ("pydantic_core", "pynamodb", "reportlab", "PIL"):
        assert result["where"][name].startswith(str(bundle)), name
    # AND only modules for development tools stay unimported (their tool is not bundled)
    print("development-only modules in the zip:", result["tools"])
    assert set(result["tools"].values()).isdisjoint({"pydantic", "pynamodb", "reportlab"})
    # AND the API answers: the form catalogue, its JSON Schemas built by pydantic-core
    assert result["status"] == 200
    assert "enterprise-resumption" in result["forms"]


# --- the zip's slimming, on a zip made for the purpose ---


def _dist(
    bundle: zipfile.ZipFile, name: str, version: str, files: list[str], requires: list[str]
) -> None:
    info = f"{name.replace('-', '_')}-{version}.dist-info"
    metadata = "\n".join(
        [f"Name: {name}", f"Version: {version}", *(f"Requires-Dist: {r}" for r in requires)]
    )
    bundle.writestr(f"{info}/METADATA", metadata + "\n")
    for f in files:
        bundle.writestr(f, "x")
    record = [*files, f"{info}/METADATA", f"{info}/RECORD"]
    bundle.writestr(f"{info}/RECORD", "".join(f"{f},,\n" for f in record))


def test_slimming_removes_the_runtimes_packages_unless_something_kept_needs_them(
    tmp_path: Path,
) -> None:
    # GIVEN pynamodb (-> botocore -> urllib3, jmespath) and a package of ours needing urllib3
    path = tmp_path / "deployment.zip"
    with zipfile.ZipFile(path, "w") as bundle:
        _dist(bundle, "pynamodb", "6.1.0", ["pynamodb/__init__.py"], ["botocore>=1.12"])
        _dist(
            bundle,
            "botocore",
            "1.44.8",
            ["botocore/__init__.py", "botocore/data/x.json"],
            ["jmespath<2,>=0.7", "urllib3>=1.25.4", 'awscrt==0.1; extra == "crt"'],
        )
        _dist(bundle, "jmespath", "1.1.0", ["jmespath/__init__.py"], [])
        _dist(bundle, "urllib3", "2.8.0", ["urllib3/__init__.py"], [])
        _dist(
            bundle,
            "needs-urllib3",
            "1.0",
            ["needs_urllib3.py"],
            ["urllib3 ; python_version >= '3'"],
        )
        bundle.writestr("app.py", "import pynamodb")
        bundle.writestr("chalicelib/__pycache__/x.cpython-311.pyc", b"\0")
    # WHEN slimmed
    removed, before, after = slim_bundle.slim(path)
    # THEN botocore and jmespath are gone, urllib3 stays (needed), pynamodb and the app stay
    assert removed == ["botocore", "jmespath"]
    with zipfile.ZipFile(path) as bundle:
        left = set(bundle.namelist())
        assert bundle.testzip() is None
    assert not any(n.startswith(("botocore", "jmespath")) for n in left)
    assert {"app.py", "pynamodb/__init__.py", "urllib3/__init__.py", "needs_urllib3.py"} <= left
    # the build machine's bytecode is gone; each module is compiled for the runtime
    assert "chalicelib/__pycache__/x.cpython-311.pyc" not in left
    assert f"__pycache__/app.{sys.implementation.cache_tag}.pyc" in left
    with zipfile.ZipFile(path) as bundle:
        assert after == sum(i.file_size for i in bundle.infolist()) != before


def test_the_zip_carries_bytecode_for_every_module_the_runtime_can_trust(
    package: Package,
) -> None:
    """Lambda's directory is read-only: without .pyc files in the zip every module is
    compiled at every cold start. Each one is there, marked as an unchecked hash (the
    zip's timestamps mean nothing), and loads as the module it was compiled from."""
    modules = [n for n in package.names if n.endswith(".py")]
    with zipfile.ZipFile(package.zip) as bundle:
        names = set(bundle.namelist())
        for module in ("app.py", "chalicelib/filing/submission.py", "pynamodb/models.py"):
            cached = importlib.util.cache_from_source(module)
            assert cached in names, cached
            pyc = bundle.read(cached)
            flags = int.from_bytes(pyc[4:8], "little")
            assert flags == 0b01  # hash-based, not checked against the source
            assert pyc[8:16] == importlib.util.source_hash(bundle.read(module))
            code = marshal.loads(pyc[16:])
            assert code.co_filename == f"/var/task/{module}"
    compiled = {n for n in names if n.endswith(".pyc")}
    assert len(compiled) >= 0.95 * len(modules)


def test_slimming_a_zip_without_botocore_changes_nothing_but_bytecode(tmp_path: Path) -> None:
    path = tmp_path / "deployment.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        _dist(bundle, "urllib3", "2.8.0", ["urllib3/__init__.py"], [])
        bundle.writestr("app.py", "")
    path.write_bytes(buffer.getvalue())
    assert slim_bundle.slim(path)[0] == []  # urllib3 alone: nothing says Lambda's will do
