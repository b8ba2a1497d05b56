"""One step of the season's load: filings arrive at a fixed rate (open loop: the schedule does not
wait for answers), units' reviewers poll their inboxes and decide in batches, returned applicants
resubmit. Every request is bounded in time and the step ends by itself.

Before the timed window, the season's set-up is done (untimed, so the filing rate measures filings):
the city HR bureau authorises every unit, and each applicant's cited achievements are added to
their archive and approved by their unit; the step waits until intake knows all of it (intake
learns it from review's events), because intake refuses a filing otherwise."""
from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from contracts.envelope import Role
from plumbing.edges.dev_issuer import dev_token
from zc.load.people import Fate, Filing, Unit, filing, units
from zc.load.photos import photo_set


KEEPALIVE_SECONDS = 2.0
CONNECTION_RETRIES = 2
CONNECTION_LOST = (httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass
class StepConfig:
    intake: str
    review: str
    rate: float                 # filings per second
    seconds: float              # how long filings arrive
    seed: int = 1
    units: int = 24
    poll_seconds: float = 1.0   # how often each unit's reviewer looks at the inbox
    drain_seconds: float = 60.0  # after the last filing, how long reviewers keep working at most
    max_in_flight: int = 512
    request_seconds: float = 30.0  # a request unanswered by then counts as failed (the step ends by itself)
    setup_in_flight: int = 32   # concurrent set-up requests (archive entries, approvals) before the window
    setup_seconds: float = 120.0  # how long intake may take to learn the set-up at most
    # Optional handshake with the bench: the set-up done, write `ready_file`, then start the window only
    # once `go_file` exists (the bench takes its events/CPU/RSS baselines in between, so the set-up
    # does not count in the step's figures).
    ready_file: str | None = None
    go_file: str | None = None
    person_ref_secret: str = "dev-only-person-ref-key"


async def stop_tasks(tasks: list[asyncio.Task], seconds: float = 10.0) -> None:
    """Cancel `tasks` and wait for them, boundedly: a task whose cancellation does not end (an HTTP
    request's clean-up that hangs) must not hold the step's end, and hence its figures, for ever."""
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=seconds)


class Bounded:
    """httpx's timeout bounds each phase of a request (waiting for a connection, writing, reading), not
    the whole: under overload a request took minutes and the step never ended. Here the whole request
    is bounded, and running over is an httpx.TimeoutException like the others."""

    def __init__(self, client: httpx.AsyncClient, seconds: float) -> None:
        self.client, self.seconds = client, seconds

    async def get(self, *args, **kwargs) -> httpx.Response:
        return await self._bounded(self.client.get(*args, **kwargs))

    async def post(self, *args, **kwargs) -> httpx.Response:
        return await self._bounded(self.client.post(*args, **kwargs))

    async def _bounded(self, call) -> httpx.Response:
        try:
            return await asyncio.wait_for(call, self.seconds)
        except TimeoutError as exc:
            raise httpx.TimeoutException(f"no answer within {self.seconds:g} s") from exc


@dataclass
class Outcome:
    filings: list[dict] = field(default_factory=list)
    resubmissions: list[dict] = field(default_factory=list)
    decisions: int = 0
    refused_decisions: int = 0
    errors: list[str] = field(default_factory=list)


