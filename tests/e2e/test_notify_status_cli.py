"""`zc notify status APP_ID` against the running stack: what was sent to whom and when."""
import re
import subprocess
import sys
import uuid

import httpx

from contracts.envelope import Role
from tests.e2e.api import (DEFAULT_NAME, DEFAULT_PHONE, applicant_token, get_json, submit_body, token,
                           with_approved_archive, with_new_id)
from tests.fixtures.builders import ID_NUMBER, normal_applicant


def zc_notify_status(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zc.cli", "notify", "status", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=60)


async def test_zc_notify_status_lists_the_unit_pass_sms_with_a_masked_recipient_and_its_time(stack, eventually):
    app = with_new_id(normal_applicant())
    app_id = app.application_id
    unit = token(Role.UNIT, org=app.unit.unit_id, area=app.unit.area)
    async with httpx.AsyncClient(timeout=30) as client:
        app = await with_approved_archive(client, stack, app, ID_NUMBER, eventually)
        filed = await client.post(f"{stack.url('intake')}/applications", json=submit_body(app, ID_NUMBER),
                                  headers=applicant_token(ID_NUMBER))
        assert filed.status_code == 201, filed.text
        await eventually(lambda: get_json(client, f"{stack.url('review')}/cases/{app_id}", unit))
        passed = await client.post(f"{stack.url('review')}/cases/{app_id}/unit-pass",
                                   json={"opinion": "同意推荐"}, headers=unit)
        assert passed.status_code == 200, passed.text

        async def unit_pass_sent():
            status = await get_json(client, f"{stack.url('notify')}/notifications/{app_id}")
            return any(d["template"] == "passed_unit" and d["status"] == "sent"
                       for d in (status or {}).get("deliveries", []))

        await eventually(unit_pass_sent)
    shown = zc_notify_status(str(app_id), "--url", stack.url("notify"))
    assert shown.returncode == 0, shown.stderr
    line = next(row for row in shown.stdout.splitlines() if "passed_unit" in row)
    cells = [cell.strip() for cell in line.split("│")[1:-1]]
    # The test stack runs the development SMS stub: recorded, and never called "sent".
    assert cells[:4] == ["passed_unit", cells[1], "recorded, not sent", "1"] and re.fullmatch(r"1\d\d\*{4}\d{4}", cells[1])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", cells[4])  # local time of the send
    digits = "".join(ch for ch in DEFAULT_PHONE if ch.isdigit())
    assert digits not in shown.stdout and ID_NUMBER not in shown.stdout


def test_zc_notify_status_says_so_when_nothing_was_sent_and_refuses_a_bad_id(stack):
    nothing = zc_notify_status(str(uuid.uuid4()), "--url", stack.url("notify"))
    assert nothing.returncode == 0 and "no notifications" in nothing.stdout
    bad = zc_notify_status("not-an-id", "--url", stack.url("notify"))
    assert bad.returncode == 2 and "not an application id" in bad.stderr


def test_zc_notify_status_fails_clearly_when_notify_is_unreachable():
    down = zc_notify_status(str(uuid.uuid4()), "--url", "http://127.0.0.1:9")
    assert down.returncode == 2 and "unreachable" in down.stderr and "无法连接" in down.stderr
