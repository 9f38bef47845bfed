"""What every provider takes (a Message) and what it raises when it could not deliver."""

from __future__ import annotations

from typing import Literal, NamedTuple, Protocol


class Message(NamedTuple):
    channel: Literal["email", "sms"]
    to: str
    subject: str
    text: str
    links: tuple[str, ...]
    filing_id: str
    step: str | None = None  # set where the message asks for a decision
    # An SMS's registered template (a key of providers/sms_templates.py) and its
    # parameters in the template's order. Left out, they are read back from `text`,
    # which is rendered from that same template.
    template: str | None = None
    params: tuple[str, ...] | None = None


class ProviderError(Exception):
    """A provider did not take the message (an error answer, a 5xx, a timeout): nothing
    is known to be sent, so the claim is released and the event delivered again."""


class Provider(Protocol):
    def send(self, message: Message) -> None: ...
