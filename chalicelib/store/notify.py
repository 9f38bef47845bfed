"""Messages to people, through the providers the stage chose (chalicelib/store/providers/:
SES or SMTP for email, SNS or Tencent Cloud SMS for SMS), and in the local stage a copy
of each in the outbox (`/dev/outbox`), whichever provider carried it.

Handlers are replayed, so every message is claimed before it is sent
(`send_once`): a replay finds the claim and sends nothing; a failed send
releases its claim so that the retry sends it.
"""

from __future__ import annotations

import logging
import secrets

from pynamodb.exceptions import PutError

from chalicelib.core.clock import utcnow
from chalicelib.settings import get_settings
from chalicelib.store import claims, metrics, providers
from chalicelib.store.models import Contact, OutboxMessage, Unique, bind_models
from chalicelib.store.providers import Message

__all__ = ["Message", "outbox", "send", "send_once", "to_contact", "to_phone"]
log = logging.getLogger(__name__)


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
        except Exception as exc:
            # not sent (as far as anyone knows): the retry may send it, once
            claim.delete()
            metrics.count("NotificationFailures", channel=message.channel)
            log.warning(
                "%s to %s not sent (%s): %s; the event will be delivered again",
                message.channel,
                message.filing_id,
                purpose,
                type(exc).__name__,
            )
            raise
        sent += 1
    log.info("sent %d message(s) for %s (%s)", sent, message_ids(messages), purpose)
    return sent


def message_ids(messages: list[Message]) -> str:
    # Never log addresses or phone numbers: filing ids and channels only.
    return ",".join(sorted({f"{m.filing_id}:{m.channel}" for m in messages}))


def send(message: Message) -> None:
    """Through the channel's provider; raises when it was not taken."""
    settings = get_settings()
    providers.for_channel(message.channel).send(message)
    if settings.outbox_enabled:
        OutboxMessage(
            box="outbox",
            seq=f"{utcnow().isoformat()}#{secrets.token_hex(4)}",
            message=_outbox_copy(message),
        ).save()


def _outbox_copy(message: Message) -> dict[str, object]:
    # /dev/outbox's shape (shared/CONTRACT.md): an SMS's template, where given, beside it
    copy = message._asdict() | {"links": list(message.links)}
    template, params = copy.pop("template"), copy.pop("params")
    if template:
        copy["template"], copy["params"] = template, list(params or ())
    return copy


def outbox() -> list[dict[str, object]]:
    bind_models()
    return [item.message for item in OutboxMessage.query("outbox")]


def to_phone(mobile: str) -> str:
    """A mainland mobile number as E.164, the form SNS and Tencent Cloud SMS take."""
    return mobile if mobile.startswith("+") else f"+86{mobile}"
