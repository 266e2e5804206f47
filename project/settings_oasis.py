"""The product's own settings (OASIS_*), each from the environment with its default; README's
configuration table describes them. Imported by project.settings."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_float, env_int

# The outbox sweep (see OASIS_OUTBOX_INLINE): the longest follow-up work waits while a worker
# is up (a store-week's rollup refresh after a submission, when no kick covered it).
OASIS_OUTBOX_SWEEP_SECONDS = env_int("OASIS_OUTBOX_SWEEP_SECONDS", 5)

# Count only approved visits in reports (head office may override per request).
OASIS_REPORTS_APPROVED_ONLY = env_bool("OASIS_REPORTS_APPROVED_ONLY", False)
# Hours after a week ends (Monday 00:00 store-local) that store managers see it: 6 = Monday 06:00.
OASIS_PUBLISH_DELAY_HOURS = env_int("OASIS_PUBLISH_DELAY_HOURS", 6)
if not 0 <= OASIS_PUBLISH_DELAY_HOURS <= 7 * 24:
    raise ImproperlyConfigured("OASIS_PUBLISH_DELAY_HOURS must be between 0 and 168 (a week)")
# The largest report PDF a weekly e-mail carries (bytes); a larger one is left out (the e-mail says
# so and links the page). A store report is some tens of KB.
OASIS_REPORT_PDF_MAX_BYTES = env_int("OASIS_REPORT_PDF_MAX_BYTES", 3_000_000)
# A counted visit whose SOI is below this notifies the store's supervisors and head office.
OASIS_ALERT_SOI_BELOW = env_float("OASIS_ALERT_SOI_BELOW", 50.0)
# Follow-up work (rollup refreshes, alerts, e-mails) is recorded in the outbox in the transaction of
# the change (core/outbox.py). Without a broker it is done at once, in the request; with
# one, by workers, kicked after commit, and by a beat sweep every OASIS_OUTBOX_SWEEP_SECONDS, which
# is the longest work not covered by a kick (or delayed by a dead broker or a killed worker) waits.
OASIS_OUTBOX_INLINE = env_bool("OASIS_OUTBOX_INLINE", not os.environ.get("CELERY_BROKER_URL", ""))
# Kick a worker after a commit (a visit after a quiet spell is in the staff's live week at once);
# off: the sweep alone.
OASIS_OUTBOX_KICK = env_bool("OASIS_OUTBOX_KICK", True)
# At most one kick per web process in this many seconds: under load one kick (one task, one
# set-based refresh) covers the commits since the last, instead of a task per commit; the commits
# in between are done by the next kick of any process or by the sweep.
OASIS_OUTBOX_KICK_SECONDS = env_float("OASIS_OUTBOX_KICK_SECONDS", 5.0)
# Planning: planned visits a shopper takes per week unless head office set their own capacity.
OASIS_PLANNING_WEEKLY_CAPACITY = env_int("OASIS_PLANNING_WEEKLY_CAPACITY", 5)
# Shoppers are reminded this many days before their assignment's window closes.
OASIS_PLANNING_REMIND_DAYS = env_int("OASIS_PLANNING_REMIND_DAYS", 1)
# The country of a new store unless it names one (ISO 3166-1, for its public holidays).
OASIS_DEFAULT_COUNTRY = os.environ.get("OASIS_DEFAULT_COUNTRY", "DE").strip().upper()

# Webhooks (webhooks/): where they may go, how long a receiver is waited for, how retries back off.
# https only unless DEBUG (or OASIS_WEBHOOK_ALLOW_HTTP); private, loopback and link-local targets
# only with OASIS_WEBHOOK_ALLOW_PRIVATE (a receiver inside your own network).
OASIS_WEBHOOK_ALLOW_HTTP = env_bool("OASIS_WEBHOOK_ALLOW_HTTP", env_bool("DEBUG", False))
OASIS_WEBHOOK_ALLOW_PRIVATE = env_bool("OASIS_WEBHOOK_ALLOW_PRIVATE", False)
# The longest a delivery waits for a receiver (connect, answer, read), and the most of the answer read.
OASIS_WEBHOOK_TIMEOUT_SECONDS = env_float("OASIS_WEBHOOK_TIMEOUT_SECONDS", 5.0)
OASIS_WEBHOOK_MAX_RESPONSE_BYTES = env_int("OASIS_WEBHOOK_MAX_RESPONSE_BYTES", 64 * 1024)
# A failed delivery is retried after RETRY x 2^(attempts-1) seconds, at most MAX_BACKOFF apart,
# until it is delivered; an endpoint without a success for DISABLE_AFTER_HOURS is disabled.
OASIS_WEBHOOK_RETRY_SECONDS = env_int("OASIS_WEBHOOK_RETRY_SECONDS", 30)
OASIS_WEBHOOK_MAX_BACKOFF_SECONDS = env_int("OASIS_WEBHOOK_MAX_BACKOFF_SECONDS", 3600)
OASIS_WEBHOOK_DISABLE_AFTER_HOURS = env_int("OASIS_WEBHOOK_DISABLE_AFTER_HOURS", 72)
if OASIS_WEBHOOK_DISABLE_AFTER_HOURS < 24:
    raise ImproperlyConfigured("OASIS_WEBHOOK_DISABLE_AFTER_HOURS must be at least 24 (retries go on for a day)")
OASIS_WEBHOOK_SWEEP_SECONDS = env_int("OASIS_WEBHOOK_SWEEP_SECONDS", 10)
