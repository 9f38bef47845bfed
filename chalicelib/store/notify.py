"""Messages to people: email through SES, SMS through SNS, and in the local stage
a copy of each in the outbox (`/dev/outbox`).

Handlers are replayed, so every message is claimed before it is sent
(`send_once`): a replay finds the claim and sends nothing; a failed send
releases its claim so that the retry sends it.
"""

from __future__ import annotations

import logging
import secrets
from typing import Literal, NamedTuple

from pynamodb.exceptions import PutError

from chalicelib.core.clock import utcnow
from chalicelib.settings import get_settings
from chalicelib.store import aws, claims
from chalicelib.store.models import Contact, OutboxMessage, Unique, bind_models

log = logging.getLogger(__name__)


class Message(NamedTuple):
    channel: Literal["email", "sms"]
    to: str
    subject: str
    text: str
    links: tuple[str, ...]
    filing_id: str
    step: str | None = None  # set where the message asks for a decision


def to_contact(
    contact: Contact, subject: str, text: str, sms: str, url: str, filing_id: str, step: str
) -> list[Message]:
    """A decision asked of a directory contact: an email to each address, an SMS to each
    phone, each carrying the step's link."""
    return [
        Message("email", address, subject, text, (url,), filing_id, step)
        for address in contact.emails
    ] + [Message("sms", phone, subject, sms, (url,), filing_id, step) for phone in contact.phones]


def send_once(purpose: str, messages: list[Message]) -> int:
    """Send each message unless a delivery of the same purpose already claimed it."""
    bind_models()
    sent = 0
    for message in messages:
        claim = Unique(
            key=claims.sent_key(message.filing_id, purpose, message.channel, message.to),
            filing_id=message.filing_id,
            created_at=utcnow(),
        )
        try:
            claim.save(condition=Unique.key.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                continue
            raise
        try:
            send(message)
        except Exception:
            claim.delete()
            raise
        sent += 1
    log.info("sent %d message(s) for %s (%s)", sent, message_ids(messages), purpose)
    return sent


def message_ids(messages: list[Message]) -> str:
    # Never log addresses or phone numbers: filing ids and channels only.
    return ",".join(sorted({f"{m.filing_id}:{m.channel}" for m in messages}))


def send(message: Message) -> None:
    settings = get_settings()
    if message.channel == "email":
        aws.client("ses").send_email(
            Source=settings.mail_from,
            Destination={"ToAddresses": [message.to]},
            Message={
                "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": message.text, "Charset": "UTF-8"}},
            },
        )
    else:
        aws.client("sns").publish(PhoneNumber=message.to, Message=message.text)
    if settings.outbox_enabled:
        OutboxMessage(
            box="outbox",
            seq=f"{utcnow().isoformat()}#{secrets.token_hex(4)}",
            message=message._asdict() | {"links": list(message.links)},
        ).save()


def outbox() -> list[dict[str, object]]:
    bind_models()
    return [item.message for item in OutboxMessage.query("outbox")]


def to_phone(mobile: str) -> str:
    """A mainland mobile number as E.164, the form SNS takes."""
    return mobile if mobile.startswith("+") else f"+86{mobile}"
