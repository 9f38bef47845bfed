"""A real SMTP server on 127.0.0.1 (aiosmtpd), speaking TLS with a throwaway CA's
certificate (trustme): implicit TLS (as on 465) or STARTTLS (as on 587), a login
required over TLS only; every message it accepted, as bytes."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "noreply@jiafuwu.example.cn", "smtp-secret-for-tests"


@dataclass
class MailServer:
    host: str
    port: int
    ca_file: Path
    received: list[dict[str, Any]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    refuse_with: str | None = None  # an SMTP answer to every DATA, e.g. "451 try later"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_with:
            return self.refuse_with
        self.received.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "data": envelope.original_content,
                "tls": server.transport.get_extra_info("ssl_object") is not None,
            }
        )
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = (auth_data.login.decode(), auth_data.password.decode()) == (USER, PASSWORD)
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server(tmp_path: Path, *, implicit_tls: bool) -> Iterator[MailServer]:
    ca = trustme.CA()
    ca_file = tmp_path / "smtp-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    mail = MailServer("127.0.0.1", _free_port(), ca_file)
    options: dict[str, Any] = {
        "hostname": mail.host,
        "port": mail.port,
        "authenticator": mail.authenticate,
        "auth_require_tls": True,
    }
    if implicit_tls:
        # TLS from the first byte; aiosmtpd counts only STARTTLS for auth_require_tls
        options |= {"ssl_context": server_context, "auth_require_tls": False}
    else:
        options |= {"tls_context": server_context, "require_starttls": True}
    controller = Controller(mail, **options)
    controller.start()
    try:
        yield mail
    finally:
        controller.stop()
