"""Domain errors. Adapters map AWS error codes to these; routes map these to HTTP answers."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the product explains to a caller."""


class ValidationFailed(DomainError):
    """Input broke the form's rules; `fields` names every bad field with its message."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(", ".join(sorted(fields)))
        self.fields = fields


class UnknownForm(DomainError):
    pass


class NotFound(DomainError):
    pass


class Forbidden(DomainError):
    """A token that does not match: tampered, or for another filing."""


class EnterpriseTokenRequired(Forbidden):
    """A filing that names an enterprise (`field`) without that enterprise's status token:
    such forms are filed from the enterprise's own status page."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class Gone(DomainError):
    """A link that was valid once: expired, used, or no longer current."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "expired" | "used" | "superseded"


class DuplicateOpenFiling(DomainError):
    """The applicant already has an open filing of this form (or, for a composite
    unique key, this very claim: a charter trip claimed once)."""

    def __init__(
        self,
        filing_id: str,
        message_zh: str = "",
        message_en: str = "",
        slip_no: str = "",
        sent_to: str = "",
    ) -> None:
        super().__init__(filing_id)
        self.filing_id = filing_id  # never answered: the caller may not hold its token
        self.slip_no = slip_no  # what the answer names instead
        self.sent_to = sent_to  # the first filing's contact, masked, told its status link
        self.message_zh = message_zh or "该企业已有一件办理中的备案，请勿重复提交"
        self.message_en = message_en or "This enterprise already has an open filing"


class IdempotencyKeyReused(DomainError):
    """The same Idempotency-Key came with a different body."""


class Conflict(DomainError):
    """A conditional write lost: the item changed under us (adapter for ConditionalCheckFailed)."""


class InvalidTransition(DomainError):
    """The action does not apply to the filing's current state."""


class StepNotOpen(InvalidTransition):
    """A decision for a step that is not open in the filing's current state."""


class FilingClosed(InvalidTransition):
    """The filing has ended (approved, rejected or withdrawn)."""


class TooEarly(InvalidTransition):
    """A step that may not be approved before a day of the filing (a check-in before the
    arrival day, China time)."""

    def __init__(self, day: str) -> None:
        super().__init__(day)
        self.day = day


class HealthHeld(InvalidTransition):
    """A check-in while the worker's health follow-up is open (a fever or a symptom at
    an earlier check-in): it waits for the follow-up to be cleared."""


class NotCorrectable(InvalidTransition):
    """A send-back (退回补正) naming a field its step may not send back or without a
    comment, or a correction touching a field that was not sent back."""

    def __init__(self, step: str, fields: tuple[str, ...]) -> None:
        super().__init__(f"{step}: {', '.join(fields)}")
        self.step = step
        self.fields = fields


class ReasonRequired(DomainError):
    """A rejection must say why."""


class RateLimited(DomainError):
    """Too many calls of one kind (submissions, verify look-ups, status reads, ...) from
    one client address in the current window."""

    def __init__(self, retry_after: int, kind: str = "submission") -> None:
        super().__init__(f"{kind}: retry after {retry_after} s")
        self.retry_after = retry_after  # seconds until the window ends
        self.kind = kind  # chalicelib.store.ratelimit's kinds: what the caller did too often


class PayloadTooLarge(DomainError):
    """A request body above the route's limit, refused before it is parsed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"over {limit} bytes")
        self.limit = limit


class CodeRefused(DomainError):
    """An SMS code that does not open: `reason` is "wrong" (a try counted), "expired",
    "too_many_tries" or "none" (no code outstanding for that number and purpose)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BadCursor(DomainError):
    """A next-page cursor this list did not give: tampered with, expired, or another
    list's (the dashboard's queue answers it with a 400 rather than a first page)."""
