"""Email through SMTP with TLS (the standard library's smtplib): implicit TLS on 465 or
STARTTLS on 587, the server's certificate and name checked, the credentials from the
providers' secrets (SSM in deployed stages). Never in clear: a server that does not
offer STARTTLS is refused."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from chalicelib.settings import Settings, notify_secrets
from chalicelib.store.providers.base import Message, ProviderError


class SmtpMail:
    def __init__(self, settings: Settings) -> None:
        if not settings.smtp_host:
            raise ProviderError("MAIL_PROVIDER smtp needs SMTP_HOST")
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.implicit = settings.smtp_tls == "implicit"
        self.ca_file = settings.smtp_ca_file or None
        self.sender = settings.mail_from
        self.timeout = settings.notify_timeout

    def email(self, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.to
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        mail.set_content(message.text, charset="utf-8")
        return mail

    def send(self, message: Message) -> None:
        secrets = notify_secrets()
        context = ssl.create_default_context(cafile=self.ca_file)
        try:
            if self.implicit:
                server: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with server:
                if not self.implicit:
                    server.ehlo()
                    if not server.has_extn("starttls"):
                        raise ProviderError("the SMTP server offers no STARTTLS")
                    server.starttls(context=context)
                    server.ehlo()
                server.login(secrets["smtp_user"], secrets["smtp_password"])
                refused = server.send_message(self.email(message))
        except (OSError, smtplib.SMTPException) as exc:
            # Not chained: a refusal's text names the address, and errors reach the logs
            code = getattr(exc, "smtp_code", "")
            raise ProviderError(f"SMTP: {type(exc).__name__} {code}".strip()) from None
        if refused:
            raise ProviderError("SMTP: the recipient was refused")
