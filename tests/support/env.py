"""Every test's settings: a signing key and the local stage's names, no real AWS."""

TEST_ENV = {
    "STAGE": "local",
    "TABLE_PREFIX": "jiafuwu-local-",
    "DOCUMENTS_BUCKET": "jiafuwu-local-documents",
    "SIGNING_KEYS": "test-signing-key-newest,test-signing-key-older",
    "LINK_TTL_HOURS": "72",
    "PUBLIC_BASE_URL": "http://jiafuwu.test",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
