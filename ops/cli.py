"""Staff commands, run from a workstation against a stage's AWS (or the local stack's
emulator: set AWS_ENDPOINT_URL=http://127.0.0.1:5000 and the stage's variables).

    python -m ops.cli revoke FILING_ID --reason "..." --by "婺城区三服务办"
    python -m ops.cli reissue FILING_ID STEP --by "婺城区三服务办"
    python -m ops.cli staff-link --role town_office --scope 白龙桥镇
    python -m ops.cli dlq list
    python -m ops.cli dlq redrive [--all | MESSAGE_ID]
    python -m ops.cli backfill-form-keys
"""

from __future__ import annotations

import click

from chalicelib.core.errors import DomainError
from chalicelib.filing import transitions
from chalicelib.filing.reissue import reissue_link
from chalicelib.settings import get_settings
from chalicelib.staff import access
from ops import backfill
from ops import dlq as dead_letters


@click.group()
def main() -> None:
    """婺城家服务 staff commands."""


@main.command()
@click.argument("filing_id")
@click.option(
    "--reason", required=True, help="Why the approval is taken back (shown to the applicant)."
)
@click.option("--by", "actor", required=True, help="Who revokes, for the audit trail.")
def revoke(filing_id: str, reason: str, actor: str) -> None:
    """Revoke an approved filing: its documents, and the passes of its workers, stop
    verifying at once."""
    try:
        filing = transitions.revoke(filing_id, reason, actor)
    except DomainError as exc:
        raise click.ClickException(f"{type(exc).__name__}: {exc}") from exc
    click.echo(f"{filing.filing_id} {filing.slip_no}: {filing.status}")


@main.command()
@click.argument("filing_id")
@click.argument("step")
@click.option("--by", "actor", required=True, help="Who reissues, for the audit trail.")
def reissue(filing_id: str, step: str, actor: str) -> None:
    """Send a step's approvers a new link; every earlier link of the step stops working."""
    try:
        generation = reissue_link(filing_id, step, actor)
    except DomainError as exc:
        raise click.ClickException(f"{type(exc).__name__}: {exc}") from exc
    click.echo(f"{filing_id}/{step}: link {generation} sent")


@main.command("backfill-form-keys")
def backfill_form_keys() -> None:
    """Put filings stored before the form index into it (once per stage; safe to rerun)."""
    done = backfill.backfill_form_keys()
    click.echo(f"{done.found} without a key: {done.written} written, {done.moved} moved meanwhile")


@main.command("staff-link")
@click.option(
    "--role",
    type=click.Choice(["district_office", "town_office"]),
    default="district_office",
    show_default=True,
    help="Whose dashboard: the district office, or a town's office.",
)
@click.option("--scope", help="The town (town_office); the district by default.")
def staff_link(role: str, scope: str | None) -> None:
    """Print a signed dashboard link for a role and scope, valid for 7 days."""
    try:
        click.echo(access.dashboard_url(role, scope or get_settings().district_scope))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command("revoke-staff")
@click.argument("link")
@click.option("--by", required=True, help="Who revokes it (kept on the revocation list).")
def revoke_staff(link: str, by: str) -> None:
    """Revoke a staff link (its address or token) at once: every use then answers 403.
    Sessions are ended by signing out; a session's id (the audit trail's sign-in
    entry) is revoked the same way by giving it instead of a link."""
    token = link.rsplit("token=", 1)[-1]
    try:
        grant = access.read_staff_token(token).grant
    except DomainError:
        grant = link if "." not in link else ""  # a bare id, as the audit trail shows it
    if not grant:
        raise click.ClickException("not a staff link with an id (links before ids expire)")
    access.revoke(grant, by)
    click.echo(f"revoked {grant}")


@main.group()
def dlq() -> None:
    """Events that failed every delivery: list them, send them back once fixed."""


@dlq.command("list")
def dlq_list() -> None:
    """Each message in the dead-letter queue: its id, deliveries, the objects it names."""
    letters = dead_letters.list_dead_letters()
    for letter in letters:
        keys = " ".join(letter.keys) or "(not an S3 event)"
        click.echo(f"{letter.message_id}\t{letter.receives}\t{keys}")
    click.echo(f"{len(letters)} message(s) in the dead-letter queue", err=True)


@dlq.command("redrive")
@click.argument("message_id", required=False)
@click.option("--all", "every", is_flag=True, help="Every message in the dead-letter queue.")
def dlq_redrive(message_id: str | None, every: bool) -> None:
    """Send MESSAGE_ID, or --all, back to the events queue (the handlers are idempotent)."""
    if every == bool(message_id):
        raise click.UsageError("give a MESSAGE_ID or --all")
    sent = dead_letters.redrive(None if every else message_id)
    if message_id and not sent:
        raise click.ClickException(f"no message {message_id} in the dead-letter queue")
    for letter in sent:
        click.echo(f"{letter.message_id}\t{' '.join(letter.keys)}")
    click.echo(f"{len(sent)} message(s) sent back to the events queue", err=True)


if __name__ == "__main__":
    main()
