"""The applicant's personal data at filing: sealed into intake's own events (crypto-shredding) and
queued, current, for the compacted personal-data topic.

The data keys are a port (`keys`): adapters/vault.py holds them and the master key."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from contracts.events import ApplicationResubmitted, ApplicationSubmitted, Payload
from contracts.personal_data import display_mask
from contracts.personal_record import PersonalRecord


@dataclass(frozen=True)
class Filer:
    """What the applicant typed about themselves; never in an event in clear."""

    person_ref: str
    name: str
    phone: str
    id_number: str
    birth_date: date | None

    def record(self) -> PersonalRecord:
        return PersonalRecord(person_ref=self.person_ref, name=self.name, phone=self.phone,
                              id_number_masked=display_mask(self.id_number))


async def seal_and_share(uow, filer: Filer, payloads: list[Payload]) -> list[Payload]:
    """Each filing event gets the sealed fields; the current record is queued for the topic."""
    sealed = await uow.ports.keys.seal(filer.person_ref, {k: v for k, v in asdict(filer).items() if k != "person_ref"})
    await uow.ports.personal.queue(filer.person_ref, filer.record())
    return [p.model_copy(update={"sealed": sealed}) if isinstance(p, (ApplicationSubmitted, ApplicationResubmitted))
            else p for p in payloads]
