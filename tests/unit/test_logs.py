"""Link tokens never reach a log (issue #19): the local stack's access log, whose request
lines carry `?token=` and `/approve/<token>`, is redacted as everything else is."""

from __future__ import annotations

import pytest

from chalicelib import links
from chalicelib.logs import REDACTED, redact
from devstack.local import RedactingHandler


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (
            "GET /filings/f1?token=SECRET&lang=en HTTP/1.1",
            "GET /filings/f1?token=[redacted]&lang=en",
        ),
        ("GET /dashboard?lang=en&token=SECRET HTTP/1.1", "GET /dashboard?lang=en&token=[redacted]"),
        ("POST /approve/SECRET HTTP/1.1", "POST /approve/[redacted] HTTP/1.1"),
        ("GET /approve/SECRET?lang=en HTTP/1.1", "GET /approve/[redacted]?lang=en"),
        ("GET /api/filings/f1/roster?token=SECRET HTTP/1.1", "roster?token=[redacted]"),
    ],
)
def test_every_token_in_a_request_line_is_redacted(line: str, kept: str) -> None:
    redacted = redact(line)
    assert "SECRET" not in redacted and kept in redacted


def test_the_local_access_log_writes_no_token(capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN the local stack's request handler and a real approval link's request line
    token = links.approval_token("f" * 32, "town", 1)
    handler = RedactingHandler.__new__(RedactingHandler)
    handler.address_string = lambda: "127.0.0.1"  # type: ignore[method-assign]
    handler.log_date_time_string = lambda: "10/Feb/2020 09:00:00"  # type: ignore[method-assign]
    # WHEN it logs the request as BaseHTTPRequestHandler.log_request does
    handler.log_message('"%s" %s %s', f"POST /approve/{token} HTTP/1.1", "200", "-")
    handler.log_message('"%s" %s %s', f"GET /filings/x?token={token} HTTP/1.1", "200", "-")
    # THEN the token is not in the log, the rest of the line is
    written = capsys.readouterr().err
    assert token not in written
    assert written.count(REDACTED) == 2 and '" 200 -' in written
