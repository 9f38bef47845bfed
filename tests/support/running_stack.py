"""The real local stack of `make run`, started as its own process on free ports; its
fixture (`running_stack`) is declared to pytest by tests/e2e/conftest.py."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from devstack.local import Spawned


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
    log = tmp_path_factory.mktemp("stack") / "stack.log"
    try:
        # Every walk and every schemathesis call comes from one address (127.0.0.1), where
        # a district's applicants each have their own: the day's cap of SMS codes per
        # address is raised for it (the per-minute limit and the per-number caps hold).
        spawned = Spawned(log, env={"PHONE_CODES_PER_CLIENT_DAY": "1000000"})
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield RunningStack(spawned.base_url, spawned.aws_url, spawned.process, log)
    spawned.stop()
