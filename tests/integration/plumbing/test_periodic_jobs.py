"""The periodic-job runner on the real PostgreSQL: one instance at a time under its advisory lock,
the other takes over when it stops; a job that fails does not end the runner."""
import asyncio

from plumbing.core.periodic import PeriodicJob, PeriodicRunner
from plumbing.settings import with_database
from tests.conftest import DATABASE_URL


async def _until(probe, timeout: float = 30):
    for _ in range(int(timeout / 0.05)):
        if probe():
            return True
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met")


async def test_two_instances_run_a_services_jobs_one_at_a_time_and_the_second_takes_over_when_the_first_stops(database):
    name, _pool = database
    ran: list[str] = []

    def runner(who: str) -> PeriodicRunner:
        async def job(uow):
            ran.append(who)
            return uow()
        return PeriodicRunner(with_database(DATABASE_URL, name), lambda: who, [PeriodicJob("count", job, every=0.05)],
                              service="periodic-test")

    first, second = runner("first"), runner("second")
    first_task = asyncio.create_task(first.run())
    await _until(lambda: ran.count("first") >= 3)
    second_task = asyncio.create_task(second.run())
    await asyncio.sleep(1.5)  # the second had time to try the lock at least once
    assert "second" not in ran and first.holding and not second.holding
    first.stop()
    await asyncio.wait_for(first_task, 10)
    await _until(lambda: "second" in ran)
    assert second.holding and first.jobs[0].last_result == "first" and second.jobs[0].last_result == "second"
    second.stop()
    await asyncio.wait_for(second_task, 10)


async def test_a_job_that_fails_is_logged_and_runs_again_while_the_other_jobs_go_on(database):
    name, _pool = database
    calls = {"failing": 0, "fine": 0}

    async def failing(_uow):
        calls["failing"] += 1
        raise KeyError("a bug in a job")

    async def fine(_uow):
        calls["fine"] += 1

    runner = PeriodicRunner(with_database(DATABASE_URL, name), lambda: None,
                            [PeriodicJob("failing", failing, every=0.05), PeriodicJob("fine", fine, every=0.05)],
                            service="periodic-failing")
    task = asyncio.create_task(runner.run())
    await _until(lambda: calls["failing"] >= 3 and calls["fine"] >= 3)
    runner.stop()
    await asyncio.wait_for(task, 10)


async def test_a_job_runs_in_the_isolation_it_names_and_the_checkpoint_job_refuses_any_other(database):
    import uuid

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from plumbing.core.checkpoints import ISOLATION, checkpoint_job
    from plumbing.core.unit_of_work import PostgresUnitOfWork

    from plumbing.core.eventstore import EventStore
    from tests.integration.plumbing.events_for_tests import withdrawn

    name, pool = database
    await EventStore(pool).append(f"app-{uuid.uuid4()}", None, [withdrawn(uuid.uuid4(), 0)])  # something to sign
    seen: dict[str, str] = {}

    def isolation_of(job_name: str):
        async def job(uow):
            async with uow() as u:
                seen[job_name] = await u.conn.fetchval("SHOW transaction_isolation")
        return job

    signer = checkpoint_job(f"svc{uuid.uuid4().hex[:8]}", Ed25519PrivateKey.generate(), "zc.audit.unused")
    jobs = [PeriodicJob("plain", isolation_of("plain"), every=60),
            PeriodicJob("snapshot", isolation_of("snapshot"), every=60, isolation=ISOLATION),
            PeriodicJob("checkpoint-misregistered", signer, every=60),
            PeriodicJob("checkpoint", signer, every=60, isolation=ISOLATION)]
    runner = PeriodicRunner(with_database(DATABASE_URL, name), lambda **kw: PostgresUnitOfWork(pool, None, **kw), jobs,
                            service="periodic-isolation")
    for job in jobs[:3]:
        await runner.tick(job)
    assert seen == {"plain": "read committed", "snapshot": "repeatable read"}
    assert jobs[2].runs == 1 and jobs[2].last_result is None  # refused: nothing signed, nothing queued
    assert await pool.fetchval("SELECT count(*) FROM audit_checkpoints") == 0
    signed = await runner.tick(jobs[3])
    assert signed and signed["seq"] == 1 and await pool.fetchval("SELECT count(*) FROM audit_checkpoints") == 1
