"""The embedded stack behind `make run`: moto as the AWS, the app on Chalice's
LocalDevServer, and a poller that hands the events queue's messages to the very
handler Lambda runs. Not part of the Lambda bundle's work: moto and the Chalice
CLI are development dependencies, imported here only.

    python -m devstack.local          # PORT (8000) and AWS_PORT (5000) to move it
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chalice.local import ChaliceRequestHandler

from chalicelib.core.clock import utcnow
from chalicelib.core.roles import DISTRICT_OFFICE
from chalicelib.logs import redact
from chalicelib.settings import get_settings
from chalicelib.staff import access
from chalicelib.store import aws
from devstack import demo, provision
from devstack.emulator import make_dynamodb_faithful

log = logging.getLogger("jiafuwu.local")
PROJECT_DIR = Path(__file__).resolve().parent.parent
REGION = "us-east-1"


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """SQS messages as Lambda's event source mapping delivers them."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
    }


class Poller(threading.Thread):
    """Long-polls the events queue and runs the handler on each batch, as Lambda does:
    a batch that raises stays on the queue, comes back after the visibility timeout,
    and after its receive limit goes to the dead-letter queue."""

    def __init__(
        self,
        handler: Callable[[dict[str, Any], Any], Any],
        queue_url: str,
        retry_seconds: int = 5,
    ) -> None:
        super().__init__(name="sqs-poller", daemon=True)

        self.handler = handler
        self.queue_url = queue_url
        self.retry_seconds = retry_seconds
        self.sqs = aws.client("sqs")
        attrs = self.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
        self.queue_arn = attrs["Attributes"]["QueueArn"]
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.poll_once()
            except Exception:  # the emulator going away at shutdown, a passing fault
                if not self.stopping.is_set():
                    log.exception("polling the events queue failed")
                    self.stopping.wait(1)

    def poll_once(self, wait_seconds: int = 1) -> int:
        answer = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
        )
        messages = answer.get("Messages", [])
        if not messages:
            return 0
        try:
            response = self.handler(sqs_event(messages, self.queue_arn), None) or {}
            failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
        except Exception:
            log.exception("event handler failed; SQS will deliver the batch again")
            failed = {m["MessageId"] for m in messages}
        done = [m for m in messages if m["MessageId"] not in failed]
        # As Lambda's partial batch response: the handled messages are deleted; the
        # failed ones come back (here after `retry_seconds`, not the queue's visibility
        # timeout) and, after their receive limit, go to the dead-letter queue.
        for m in messages:
            if m["MessageId"] in failed:
                self.sqs.change_message_visibility(
                    QueueUrl=self.queue_url,
                    ReceiptHandle=m["ReceiptHandle"],
                    VisibilityTimeout=self.retry_seconds,
                )
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
                ],
            )
        return len(done)

    def stop(self) -> None:
        self.stopping.set()


class Scheduler(threading.Thread):
    """Runs the scheduled handlers as EventBridge would, every `interval` seconds."""

    def __init__(
        self, handlers: list[Callable[[dict[str, Any], Any], Any]], interval: float
    ) -> None:
        super().__init__(name="scheduler", daemon=True)
        self.handlers = handlers
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            for handler in self.handlers:
                try:
                    handler(scheduled_event(), None)
                except Exception:
                    log.exception("scheduled handler failed; it runs again next time")

    def stop(self) -> None:
        self.stopping.set()


def scheduled_event() -> dict[str, Any]:
    return {
        "version": "0",
        "id": "local",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [],
        "detail": {},
    }


class RedactingHandler(ChaliceRequestHandler):
    """LocalDevServer's handler, its access log without link tokens: the request line
    carries them (?token=..., /approve/<token>), as API Gateway's would."""

    def log_message(self, format: str, *args: Any) -> None:
        line = redact(format % args)
        sys.stderr.write(f"{self.address_string()} - - [{self.log_date_time_string()}] {line}\n")


