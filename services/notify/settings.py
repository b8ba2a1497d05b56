"""notify's own settings, beside the shared ones.

| variable | default | meaning |
|---|---|---|
| ZC_SMS_GATEWAY | record | `record` (sms_log table + log) or `http` (a real provider) |
| ZC_SMS_URL / ZC_SMS_API_KEY / ZC_SMS_TIMEOUT_SECONDS | - / - / 5 | the HTTP provider |
| ZC_NOTIFY_QUIET_HOURS | (none) | e.g. `21:00-08:00`: messages are held until the end, plan timezone |
| ZC_NOTIFY_RATE_WINDOWS | 60:1,3600:5,86400:10 | per recipient: seconds:max messages, comma-separated |
"""
from __future__ import annotations

from datetime import time, timedelta

from plumbing.settings import ServiceSettings
from services.notify.domain.quiet_hours import QuietHours
from services.notify.domain.rate_limit import Window


class NotifySettings(ServiceSettings):
    service: str = "notify"
    sms_gateway: str = "record"
    notify_quiet_hours: str | None = None
    notify_rate_windows: str = "60:1,3600:5,86400:10"

    def quiet(self) -> QuietHours | None:
        if not self.notify_quiet_hours:
            return None
        start, end = self.notify_quiet_hours.split("-")
        return QuietHours(time.fromisoformat(start), time.fromisoformat(end))

    def windows(self) -> tuple[Window, ...]:
        pairs = (item.split(":") for item in self.notify_rate_windows.split(",") if item)
        return tuple(Window(timedelta(seconds=int(s)), int(n)) for s, n in pairs)
