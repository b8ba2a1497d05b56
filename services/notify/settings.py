"""notify's own settings, beside the shared ones.

| variable | default | meaning |
|---|---|---|
| ZC_SMS_GATEWAY | record | `http` (a real provider), or `record` (sms_log table + log: sends nothing; refused unless ZC_DEV_MODE, shown as "recorded, not sent") |
| ZC_SMS_URL / ZC_SMS_API_KEY / ZC_SMS_TIMEOUT_SECONDS | - / - / 5 | the platform: `{url}/send`, `{url}/query` |
| ZC_SMS_CHECK_BOUND_SECONDS | 300 | after a try without an answer, how long "not listed" by the platform's status query is asked again before the delivery is `unknown` (alert; `zc sms resend`) |
| ZC_SMS_CHECK_INTERVAL_SECONDS | 5 | between two status queries of one unanswered try |
| ZC_SMS_TEMPLATE_CODES | (none) | a JSON file {template: the platform's code}, over the codes in the shipped catalogue (operator data) |
| ZC_NOTIFY_QUIET_HOURS | (none) | e.g. `21:00-08:00`: messages are held until the end, plan timezone |
| ZC_NOTIFY_RATE_WINDOWS | 60:1,3600:5,86400:10 | per recipient: seconds:max messages, comma-separated |
| ZC_SMS_MAX_ATTEMPTS / ZC_SMS_BACKOFF_BASE / ZC_SMS_BACKOFF_CAP | 5 / 0.5 / 30 | the HTTP gateway's in-line retries (full jitter) |
| ZC_NOTIFY_MAX_ROUNDS | 3 | dispatcher rounds per message (each round = the gateway's retries); then NotificationFailed |
| ZC_NOTIFY_REMINDER_INTERVAL_SECONDS | 3600 | how often the deadline-reminder scheduler runs (also once at start) |
| ZC_NOTIFY_DEPARTMENT_CONTACTS | templates/department_contacts.json | departments' reminder numbers |
| ZC_NOTIFY_CRASH_AFTER_SEND | (unset) | tests only: exit hard after a send is accepted, before it is recorded |
"""
from __future__ import annotations

from datetime import time, timedelta

from plumbing.settings import ServiceSettings
from services.notify.domain.quiet_hours import QuietHours
from services.notify.domain.rate_limit import Window
from services.notify.domain.retry import RetryPolicy


class NotifySettings(ServiceSettings):
    service: str = "notify"
    sms_gateway: str = "record"
    sms_url: str = ""
    sms_api_key: str = ""
    sms_timeout_seconds: float = 5.0
    # A message sent seconds ago may not be listed yet: platforms list within seconds to a minute.
    sms_check_bound_seconds: float = 300.0
    sms_check_interval_seconds: float = 5.0
    sms_template_codes: str | None = None
    notify_quiet_hours: str | None = None
    notify_rate_windows: str = "60:1,3600:5,86400:10"
    sms_max_attempts: int = 5
    sms_backoff_base: float = 0.5
    sms_backoff_cap: float = 30.0
    notify_max_rounds: int = 3
    notify_reminder_interval_seconds: float = 3600.0
    notify_department_contacts: str | None = None
    notify_crash_after_send: bool = False  # tests only (the crash test)

    def gateway_policy(self) -> RetryPolicy:
        return RetryPolicy(max_attempts=self.sms_max_attempts, base=self.sms_backoff_base, cap=self.sms_backoff_cap)

    def round_policy(self) -> RetryPolicy:
        return RetryPolicy(max_attempts=self.notify_max_rounds, base=self.sms_backoff_base, cap=self.sms_backoff_cap)

    def check_bound(self) -> timedelta:
        return timedelta(seconds=self.sms_check_bound_seconds)

    def check_every(self) -> timedelta:
        return timedelta(seconds=self.sms_check_interval_seconds)

    def quiet(self) -> QuietHours | None:
        if not self.notify_quiet_hours:
            return None
        start, end = self.notify_quiet_hours.split("-")
        return QuietHours(time.fromisoformat(start), time.fromisoformat(end))

    def windows(self) -> tuple[Window, ...]:
        pairs = (item.split(":") for item in self.notify_rate_windows.split(",") if item)
        return tuple(Window(timedelta(seconds=int(s)), int(n)) for s, n in pairs)
