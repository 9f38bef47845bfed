"""AWS's own: email through SES, SMS through SNS (global regions; China has neither)."""

from __future__ import annotations

from chalicelib.settings import Settings
from chalicelib.store import aws
from chalicelib.store.providers.base import Message


class SesMail:
    def __init__(self, settings: Settings) -> None:
        self.sender = settings.mail_from

    def send(self, message: Message) -> None:
        aws.client("ses").send_email(
            Source=self.sender,
            Destination={"ToAddresses": [message.to]},
            Message={
                "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": message.text, "Charset": "UTF-8"}},
            },
        )


class SnsSms:
    def send(self, message: Message) -> None:
        aws.client("sns").publish(PhoneNumber=message.to, Message=message.text)