class Step:
    def __init__(self, config: StepConfig) -> None:
        self.c = config
        self.rng = random.Random(config.seed)
        self.units = units(config.units, random.Random(0))  # the same units in every step
        self.photos = photo_set()
        self.plan: dict[uuid.UUID, Filing] = {}
        self.finished: set[uuid.UUID] = set()  # the unit's last decision is taken
        self.acting: set[uuid.UUID] = set()
        self.returned: set[uuid.UUID] = set()  # the unit returned it (or is returning it) once
        self.returning: set[asyncio.Task] = set()  # returns and their resubmissions under way
        self.out = Outcome()

    async def run(self, on_outcome=None) -> Outcome:
        """One step; `on_outcome(outcome)` is called as soon as the outcome is complete, before the
        HTTP client's connections are closed (a close that hangs cannot lose the step's figures)."""
        # Idle connections are let go before the services' (uvicorn's) 5 s keep-alive ends, so a
        # request is not sent on a connection the server is closing at that moment.
        limits = httpx.Limits(max_connections=self.c.max_in_flight, max_keepalive_connections=64,
                              keepalive_expiry=KEEPALIVE_SECONDS)
        async with httpx.AsyncClient(timeout=self.c.request_seconds, limits=limits) as client:
            self.http = Bounded(client, self.c.request_seconds)
            total = int(self.c.rate * self.c.seconds)
            filings = [filing(self.rng, self.rng.choice(self.units), self.c.person_ref_secret)
                       for _ in range(total)]
            await self.authorise_units()
            await self.prepare_archives(filings)
            await self.handshake()
            reviewers = [asyncio.create_task(self.reviewer(u)) for u in self.units]
            await self.arrivals(filings)
            deadline = time.monotonic() + self.c.drain_seconds
            while time.monotonic() < deadline and len(self.finished) < len(self.expected()):
                await asyncio.sleep(0.2)
            await stop_tasks([*reviewers, *self.returning])
            if on_outcome:
                on_outcome(self.out)
        return self.out

    def expected(self) -> list[uuid.UUID]:
        accepted = {f["application_id"] for f in self.out.filings if f["status"] == 201}
        return [i for i in self.plan if str(i) in accepted]

    async def until(self, what: str, check) -> bool:
        """Poll `check` until it holds or `setup_seconds` pass (then the miss is recorded, not hidden)."""
        deadline = time.monotonic() + self.c.setup_seconds
        while time.monotonic() < deadline:
            try:
                if await check():
                    return True
            except (httpx.HTTPError, ValueError) as exc:
                self.out.errors.append(f"{what}: {exc!r}")
            await asyncio.sleep(0.5)
        self.out.errors.append(f"{what}: not known to intake after {self.c.setup_seconds:g} s")
        return False

    async def authorise_units(self) -> None:
        """The city HR bureau approves each unit's authorization once (409: already, from an earlier
        step); a private firm filing through the talent centre would need none, but ours all have
        unit accounts. Then wait until intake knows every unit."""
        city = dev_token(Role.CITY_HR_BUREAU, org="sx-city-hr", area="city", name="bench-city-hr")
        for unit in self.units:
            await self.post(f"{self.c.review}/units/{unit.unit_id}/authorization",
                            {"unit_name": unit.name, "operator_name": "人事经办人",
                             "operator_phone": "13905759999"},
                            city, ok=(409,))
        auditor = {"Authorization": "Bearer " + dev_token(Role.AUDITOR, name="bench-auditor")}

        async def known(unit: Unit) -> bool:
            answer = await self.http.get(f"{self.c.intake}/units/{unit.unit_id}", headers=auditor)
            return answer.status_code == 200 and bool(answer.json().get("authorised"))
        await asyncio.gather(*(self.until(f"unit {u.unit_id}", lambda u=u: known(u)) for u in self.units))

    async def prepare_archives(self, filings: list[Filing]) -> None:
        """Each applicant adds the achievements their filing cites; their unit approves each (a token
        per approving clerk, so the rate limit per principal never throttles the set-up)."""
        gate = asyncio.Semaphore(self.c.setup_in_flight)

        async def one(f: Filing) -> None:
            async with gate:
                for entry in f.archive_entries():
                    await self.post(self.c.review + "/archive", entry, f.token)
                    clerk = dev_token(Role.UNIT, org=f.unit.unit_id, area=f.unit.area,
                                      name=f"人事经办人-{f.application_id.hex[:8]}")
                    await self.post(f"{self.c.review}/archive/{entry['entry_id']}/review",
                                    {"approve": True, "text": "经核实属实"}, clerk)
        await asyncio.gather(*(one(f) for f in filings))

        async def known(f: Filing) -> bool:
            async with gate:
                answer = await self.http.get(self.c.intake + "/archive", headers={"Authorization": f"Bearer {f.token}"})
            wanted = {e["entry_id"] for e in f.archive}
            return answer.status_code == 200 and wanted <= {
                e["entry_id"] for e in answer.json()["entries"] if e["status"] == "approved"}
        await asyncio.gather(*(self.until(f"archive of {f.application_id}", lambda f=f: known(f)) for f in filings))

    async def handshake(self) -> None:
        if not (self.c.ready_file and self.c.go_file):
            return
        Path(self.c.ready_file).write_text("set-up done")
        deadline = time.monotonic() + self.c.setup_seconds
        while not Path(self.c.go_file).exists() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    async def arrivals(self, filings: list[Filing]) -> None:
        start = time.time()
        gate, tasks = asyncio.Semaphore(self.c.max_in_flight), []
        for i, f in enumerate(filings):
            scheduled = start + i / self.c.rate
            await asyncio.sleep(max(0.0, scheduled - time.time()))
            self.plan[f.application_id] = f
            tasks.append(asyncio.create_task(self.file(f, scheduled, gate)))
        await asyncio.gather(*tasks)

    def body(self, f: Filing) -> dict:
        return {**f.body, "photo_base64": self.rng.choice(self.photos)}

    async def file(self, f: Filing, scheduled: float, gate: asyncio.Semaphore) -> int:
        """File `f`; intake's answer status (0: none), also recorded in `out.filings`."""
        async with gate:
            sent = time.time()
            status = await self.post(self.c.intake + "/applications", self.body(f), f.token,
                                     key=f"bench-{f.application_id}")
            self.out.filings.append({"application_id": str(f.application_id), "fate": f.fate.value,
                                     "unit": f.unit.unit_id, "scheduled": scheduled, "sent": sent,
                                     "answered": time.time(), "status": status})
        return status

    async def post(self, url: str, body: dict, token: str, key: str | None = None, ok: tuple[int, ...] = ()) -> int:
        headers = {"Authorization": f"Bearer {token}", **({"Idempotency-Key": key} if key else {})}
        for attempt in range(1 + CONNECTION_RETRIES):
            try:
                response = await self.http.post(url, json=body, headers=headers)
                break
            except CONNECTION_LOST as exc:
                # The connection broke under the request (a keep-alive connection the server closed as
                # we reused it): sent again, as a client would. A filing, a return and a resubmission
                # carry their idempotency key; anything else that did land the first time is
                # answered 409 now, which is the first attempt's success.
                if attempt == CONNECTION_RETRIES:
                    self.out.errors.append(f"{url}: {exc!r} ({attempt + 1} attempts)")
                    return 0
                ok = (*ok, 409)
            except httpx.HTTPError as exc:  # a timeout is the answer's, not the connection's: not sent again
                self.out.errors.append(f"{url}: {exc!r}")
                return 0
        if response.status_code >= 400 and response.status_code not in ok:
            self.out.errors.append(f"{url}: {response.status_code} {response.text[:300]}")
        return response.status_code

    async def reviewer(self, unit: Unit) -> None:
        token = unit.token()
        while True:
            await asyncio.sleep(self.c.poll_seconds)
            try:
                cases = await self.inbox(token)
            except (httpx.HTTPError, ValueError) as exc:
                self.out.errors.append(f"inbox {unit.unit_id}: {exc!r}")
                continue
            await self.decide(unit, token, [c for c in cases if c["stage"] == "at_unit"])

    async def inbox(self, token: str) -> list[dict]:
        """Every page of the unit's inbox (its passed cases stay at the unit level, before the new ones)."""
        cases, path = [], "/inbox?limit=500"
        while path:
            answer = await self.http.get(self.c.review + path, headers={"Authorization": f"Bearer {token}"})
            if answer.status_code != 200:
                return cases
            cases += answer.json().get("cases", [])
            link = answer.headers.get("Link", "")
            path = link[1:link.index(">")] if link.endswith('rel="next"') else None
        return cases

    async def decide(self, unit: Unit, token: str, waiting: list[dict]) -> None:
        passes, not_passes = [], []
        for case in waiting:
            app = uuid.UUID(case["application_id"])
            f = self.plan.get(app)
            # An inbox read before review's view learnt of our return still shows revision 1: wait
            # for revision 2 rather than return it again (and wait for a return intake never shows).
            if f is None or app in self.acting or (app in self.returned and case["revision"] == 1):
                continue
            self.acting.add(app)
            if f.fate is Fate.RETURNED and case["revision"] == 1:
                self.returned.add(app)
                task = asyncio.create_task(self.return_once(f, token))
                self.returning.add(task)
                task.add_done_callback(self.returning.discard)
            elif case.get("outcome") == "ineligible":
                not_passes.append(app)
            else:
                passes.append(app)
        for decision, apps, fields in (("unit-pass", passes, {"opinion": "材料真实完整，同意推荐"}),
                                       ("unit-not-pass", not_passes, {"reason": "资格审查不通过"})):
            if apps:
                await self.batch(token, decision, apps, fields)

    async def batch(self, token: str, decision: str, apps: list[uuid.UUID], fields: dict) -> None:
        body = {"decision": decision, "items": [{"application_id": str(a), "fields": fields} for a in apps]}
        try:
            response = await self.http.post(self.c.review + "/cases/batch", json=body,
                                            headers={"Authorization": f"Bearer {token}"})
            results = response.json().get("results", []) if response.status_code == 200 else []
        except (httpx.HTTPError, ValueError) as exc:
            self.out.errors.append(f"batch {decision}: {exc!r}")
            results = []
        done = {uuid.UUID(r["application_id"]) for r in results if r["ok"]}
        self.out.decisions += len(done)
        self.out.refused_decisions += len(apps) - len(done)
        self.finished |= done
        self.acting -= set(apps) - done  # a refused or lost decision is tried again at the next poll

    async def return_once(self, f: Filing, token: str) -> None:
        body = {"reason": "证件材料不清晰，请补正后重新提交",
                "sections": [{"section": "ce_certificates", "reason": "继续教育证书扫描件不清晰"}]}
        status = await self.post(f"{self.c.review}/cases/{f.application_id}/return", body, token,
                                 key=f"return-{f.application_id}")
        self.out.decisions += status == 200
        if status != 200:
            self.acting.discard(f.application_id)
            self.returned.discard(f.application_id)
            return
        # The applicant hears by SMS; intake learns of the return from review's events.
        url = f"{self.c.intake}/applications/{f.application_id}"
        for _ in range(int(self.c.drain_seconds / 0.5)):
            await asyncio.sleep(0.5)
            try:
                answer = await self.http.get(url, headers={"Authorization": f"Bearer {f.token}"})
            except httpx.HTTPError as exc:
                self.out.errors.append(f"{url}: {exc!r}")
                continue
            if answer.status_code == 200 and answer.json().get("open_return"):
                break
        sent = time.time()
        status = await self.post(url + "/resubmissions", self.body(f), f.token, key=f"bench-re-{f.application_id}")
        self.out.resubmissions.append({"application_id": str(f.application_id), "sent": sent, "status": status})
        self.acting.discard(f.application_id)  # the resubmitted case comes back to the unit at revision 2
