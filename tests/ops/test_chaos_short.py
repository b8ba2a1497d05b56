"""The short form of `make chaos`: one fault of each kind under a small load, nothing lost,
duplicated or stuck (the full table: `make chaos`)."""
from __future__ import annotations

import pytest

from zc.chaos import faults
from zc.chaos.run import Sizes, run


# Its own limit (the suite's is 300 s): on a busy machine a phase may take its whole settle time, and
# a failure must end in the table of what went wrong, not in pytest-timeout's stack dump.
@pytest.mark.timeout(900)
async def test_one_fault_of_each_kind_loses_duplicates_and_strands_nothing(supervised):
    rows = await run(faults.short(), Sizes(lead_in=1.0, tail=1.5, settle=90), stack=supervised)
    table = "\n".join(str(r) for r in rows)
    assert [r.fault for r in rows if r.failed] == [], table
    ran = [r for r in rows[1:] if not r.note.startswith("skipped")]
    assert len(ran) >= 4, table  # one fault of each kind; skipped only when Kafka is not this worktree's own
    assert all(r.recovery_s is not None for r in ran), table
