"""`zc notify status` against a running notify: a message that could not be sent is listed with why."""
import subprocess
import sys
import uuid

from contracts.events import UnitApproved
from tests.integration.notify.conftest import get_json
from tests.integration.notify.events import case_opened, envelope


async def test_a_landline_applicant_is_listed_as_failed_with_the_reason(notify_process, eventually):
    notify = notify_process().start().wait_ready()
    app_id = uuid.uuid4()
    await notify.publish(case_opened(app_id, "u-landline", phone="0575-85140374"),
                         envelope(UnitApproved(application_id=app_id, opinion="同意"), f"case-{app_id}", 2))

    async def failed():
        return ((await get_json(f"{notify.url}/notifications/{app_id}")) or {}).get("failures")

    await eventually(failed)
    shown = subprocess.run([sys.executable, "-m", "zc.cli", "notify", "status", str(app_id), "--url", notify.url],
                           capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert shown.returncode == 0, shown.stderr
    line = next(row for row in shown.stdout.splitlines() if "passed_unit" in row)
    assert "failed" in line and "not a mobile" in shown.stdout and "85140374" not in shown.stdout
