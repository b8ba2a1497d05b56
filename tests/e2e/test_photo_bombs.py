"""Photos checked without trusting them (issue 19), on the running intake: a real 10000×10000 JPEG
of ~390 KB and a 332-byte JPEG whose header claims 15000×15000 are each answered 422 PHOTO_PIXELS
with the bilingual body, nothing is decoded at full size, and intake's peak memory stays bounded
(it rose by 576 MB when the photo was decoded, twice, at full size)."""
from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest

from tests.e2e.api import applicant_token, submit_body, with_new_id
from tests.fixtures.builders import ID_NUMBER, normal_applicant
from tests.fixtures.photos import claimed_size_jpeg, huge_jpeg

# Peak resident memory may grow by this much over the two bombs: what parsing a 1.5 MB JSON body
# costs, with room; a full-size decode of the real bomb alone is 100 MB (greyscale) to 300 MB (RGB).
PEAK_GROWTH_MAX_KB = 60 * 1024


def _peak_kb(pid: int) -> int:
    """The process's peak resident set (VmHWM), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc status")


@pytest.mark.parametrize("bomb", ["a real 10000x10000 photo", "a header claiming 15000x15000"])
async def test_a_photo_bomb_is_refused_422_photo_pixels_and_intakes_memory_stays_bounded(stack, bomb):
    photo = huge_jpeg() if bomb.startswith("a real") else claimed_size_jpeg(15_000, 15_000)
    body = submit_body(with_new_id(normal_applicant()), ID_NUMBER)
    body["photo_base64"] = base64.b64encode(photo).decode()
    pid = stack.procs["intake"].pid
    before = _peak_kb(pid)
    async with httpx.AsyncClient(timeout=60) as client:
        for _ in range(2):  # twice: nothing builds up either
            answer = await client.post(f"{stack.url('intake')}/applications", json=body,
                                       headers=applicant_token(ID_NUMBER))
            assert answer.status_code == 422, answer.text
            refused = answer.json()
            assert refused["code"] == "PHOTO_PIXELS" and refused["message_zh"] and refused["message_en"]
            assert refused["details"][0]["field"] == "photo"
    assert _peak_kb(pid) - before < PEAK_GROWTH_MAX_KB, (before, _peak_kb(pid))
