"""A projection's catch-up honours a stop between batches: a rebuild of a long history does not
hold a service's shutdown (or the benchmark's rebuild window) until the whole history is applied;
what it applied is checkpointed, and the next run goes on from there."""
import uuid

from plumbing.core.projection import ProjectionRunner
from tests.integration.plumbing.events_for_tests import withdrawn


async def test_a_stopped_catch_up_ends_after_its_current_batch_and_the_next_run_goes_on_from_its_checkpoint(store):
    for _ in range(6):
        app = uuid.uuid4()
        await store.append(f"app-{app}", 0, [withdrawn(app, i) for i in range(5)])
    seen: list[int] = []

    async def apply(_conn, events) -> None:
        seen.append(len(events))
        runner.stop()  # asked to stop while the history is far from applied

    runner = ProjectionRunner("stop-test", store, apply, batch=5)
    assert await runner.catch_up() == 5 and seen == [5]

    resumed = ProjectionRunner("stop-test", store, lambda _conn, events: _count(seen, events), batch=5)
    assert await resumed.catch_up() == 25 and sum(seen) == 30


async def _count(seen: list[int], events) -> None:
    seen.append(len(events))
