"""What the walks over the running stack wait for and read: an asynchronous effect, an
approval link from the outbox, a document's QR code as a camera would see it."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import zxingcpp
from PIL import Image

from tests.support.running_stack import RunningStack

T = TypeVar("T")


def eventually(probe: Callable[[], T | None], seconds: float = 30) -> T:
    """What the stack does asynchronously (the poller, the handler) shows up soon."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (value := probe()) is not None:
            return value
        time.sleep(0.25)
    raise AssertionError("timed out waiting for the stack")


def approval_link(stack: RunningStack, filing_id: str, step: str) -> str | None:
    for message in stack.outbox():
        if message["filing_id"] == filing_id and message.get("step") == step:
            return str(message["links"][0])  # type: ignore[index]
    return None


def qr_payload(pdf: bytes, workdir: Path) -> str:
    """Render the PDF as a checkpoint's camera would see it, and read its QR code."""
    codes = [c.text for c in qr_payloads(pdf, workdir)]
    verify = [text for text in codes if "/verify/" in text]
    assert len(verify) == 1, "one QR code to verify the document"
    return str(verify[0])


def qr_payloads(pdf: bytes, workdir: Path) -> list[Any]:
    """Every QR code on the page (a certificate's 员工登记 QR beside its own), as read."""
    (workdir / "doc.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "doc.pdf", "page"],
        cwd=workdir,
        check=True,
    )
    return list(zxingcpp.read_barcodes(Image.open(workdir / "page.png")))
