"""A local fake of Tencent Cloud SMS's HTTP endpoint (sms.tencentcloudapi.com, API
2021-01-11): it recomputes each request's TC3-HMAC-SHA256 signature from the secret it
knows, refuses a request whose signature, action, version or region is wrong (as the
service does, with an error code), and records what was asked (template id, parameters,
phones, signature name). It answers as told: `ok`, `http500`, `error` (an error code in
the answer), `status` (a number's own status not Ok) or `hang` (never answers)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SECRET_ID, SECRET_KEY = "AKIDtestsecretid0000", "tencent-secret-key-for-tests"
SERVICE = "sms"


def tc3_signature(
    secret_key: str, method: str, host: str, content_type: str, body: bytes, timestamp: str
) -> tuple[str, str]:
    """The signature and credential scope Tencent Cloud computes for a request
    (its documented TC3-HMAC-SHA256, written here independently of the SDK)."""
    date = datetime.fromtimestamp(int(timestamp), UTC).strftime("%Y-%m-%d")
    canonical = "\n".join(
        [
            method,
            "/",
            "",
            f"content-type:{content_type}\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{date}/{SERVICE}/tc3_request"
    to_sign = "\n".join(
        ["TC3-HMAC-SHA256", timestamp, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )

    def mac(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    key = mac(mac(mac(f"TC3{secret_key}".encode(), date), SERVICE), "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), scope


@dataclass
class FakeSms:
    endpoint: str = ""
    mode: str = "ok"
    sent: list[dict[str, Any]] = field(default_factory=list)  # requests it accepted
    refused: list[str] = field(default_factory=list)  # why it refused the others
    requests: int = 0
    released: threading.Event = field(default_factory=threading.Event)


def _handler(fake: FakeSms) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def answer(self, status: int, payload: dict[str, Any]) -> None:
            body = json.dumps({"Response": payload}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def error(self, code: str) -> None:
            fake.refused.append(code)
            self.answer(200, {"Error": {"Code": code, "Message": code}, "RequestId": "r-1"})

        def do_POST(self) -> None:
            fake.requests += 1
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if fake.mode == "hang":
                fake.released.wait(30)
                return
            if fake.mode == "http500":
                self.send_response(500)
                self.end_headers()
                return
            auth = self.headers.get("Authorization", "")
            expected, scope = tc3_signature(
                SECRET_KEY,
                "POST",
                self.headers.get("Host", ""),
                self.headers.get("Content-Type", ""),
                body,
                self.headers.get("X-TC-Timestamp", "0"),
            )
            wanted = (
                f"TC3-HMAC-SHA256 Credential={SECRET_ID}/{scope}, "
                f"SignedHeaders=content-type;host, Signature={expected}"
            )
            if not hmac.compare_digest(auth, wanted):
                return self.error("AuthFailure.SignatureFailure")
            if (self.headers.get("X-TC-Action"), self.headers.get("X-TC-Version")) != (
                "SendSms",
                "2021-01-11",
            ):
                return self.error("InvalidAction")
            if not self.headers.get("X-TC-Region"):
                return self.error("MissingParameter")
            if fake.mode == "error":
                return self.error("FailedOperation.TemplateIncorrectOrUnapproved")
            request = json.loads(body)
            request["region"] = self.headers["X-TC-Region"]
            code = "LimitExceeded.PhoneNumberDailyLimit" if fake.mode == "status" else "Ok"
            statuses = [
                {
                    "SerialNo": f"s-{fake.requests}",
                    "PhoneNumber": p,
                    "Fee": 1,
                    "Code": code,
                    "Message": "send success" if code == "Ok" else code,
                    "IsoCode": "CN",
                    "SessionContext": "",
                }
                for p in request.get("PhoneNumberSet", [])
            ]
            if code == "Ok":
                fake.sent.append(request)
            self.answer(200, {"SendStatusSet": statuses, "RequestId": f"r-{fake.requests}"})

    return Handler


@contextmanager
def fake_tencent_sms() -> Iterator[FakeSms]:
    fake = FakeSms()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.released.set()
        server.shutdown()
        server.server_close()
