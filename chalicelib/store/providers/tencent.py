"""SMS through Tencent Cloud SMS (短信), with its official SDK
(tencentcloud-sdk-python-sms, API 2021-01-11): the registered signature, the template's
id (SMS_TEMPLATE_IDS) and its parameters in order, signed TC3-HMAC-SHA256 by the SDK.

Chosen over Alibaba Cloud's dysmsapi SDK for its cold start (the SDK's common part and
`requests`; Alibaba's pulls its Tea runtime and an async HTTP stack) and because its
endpoint is one setting (`HttpProfile.endpoint`, SMS_ENDPOINT), which the tests point at
a local fake that checks the signature. Imported only when SMS_PROVIDER=tencent.
"""

from __future__ import annotations

from typing import Any

from chalicelib.settings import Settings, notify_secrets
from chalicelib.store.providers import sms_templates
from chalicelib.store.providers.base import Message, ProviderError

API_VERSION = "2021-01-11"


class TencentSms:
    def __init__(self, settings: Settings) -> None:
        if not settings.sms_app_id:
            raise ProviderError("SMS_PROVIDER tencent needs SMS_APP_ID")
        self.settings = settings

    def client(self) -> Any:
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        secrets = notify_secrets()
        http = HttpProfile(reqTimeout=self.settings.notify_timeout)
        endpoint = self.settings.sms_endpoint
        if endpoint:
            scheme, _, host = endpoint.rpartition("://")
            http.endpoint = host
            http.scheme = http.protocol = scheme or "https"
        profile = ClientProfile(signMethod="TC3-HMAC-SHA256", httpProfile=http)
        cred = credential.Credential(secrets["sms_secret_id"], secrets["sms_secret_key"])
        return sms_client.SmsClient(cred, self.settings.sms_region, profile)

    def send(self, message: Message) -> None:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )
        from tencentcloud.sms.v20210111 import models

        if message.template and message.params is not None:
            key, params = message.template, message.params
        else:
            key, params = sms_templates.match(message.text)
        template_id = self.settings.sms_template_ids.get(key)
        if not template_id:
            raise ProviderError(f"no SMS_TEMPLATE_IDS entry for {key!r}")
        request = models.SendSmsRequest()
        request.SmsSdkAppId = self.settings.sms_app_id
        request.SignName = self.settings.sms_sign_name
        request.TemplateId = template_id
        request.TemplateParamSet = list(params)
        request.PhoneNumberSet = [message.to]
        try:
            answer = self.client().SendSms(request)
        except TencentCloudSDKException as exc:
            # its code (e.g. FailedOperation.TemplateIncorrectOrUnapproved), not its text
            raise ProviderError(f"Tencent Cloud SMS: {exc.get_code()}") from None
        statuses = answer.SendStatusSet or []
        if len(statuses) != 1 or statuses[0].Code != "Ok":
            code = statuses[0].Code if statuses else "no status"
            raise ProviderError(f"Tencent Cloud SMS: {code}")
