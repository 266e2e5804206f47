"""The beat schedule: what Celery beat runs when (exactly one beat per deployment)."""

from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab

from .settings_oasis import OASIS_OUTBOX_SWEEP_SECONDS, OASIS_WEBHOOK_SWEEP_SECONDS


def beat_schedule() -> dict:
    """What beat runs when (CELERY_BEAT_SCHEDULE)."""
    return {
        # Reports go out on Monday 07:00 in each store's own time zone: look every quarter hour.
        "weekly-report-emails": {
            "task": "notifications.tasks.queue_weekly_reports",
            "schedule": crontab(minute="*/15"),
        },
        # Action plans: a store-week opens the plans it calls for once it is published to the store's
        # managers (in the store's time zone); overdue plans remind once; e-mails go through the outbox.
        "open-action-plans": {
            "task": "coaching.tasks.open_plans_for_published_weeks",
            "schedule": crontab(minute="*/15"),
        },
        "remind-overdue-action-plans": {
            "task": "coaching.tasks.remind_overdue_plans",
            "schedule": crontab(hour=8, minute=15),
        },
        # Follow-up work whose kick was lost (broker down, worker killed) is done by this sweep.
        "outbox-sweep": {
            "task": "core.tasks.sweep_outbox",
            "schedule": timedelta(seconds=OASIS_OUTBOX_SWEEP_SECONDS),
            "options": {"expires": OASIS_OUTBOX_SWEEP_SECONDS},
        },
        "daily-photo-retention": {
            "task": "photos.tasks.delete_expired_photos",
            "schedule": crontab(hour=4, minute=10),
        },
        # Planning: overdue marking, reminders and re-offers of published waves' assignments.
        "planning-sweep": {
            "task": "planning.tasks.sweep_assignments",
            "schedule": crontab(minute="*/15"),
        },
        # Webhooks: deliveries whose kick was lost or whose retry is due; events that happen by the
        # clock (a store's week published, a wave's store at risk).
        "webhooks-send": {
            "task": "webhooks.tasks.send_webhooks",
            "schedule": timedelta(seconds=OASIS_WEBHOOK_SWEEP_SECONDS),
            "options": {"expires": OASIS_WEBHOOK_SWEEP_SECONDS},
        },
        "webhooks-find-events": {
            "task": "webhooks.tasks.find_events",
            "schedule": crontab(minute="*/5"),
        },
        # The league's shrinkage constant of recent weeks whose rollups changed (reports.standings).
        "refresh-week-standings": {
            "task": "reports.tasks.refresh_week_standings",
            "schedule": crontab(minute="7-59/15"),
        },
        # Managers' copies of the weeks just published in a store's time zone (and of weeks changed
        # since their last publication): recorded as outbox work within minutes of Monday 06:00.
        "publish-weeks": {
            "task": "reports.tasks.publish_due_weeks",
            "schedule": crontab(minute="*/5"),
        },
        "nightly-rollup-rebuild": {
            "task": "reports.tasks.rebuild_all_rollups",
            "schedule": crontab(hour=3, minute=30),
        },
    }
