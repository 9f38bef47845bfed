"""Who carries a message: SMS through SNS (global regions) or Tencent Cloud SMS (China),
email through SES (global regions) or SMTP with TLS (China: any enterprise mailbox or
mail service). SMS_PROVIDER and MAIL_PROVIDER choose (chalicelib/settings.py); each
provider's module, and its SDK, is imported only when it is chosen (cold start).

A provider raises when the message was not taken (ProviderError, or its SDK's own
error): `notify.send_once` then releases the message's claim and the event is delivered
again. The entry point stays chalicelib/store/notify.py's `send` / `send_once`.
"""

from __future__ import annotations

from chalicelib.settings import get_settings
from chalicelib.store.providers.base import Message, Provider, ProviderError

__all__ = ["MAIL_PROVIDERS", "SMS_PROVIDERS", "Message", "Provider", "ProviderError", "for_channel"]

SMS_PROVIDERS = ("sns", "tencent")
MAIL_PROVIDERS = ("ses", "smtp")


def for_channel(channel: str) -> Provider:
    settings = get_settings()
    if channel == "email":
        if settings.mail_provider == "smtp":
            from chalicelib.store.providers import smtp

            return smtp.SmtpMail(settings)
        if settings.mail_provider == "ses":
            from chalicelib.store.providers import native

            return native.SesMail(settings)
        raise ProviderError(f"MAIL_PROVIDER {settings.mail_provider!r}: one of {MAIL_PROVIDERS}")
    if settings.sms_provider == "tencent":
        from chalicelib.store.providers import tencent

        return tencent.TencentSms(settings)
    if settings.sms_provider == "sns":
        from chalicelib.store.providers import native

        return native.SnsSms()
    raise ProviderError(f"SMS_PROVIDER {settings.sms_provider!r}: one of {SMS_PROVIDERS}")
