"""Jiafuwu (婺城家服务): the composition root. Routes live in blueprints, work in chalicelib."""

from __future__ import annotations

from chalice import Chalice, Rate
from chalice.app import CloudWatchEvent, SQSEvent

from chalicelib.settings import EVENTS_QUEUE
from chalicelib.web import api, approvals, dev, public, staff, verification

app = Chalice(app_name="jiafuwu")
# Roster uploads arrive as spreadsheets: API Gateway must pass them through as bytes.
app.api.binary_types.append("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
for blueprint in (api.bp, public.bp, approvals.bp, verification.bp, dev.bp, staff.bp):
    app.register_blueprint(blueprint)


@app.on_sqs_message(queue=EVENTS_QUEUE, batch_size=10)
def on_event(event: SQSEvent) -> None:
    """S3 ObjectCreated -> SQS: each record names a filing, a decision or an approval."""
    from chalicelib import events

    events.handle_bodies(record.body for record in event)


@app.schedule(Rate(10, unit=Rate.MINUTES))
def remind_late_steps(event: CloudWatchEvent) -> None:
    """ "Not overnight": remind approvers of late steps, escalate the very late."""
    from chalicelib import reminders
    from chalicelib.ids import utcnow

    reminders.sweep(utcnow())
