"""Jiafuwu (婺城家服务): the composition root. Routes live in blueprints, work in chalicelib."""

from __future__ import annotations

from chalice import Chalice, Rate
from chalice.app import CloudWatchEvent, SQSEvent

from chalicelib import logs
from chalicelib.settings import EVENTS_QUEUE
from chalicelib.web import (
    api,
    applicant_pages,
    approver_pages,
    assets,
    check_pages,
    checkpoint_api,
    checkpoint_pages,
    correction_pages,
    dev,
    draft_api,
    enterprise_api,
    enterprise_pages,
    my_pages,
    observation_pages,
    observe,
    phone_api,
    risk_api,
    risk_staff_pages,
    scan_pages,
    size_limit,
    staff_pages,
    unavailable,
    workbench_pages,
)

app = Chalice(app_name="jiafuwu")
logs.configure()  # no request bodies in the logs, even at DEBUG; JSON lines in Lambda
# Roster uploads arrive as spreadsheets: API Gateway must pass them through as bytes.
app.api.binary_types.append("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
# Each blueprint owns its URL space (size_limit is middleware only; the applicant's pages
# own the site's root: /, /forms, /filings, /static).
app.register_blueprint(observe.bp)  # correlation ids, 5xx and 429 counted (middleware only)
app.register_blueprint(size_limit.bp)
app.register_blueprint(api.bp, url_prefix="/api")
app.register_blueprint(phone_api.bp, url_prefix="/api")  # /api/phone-codes
app.register_blueprint(draft_api.bp, url_prefix="/api")  # /api/drafts (issue 14)
app.register_blueprint(applicant_pages.bp)
app.register_blueprint(my_pages.bp)  # /my (我的办件)
app.register_blueprint(enterprise_pages.bp)  # /filings/{id}/worker-code
app.register_blueprint(enterprise_api.bp, url_prefix="/api")  # /api/filings/{id}/worker-code
app.register_blueprint(assets.bp)  # the stylesheet and the icon
app.register_blueprint(approver_pages.bp, url_prefix="/approve")
app.register_blueprint(checkpoint_pages.bp, url_prefix="/verify")
app.register_blueprint(checkpoint_api.bp, url_prefix="/api")  # trust list, revocations, scans
app.register_blueprint(scan_pages.bp)  # /scan and its files, the pass on screen, checkpoints
app.register_blueprint(staff_pages.bp, url_prefix="/dashboard")
app.register_blueprint(correction_pages.bp)  # /filings/{id}/correct: the applicant's 退回补正
app.register_blueprint(workbench_pages.bp, url_prefix="/work")
app.register_blueprint(risk_api.bp, url_prefix="/api")  # the risk map's versions (issue 17)
app.register_blueprint(risk_staff_pages.bp, url_prefix="/dashboard")  # its upload form
app.register_blueprint(check_pages.bp)  # /check, the public self-check (issue 17)
app.register_blueprint(observation_pages.bp)  # /filings/{id}/report: the days of observation
app.register_blueprint(dev.bp, url_prefix="/dev")
# AWS not answering in time (a brown-out) answers 503 from every route, not 500.
unavailable.wrap_routes(app)


@app.on_sqs_message(queue=EVENTS_QUEUE, batch_size=10)
def on_event(event: SQSEvent) -> dict[str, list[dict[str, str]]]:
    """S3 ObjectCreated -> SQS: each record names a filing, a decision or an approval.
    Failed messages alone go back to the queue (a partial batch response)."""
    # Imported here: the API's cold starts need not load what only the events use.
    from chalicelib.filing import events

    records = ((r.to_dict()["messageId"], r.body) for r in event)
    return events.batch_response(events.handle_records(records))


@app.schedule(Rate(10, unit=Rate.MINUTES))
def remind_late_steps(event: CloudWatchEvent) -> None:
    """ "Not overnight": remind approvers of late steps, escalate the very late."""
    from chalicelib.core.clock import utcnow
    from chalicelib.filing import reminders

    reminders.sweep(utcnow())
    # issue 17: a day of observation unreported at 20:00 China time, and at 22:00
    from chalicelib.filing import observation_reminders

    observation_reminders.sweep(utcnow())


@app.schedule(Rate(10, unit=Rate.MINUTES))
def reconcile_records(event: CloudWatchEvent) -> None:
    """A filing that got a slip is never lost: S3 records that never landed are written
    again (chalicelib/filing/reconcile.py)."""
    from chalicelib.core.clock import utcnow
    from chalicelib.filing import reconcile

    reconcile.sweep(utcnow())