class LocalStack:
    def __init__(self, port: int, aws_port: int) -> None:
        self.port = port
        self.aws_port = aws_port
        self.base_url = f"http://127.0.0.1:{port}"
        self._moto: Any = None
        self._server: Any = None
        self._poller: Poller | None = None
        self._scheduler: Scheduler | None = None

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        os.environ.update(
            {
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": REGION,
                "AWS_ENDPOINT_URL": f"http://127.0.0.1:{self.aws_port}",
                "PUBLIC_BASE_URL": self.base_url,
            }
        )

        make_dynamodb_faithful()  # the server runs requests in threads: writes must be atomic
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.aws_port, verbose=False)
        self._moto.start()
        app_module, config = self._load_app()

        get_settings.cache_clear()
        aws.reset_clients()
        queue_url = provision.create_all(get_settings())
        demo.seed_directory()
        demo.seed_stock()  # the demo town's masks, disinfectant and thermometers
        self._poller = Poller(app_module.on_event, queue_url)
        self._poller.start()
        interval = float(os.environ.get("SCHEDULE_SECONDS", "60"))
        scheduled = [app_module.remind_late_steps, app_module.reconcile_records]
        self._scheduler = Scheduler(scheduled, interval)
        self._scheduler.start()
        from chalice.local import LocalDevServer

        self._server = LocalDevServer(
            app_module.app,
            config,
            host="127.0.0.1",
            port=self.port,
            handler_cls=RedactingHandler,
        )
        threading.Thread(target=self._server.serve_forever, name="http", daemon=True).start()

    def _load_app(self) -> tuple[Any, Any]:
        """The app and the `local` stage's config, its environment applied, as
        `chalice local` does."""
        from chalice.cli.factory import CLIFactory

        factory = CLIFactory(str(PROJECT_DIR), environ=os.environ)
        config = factory.create_config_obj(chalice_stage_name="local")
        os.environ.update(config.environment_variables)
        sys.path.insert(0, str(PROJECT_DIR))
        import app as app_module

        return app_module, config

    def stop(self) -> None:
        if self._poller:
            self._poller.stop()
        if self._scheduler:
            self._scheduler.stop()
        if self._server:
            self._server.shutdown()
        if self._moto:
            self._moto.stop()

    def _district_dashboard(self) -> str:
        return access.dashboard_url(DISTRICT_OFFICE, get_settings().district_scope)

    def banner(self) -> str:
        return "\n".join(
            [
                "",
                "婺城家服务 Jiafuwu is running on the embedded AWS (moto).",
                f"  Forms (办事):        {self.base_url}/",
                f"  Enterprise filing:   {self.base_url}/forms/enterprise-resumption",
                f"  Dev outbox (消息):   {self.base_url}/dev/outbox",
                f"  API catalogue:       {self.base_url}/api/forms",
                f"  Staff dashboard:     {self._district_dashboard()}",
                f"  AWS emulator:        http://127.0.0.1:{self.aws_port}",
                "Press Ctrl-C to stop.",
                "",
            ]
        )


# --- the stack as a process of its own (the end-to-end tests, the load test) ----------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Spawned:
    """`python -m devstack.local` started on free ports, its output in `log`."""

    def __init__(self, log: Path, env: dict[str, str] | None = None, timeout: float = 60) -> None:
        port, aws_port = free_port(), free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self.aws_url = f"http://127.0.0.1:{aws_port}"
        self.log = log
        # the stack's own settings: no AWS of the caller's, its local signing key and address
        child = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        for name in ("SIGNING_KEYS", "PUBLIC_BASE_URL"):
            child.pop(name, None)
        child |= {"PORT": str(port), "AWS_PORT": str(aws_port), "PYTHONUNBUFFERED": "1"}
        child |= env or {}
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "devstack.local"],
                cwd=PROJECT_DIR,
                env=child,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the stack exited early:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/api/forms", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.process.kill()
        raise RuntimeError(f"the stack did not come up in {timeout:.0f} s:\n{log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for noisy in ("werkzeug", "botocore", "pynamodb"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    stack = LocalStack(int(os.environ.get("PORT", "8000")), int(os.environ.get("AWS_PORT", "5000")))
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    stack.start()
    print(stack.banner(), flush=True)
    done.wait()
    print("Stopping…", flush=True)
    stack.stop()


if __name__ == "__main__":
    main()
