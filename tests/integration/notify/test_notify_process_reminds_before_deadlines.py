"""The reminder scheduler in a running notify process on the season clock of 18 Aug 2020, fed
through Kafka: one reminder per unit with waiting cases, never a second one on later runs or
after a restart."""
import asyncio
import uuid

from contracts.events import UnitRejected
from tests.integration.notify.conftest import get_json
from tests.integration.notify.events import case_opened, envelope, moved, unit_authorized

NEAR_UNIT_DEADLINE = "2020-08-18T09:00:00+08:00"  # unit deadline 20 Aug; the 3-day reminder is due


def reminder_texts(provider) -> list[dict]:
    return [m for m in provider.messages()["messages"] if m["template"] == "ZC_SX2020_DEADLINE_APPROACHING"]


async def test_units_with_waiting_cases_get_one_reminder_each_across_runs_and_restarts(
        provider, notify_process, eventually):
    notify = notify_process({**provider.env(), "ZC_NOTIFY_REMINDER_INTERVAL_SECONDS": "0.5"},
                            season=NEAR_UNIT_DEADLINE)
    rejected = uuid.uuid4()
    # Everything is on the topic before notify starts, so it reads the season so far in one go.
    await notify.publish(unit_authorized("u-alpha", "13500000001"), unit_authorized("u-beta", "13500000002"),
                         unit_authorized("u-gamma", "13500000003"), key="units")
    await notify.publish(case_opened(uuid.uuid4(), "u-alpha"), case_opened(uuid.uuid4(), "u-alpha"),
                         case_opened(uuid.uuid4(), "u-beta"), case_opened(rejected, "u-gamma"),
                         envelope(UnitRejected(application_id=rejected, reason="不符合"), f"case-{rejected}", 2),
                         moved(rejected, 3))
    notify.start().wait_ready()

    async def two_reminders_sent():
        body = await get_json(f"{notify.url}/reminders")
        done = [r for r in (body or {}).get("reminders", []) if r["status"] == "sent"]
        return done if len(done) >= 2 else None

    await eventually(two_reminders_sent)
    await asyncio.sleep(2)  # several more scheduler runs
    notify.stop()
    notify.start().wait_ready()
    await asyncio.sleep(2)  # the run at start, and more
    reminders = (await get_json(f"{notify.url}/reminders"))["reminders"]
    assert sorted((r["org_id"], r["days_before"], r["status"]) for r in reminders) == [
        ("u-alpha", 3, "sent"), ("u-beta", 3, "sent")]
    texts = reminder_texts(provider)
    assert sorted(m["to"] for m in texts) == ["+8613500000001", "+8613500000002"]
    assert all(n == 1 for n in provider.messages()["count_per_key"].values())
