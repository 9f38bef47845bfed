"""The real local stack of `make run`, started as its own process on free ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningStack:
    base_url: str
    aws_url: str
    process: subprocess.Popen[str]
    log: Path | None = None

    def staff_link(self) -> str:
        """The district's dashboard link, as `make run` prints it in its banner."""
        assert self.log is not None
        for line in self.log.read_text().splitlines():
            if line.strip().startswith("Staff dashboard:"):
                return line.split(":", 1)[1].strip()
        raise AssertionError("the banner prints no staff dashboard link")

    def outbox(self) -> list[dict[str, object]]:
        answer = requests.get(f"{self.base_url}/dev/outbox", timeout=10)
        answer.raise_for_status()
        return answer.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def running_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    port, aws_port = free_port(), free_port()
    log = tmp_path_factory.mktemp("stack") / "stack.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"PORT": str(port), "AWS_PORT": str(aws_port), "PYTHONUNBUFFERED": "1"}
    env.pop("SIGNING_KEYS", None)
    env.pop("PUBLIC_BASE_URL", None)
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "chalicelib.local"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    stack = RunningStack(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{aws_port}", process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the stack exited early:\n{log.read_text()}")
        try:
            if requests.get(f"{stack.base_url}/api/forms", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail(f"the stack did not come up in 60 s:\n{log.read_text()}")
    yield stack
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
