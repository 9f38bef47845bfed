"""Notifications through the providers a China stage uses (issue #18): email over SMTP
with TLS to a real local server (aiosmtpd; implicit TLS and STARTTLS), SMS through
Tencent Cloud SMS's own SDK to a local fake of its endpoint that checks the request's
TC3-HMAC-SHA256 signature. A provider that fails (5xx, a timeout, an error code)
raises: `send_once` releases the claim, so the retry sends the message, once."""

from __future__ import annotations

import email
import email.policy
import json
import logging
import time
from pathlib import Path

import pytest

from chalicelib.settings import get_settings, notify_secrets
from chalicelib.store import notify, providers
from chalicelib.store.models import Unique
from chalicelib.store.providers import sms_templates
from tests.support import smtp_server, tencent_sms
from tests.support.stack import Stack

FILING = "f" * 32
PHONE = "+8613905791234"
SMS_TEXT = (
    "【婺城家服务】企业复工备案20200210-7KQ3M待您审核，72小时内有效：http://jiafuwu.test/approve/T"
)
TEMPLATE_IDS = {key: str(1000 + i) for i, key in enumerate(sms_templates.TEMPLATES)}


def configure(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    secrets = {
        "smtp_user": smtp_server.USER,
        "smtp_password": smtp_server.PASSWORD,
        "sms_secret_id": tencent_sms.SECRET_ID,
        "sms_secret_key": tencent_sms.SECRET_KEY,
    }
    monkeypatch.setenv("NOTIFY_SECRETS", json.dumps(secrets))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    notify_secrets.cache_clear()


def use_smtp(monkeypatch: pytest.MonkeyPatch, server: smtp_server.MailServer, tls: str) -> None:
    configure(
        monkeypatch,
        MAIL_PROVIDER="smtp",
        SMTP_HOST=server.host,
        SMTP_PORT=str(server.port),
        SMTP_TLS=tls,
        SMTP_CA_FILE=str(server.ca_file),
    )


def use_tencent(monkeypatch: pytest.MonkeyPatch, fake: tencent_sms.FakeSms) -> None:
    configure(
        monkeypatch,
        SMS_PROVIDER="tencent",
        SMS_APP_ID="1400000001",
        SMS_ENDPOINT=fake.endpoint,
        SMS_TEMPLATE_IDS=json.dumps(TEMPLATE_IDS),
    )


def mail(to: str = "wang@example.com") -> notify.Message:
    return notify.Message(
        "email",
        to,
        "企业复工备案 20200210-7KQ3M：镇街审核已通过",
        "王五您好：\n您的企业复工备案已通过镇街审核。\n\nHello, approved.",
        ("http://jiafuwu.test/filings/f",),
        FILING,
    )


def sms(text: str = SMS_TEXT) -> notify.Message:
    return notify.Message("sms", PHONE, "subject", text, ("http://jiafuwu.test/approve/T",), FILING)


def claims() -> int:
    return sum(1 for _ in Unique.scan())


@pytest.mark.parametrize("tls", ["implicit", "starttls"])
def test_email_arrives_over_tls_with_its_headers_and_utf8_body(
    stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tls: str
) -> None:
    # GIVEN a stage that mails through SMTP, a real server speaking TLS (465-style or 587)
    with smtp_server.smtp_server(tmp_path, implicit_tls=tls == "implicit") as server:
        use_smtp(monkeypatch, server, tls)
        # WHEN a message is sent once for its purpose
        assert notify.send_once("decision:town", [mail()]) == 1
    # THEN the server got it over TLS, after the login, with the headers and the body
    assert server.logins == [smtp_server.USER]
    [received] = server.received
    assert received["tls"] and received["to"] == ["wang@example.com"]
    assert received["from"] == get_settings().mail_from
    parsed = email.message_from_bytes(received["data"], policy=email.policy.default)
    assert parsed["Subject"] == "企业复工备案 20200210-7KQ3M：镇街审核已通过"
    assert parsed["From"] == get_settings().mail_from and parsed["To"] == "wang@example.com"
    assert parsed["Message-ID"] and parsed["Date"]
    body = parsed.get_body()
    assert body is not None and body.get_content_charset() == "utf-8"
    assert "您的企业复工备案已通过镇街审核" in body.get_content()
    # AND the local stage still keeps its outbox copy
    assert [m["to"] for m in stack.outbox()] == ["wang@example.com"]


def test_a_server_that_refuses_the_mail_leaves_it_to_be_retried_and_sent_once(
    stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with smtp_server.smtp_server(tmp_path, implicit_tls=False) as server:
        use_smtp(monkeypatch, server, "starttls")
        before = claims()
        # GIVEN a server answering 451 (try later) to the message
        server.refuse_with = "451 4.3.0 try again later"
        # WHEN it is sent: THEN the delivery fails and no claim is left to block the retry
        with pytest.raises(providers.ProviderError):
            notify.send_once("decision:town", [mail()])
        assert claims() == before and server.received == [] and stack.outbox() == []
        # WHEN the retry comes, the server answering again: THEN it is sent, once
        server.refuse_with = None
        assert notify.send_once("decision:town", [mail()]) == 1
        assert notify.send_once("decision:town", [mail()]) == 0  # a replay sends nothing
    assert len(server.received) == 1 and claims() == before + 1


def test_smtp_refuses_a_certificate_it_cannot_trust(
    stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with smtp_server.smtp_server(tmp_path, implicit_tls=True) as server:
        use_smtp(monkeypatch, server, "implicit")
        # GIVEN the system's CAs only (the throwaway CA not named)
        monkeypatch.setenv("SMTP_CA_FILE", "")
        get_settings.cache_clear()
        # THEN nothing is sent in clear or to an unproven server, and nothing is claimed
        with pytest.raises(providers.ProviderError):
            notify.send_once("decision:town", [mail()])
    assert server.received == [] and server.logins == [] and claims() == 0


def test_sms_goes_through_tencent_clouds_sdk_signed_with_the_template_and_its_params(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    with tencent_sms.fake_tencent_sms() as fake:
        # GIVEN a stage that sends SMS through Tencent Cloud SMS (its endpoint, the fake)
        use_tencent(monkeypatch, fake)
        # WHEN an approval request's SMS is sent
        assert notify.send_once("approver:town:1", [sms()]) == 1
    # THEN the fake found the SDK's TC3-HMAC-SHA256 signature right, and was asked for
    # the registered template with its parameters in order, to the phone, signed 婺城家服务
    assert fake.refused == []
    [request] = fake.sent
    assert request["TemplateId"] == TEMPLATE_IDS["approval_request"]
    assert request["TemplateParamSet"] == [
        "企业复工备案",
        "20200210-7KQ3M",
        "72",
        "http://jiafuwu.test/approve/T",
    ]
    assert request["PhoneNumberSet"] == [PHONE]
    assert request["SignName"] == "婺城家服务" and request["SmsSdkAppId"] == "1400000001"
    assert request["region"] == "ap-guangzhou"
    # AND what the phone shows is the text the outbox keeps
    key, params = sms_templates.match(SMS_TEXT)
    assert sms_templates.render(key, params, "婺城家服务") == SMS_TEXT
    assert [m["text"] for m in stack.outbox()] == [SMS_TEXT]


def test_a_message_may_name_its_template_and_params(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    with tencent_sms.fake_tencent_sms() as fake:
        use_tencent(monkeypatch, fake)
        named = sms("any text")._replace(template="reminder", params=("表", "1", "审核", "u"))
        assert notify.send_once("reminder:town:1", [named]) == 1
    assert fake.sent[0]["TemplateId"] == TEMPLATE_IDS["reminder"]
    assert fake.sent[0]["TemplateParamSet"] == ["表", "1", "审核", "u"]


def test_a_wrong_secret_is_refused_by_the_signature_check(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    with tencent_sms.fake_tencent_sms() as fake:
        use_tencent(monkeypatch, fake)
        wrong = {"sms_secret_id": tencent_sms.SECRET_ID, "sms_secret_key": "not-the-secret"}
        monkeypatch.setenv("NOTIFY_SECRETS", json.dumps(wrong))
        notify_secrets.cache_clear()
        with pytest.raises(providers.ProviderError, match=r"AuthFailure\.SignatureFailure"):
            notify.send_once("approver:town:1", [sms()])
    assert fake.refused == ["AuthFailure.SignatureFailure"] and fake.sent == []
    assert claims() == 0


@pytest.mark.parametrize("mode", ["http500", "error", "status", "hang"])
def test_a_failing_sms_service_leaves_the_message_to_be_retried_never_lost_never_twice(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with tencent_sms.fake_tencent_sms() as fake:
        use_tencent(monkeypatch, fake)
        monkeypatch.setenv("NOTIFY_TIMEOUT", "1")
        get_settings.cache_clear()
        # GIVEN the service failing this way (a 5xx, an error code, a number's status not
        # Ok, no answer at all)
        fake.mode = mode
        started = time.monotonic()
        # WHEN the message is sent: THEN the delivery raises (the event goes back to SQS)
        with pytest.raises(providers.ProviderError):
            notify.send_once("approver:town:1", [sms()])
        assert time.monotonic() - started < 8  # a hanging service costs its timeout only
        # AND the claim is released: nothing is marked sent that was not
        assert claims() == 0 and stack.outbox() == []
        # WHEN the service recovers and the event is delivered again, twice
        fake.mode = "ok"
        assert notify.send_once("approver:town:1", [sms()]) == 1
        assert notify.send_once("approver:town:1", [sms()]) == 0
    # THEN the message was sent exactly once
    assert len(fake.sent) == 1 and claims() == 1 and len(stack.outbox()) == 1
    # AND neither the phone nor the secret reached a log
    logged = caplog.text + "".join(str(r.exc_info) for r in caplog.records)
    assert "13905791234" not in logged and tencent_sms.SECRET_KEY not in logged


def test_an_sms_with_no_registered_template_is_not_sent_and_not_claimed(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    with tencent_sms.fake_tencent_sms() as fake:
        use_tencent(monkeypatch, fake)
        with pytest.raises(sms_templates.UnknownTemplate):
            notify.send_once("approver:town:1", [sms("【婺城家服务】一条没有登记的短信")])
    assert fake.requests == 0 and claims() == 0


def test_the_providers_sdks_are_imported_only_when_chosen() -> None:
    import subprocess
    import sys

    code = (
        "import app, sys; from chalicelib.store import notify;"
        "print([m for m in sys.modules if m.startswith(('tencentcloud', 'smtplib', 'requests'))])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
