"""A notify process on the real broker and database plans nothing about an application it has not
seen filed: a review event that overtakes its filing waits for it (filings flow in a consumer group
of their own, so the wait cannot hold them back) and is sent once the filing arrives; one whose
filing never comes (a phantom) is dead-lettered after ZC_REFERENCE_WAIT_SECONDS and sends nothing."""
import asyncio
import uuid

from contracts.events import UnitApproved
from tests.integration.notify.conftest import get_json
from tests.integration.notify.events import case_opened, envelope, mobile
from tests.integration_support import read_topic


def unit_approved(app_id: uuid.UUID):
    return envelope(UnitApproved(application_id=app_id, opinion="同意推荐"), f"case-{app_id}", 2)


async def sent(notify, app_id) -> list[dict] | None:
    status = await get_json(f"{notify.url}/notifications/{app_id}") or {}
    return [d for d in status.get("deliveries", []) if d["status"] == "sent"] or None


def naming(app_id: uuid.UUID):
    return lambda records: [v for _, v, _ in records if v.get("key") == str(app_id)]


async def test_review_events_that_overtake_the_filing_wait_for_it_and_are_sent_once(
        provider, notify_process, eventually):
    notify = notify_process({**provider.env(), "ZC_REFERENCE_WAIT_SECONDS": "90"}).start().wait_ready()
    app_id = uuid.uuid4()
    phone = mobile(21)
    await notify.publish(case_opened(app_id, "u-late", phone=phone), unit_approved(app_id), file_first=False)
    await asyncio.sleep(3)  # notify has the review events, not the filing
    await notify.file(app_id, person_ref=f"tel-{phone}")
    [delivery] = await eventually(lambda: sent(notify, app_id), timeout=60)
    assert delivery["template"] == "passed_unit"
    assert [m["to"] for m in provider.messages()["messages"]] == ["+86" + phone]
    assert naming(app_id)(await read_topic(notify.dead_letter_topic, timeout=3)) == []


async def test_review_events_about_an_application_never_filed_are_dead_lettered_and_send_nothing(
        provider, notify_process, eventually):
    notify = notify_process({**provider.env(), "ZC_REFERENCE_WAIT_SECONDS": "2"}).start().wait_ready()
    phantom = uuid.uuid4()
    await notify.publish(case_opened(phantom, "u-ghost", phone=mobile(22)), unit_approved(phantom), file_first=False)
    records = await read_topic(notify.dead_letter_topic, timeout=60, done=lambda rs: len(naming(phantom)(rs)) == 2)
    dead = naming(phantom)(records)
    assert sorted(d["event_type"] for d in dead) == ["CaseOpened", "UnitApproved"]
    assert all(d["consumer"] == "notify-0" and "ReferenceNotYetKnown" in d["error"] for d in dead)
    # The consumer went on: a real application after the phantom is served.
    real = uuid.uuid4()
    await notify.publish(case_opened(real, "u-real", phone=mobile(23)), unit_approved(real))
    await eventually(lambda: sent(notify, real), timeout=60)
    status = await get_json(f"{notify.url}/notifications/{phantom}")
    assert status["deliveries"] == [] and status["failures"] == []
    assert [m["to"] for m in provider.messages()["messages"]] == ["+86" + mobile(23)]
