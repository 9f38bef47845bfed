"""The embedded stack behind `make run`: moto as the AWS, the app on Chalice's
LocalDevServer, and a poller that hands the events queue's messages to the very
handler Lambda runs. Not part of the Lambda bundle's work: moto and the Chalice
CLI are development dependencies, imported here only.

    python -m chalicelib.local          # PORT (8000) and AWS_PORT (5000) to move it
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

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

    def __init__(self, handler: Callable[[dict[str, Any], Any], Any], queue_url: str) -> None:
        super().__init__(name="sqs-poller", daemon=True)
        from chalicelib import aws

        self.handler = handler
        self.queue_url = queue_url
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
            self.handler(sqs_event(messages, self.queue_arn), None)
        except Exception:
            log.exception("event handler failed; SQS will deliver the batch again")
            return 0
        self.sqs.delete_message_batch(
            QueueUrl=self.queue_url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
            ],
        )
        return len(messages)

    def stop(self) -> None:
        self.stopping.set()


class Scheduler(threading.Thread):
    """Runs a scheduled handler as EventBridge would, every `interval` seconds."""

    def __init__(self, handler: Callable[[dict[str, Any], Any], Any], interval: float) -> None:
        super().__init__(name="scheduler", daemon=True)
        self.handler = handler
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            try:
                self.handler(scheduled_event(), None)
            except Exception:
                log.exception("scheduled handler failed; it runs again next time")

    def stop(self) -> None:
        self.stopping.set()


def scheduled_event() -> dict[str, Any]:
    from chalicelib.ids import utcnow

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
        from chalicelib.emulator import make_dynamodb_faithful

        make_dynamodb_faithful()  # the server runs requests in threads: writes must be atomic
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.aws_port, verbose=False)
        self._moto.start()
        app_module, config = self._load_app()
        from chalicelib import aws, directory, resources
        from chalicelib.settings import get_settings

        get_settings.cache_clear()
        aws.reset_clients()
        queue_url = resources.create_all(get_settings())
        directory.seed_demo()
        from chalicelib import stock

        stock.seed_demo()  # the demo town's masks, disinfectant and thermometers
        self._poller = Poller(app_module.on_event, queue_url)
        self._poller.start()
        interval = float(os.environ.get("SCHEDULE_SECONDS", "60"))
        self._scheduler = Scheduler(app_module.remind_late_steps, interval)
        self._scheduler.start()
        from chalice.local import LocalDevServer

        self._server = LocalDevServer(app_module.app, config, host="127.0.0.1", port=self.port)
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
        from chalicelib import staff
        from chalicelib.directory import DISTRICT_OFFICE
        from chalicelib.settings import get_settings

        return staff.dashboard_url(DISTRICT_OFFICE, get_settings().district_scope)

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
