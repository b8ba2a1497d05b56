"""A department's deadline reminder reaches the duty mobile an operator set with `zc notify
contact` (operator data: the notice publishes landlines only), in a running notify process fed
through Kafka on the season clock of 16 Sep 2020 (the district HR bureaus' deadline is 19 Sep)."""
import subprocess
import sys
import uuid

from contracts.events import ReviewLevel
from tests.integration.notify.conftest import get_json
from tests.integration.notify.events import case_opened, moved

NEAR_DEPARTMENT_DEADLINE = "2020-09-16T09:00:00+08:00"
DUTY_MOBILE = "13905750012"


def _set_contact(path: str, org_id: str, mobile: str) -> None:
    done = subprocess.run([sys.executable, "-m", "zc.cli", "notify", "contact", org_id, "--mobile", mobile,
                           "--file", path], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


async def _notify_with_a_case_waiting_at_kq_hr(provider, notify_process, contacts):
    """A notify process on 16 Sep reading `contacts`, fed a case that waits at 柯桥's HR bureau."""
    notify = notify_process({**provider.env(), "ZC_NOTIFY_REMINDER_INTERVAL_SECONDS": "0.5",
                             "ZC_NOTIFY_DEPARTMENT_CONTACTS": str(contacts)}, season=NEAR_DEPARTMENT_DEADLINE)
    waiting = uuid.uuid4()
    await notify.publish(case_opened(waiting, "u-kq", area="keqiao"),
                         moved(waiting, 2, ReviewLevel.HR_BUREAU, "kq-hr"))
    return notify.start().wait_ready()


def _reminders_to_kq_hr(notify, status: str):
    async def probe():
        body = await get_json(f"{notify.url}/reminders")
        found = [r for r in (body or {}).get("reminders", []) if r["org_id"] == "kq-hr" and r["status"] == status]
        return found or None
    return probe


async def test_a_department_reminder_is_delivered_to_the_contact_the_operator_configured(
        provider, notify_process, eventually, tmp_path):
    contacts = tmp_path / "department-contacts.json"
    contacts.write_text("{}")
    _set_contact(str(contacts), "kq-hr", DUTY_MOBILE)
    notify = await _notify_with_a_case_waiting_at_kq_hr(provider, notify_process, contacts)
    await eventually(_reminders_to_kq_hr(notify, "sent"))
    texts = [m for m in provider.messages()["messages"] if m["to"] == f"+86{DUTY_MOBILE}"]
    assert len(texts) == 1 and texts[0]["template"] == "ZC_SX2020_DEADLINE_APPROACHING"


async def test_a_department_without_a_configured_mobile_gets_no_sms_and_the_reason_is_recorded(
        provider, notify_process, eventually, tmp_path):
    contacts = tmp_path / "department-contacts.json"
    contacts.write_text("{}")
    notify = await _notify_with_a_case_waiting_at_kq_hr(provider, notify_process, contacts)
    await eventually(_reminders_to_kq_hr(notify, "failed"))
    assert not [m for m in provider.messages()["messages"] if m["template"] == "ZC_SX2020_DEADLINE_APPROACHING"]
