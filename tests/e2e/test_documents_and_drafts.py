"""Intake's upload door and the filing form's drafts, on the running intake: type read from the
content, bounds, one copy per applicant addressed within that applicant, sealed with their key,
served only to those who may see it, and gone (with the draft) when the person is erased."""
from __future__ import annotations

import asyncpg
import httpx

from contracts.envelope import Role
from contracts.limits import DOCUMENT_MAX_BYTES
from plumbing.settings import with_database
from services.intake.domain.validation import person_ref
from tests.conftest import DATABASE_URL
from tests.e2e.api import PERSON_SECRET, applicant_token, id_number_of, token
from tests.fixtures.photos import photo_bytes

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% certificate of 2019\ntrailer << /Root 1 0 R >>\n%%EOF\n"


async def _upload(client, stack, who: dict, data: bytes, kind: str = "ce_certificate", year: int | None = 2019):
    params = {"kind": kind, **({"year": year} if year else {})}
    return await client.post(stack.url("intake") + "/documents", params=params, content=data,
                             headers={**who, "Content-Type": "application/octet-stream"})


async def test_an_upload_is_typed_by_its_content_and_kept_once_per_applicant_under_a_ref_of_its_own(stack):
    one, two = applicant_token(id_number_of("上传甲")), applicant_token(id_number_of("上传乙"))
    async with httpx.AsyncClient(timeout=30) as client:
        first = await _upload(client, stack, one, PDF)
        again = await _upload(client, stack, one, PDF)
        theirs = await _upload(client, stack, two, PDF)
        assert (first.status_code, again.status_code, theirs.status_code) == (201, 200, 201)
        assert first.json()["ref"] == again.json()["ref"] != theirs.json()["ref"]
        assert first.json()["content_type"] == "application/pdf"
        for data in (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, b"%PDF-1.4 no end marker", b"\xff\xd8\xff not a jpeg"):
            refused = await _upload(client, stack, one, data)
            assert refused.status_code == 422 and refused.json()["details"][0]["code"] == "DOCUMENT_TYPE"
        assert (await _upload(client, stack, one, PDF, kind="photo", year=None)).status_code == 422  # a photo is a JPEG
        photo = await _upload(client, stack, one, photo_bytes(), kind="photo", year=None)
        assert photo.status_code == 201 and photo.json()["content_type"] == "image/jpeg"
        mine = (await client.get(stack.url("intake") + "/documents", headers=one)).json()["documents"]
        assert {d["ref"] for d in mine} == {first.json()["ref"], photo.json()["ref"]}


async def test_files_over_their_bound_are_refused_before_anything_is_kept(stack):
    who = applicant_token(id_number_of("上传丙"))
    async with httpx.AsyncClient(timeout=60) as client:
        big = await _upload(client, stack, who, PDF[:-7] + b"\0" * DOCUMENT_MAX_BYTES + b"%%EOF\n")
        assert big.status_code == 413
        large_photo = await _upload(client, stack, who, b"\xff\xd8\xff" + b"\0" * (1024 * 1024), kind="photo", year=None)
        assert large_photo.status_code == 413 and large_photo.json()["code"] == "DOCUMENT_TOO_LARGE"
        assert (await client.get(stack.url("intake") + "/documents", headers=who)).json()["documents"] == []


async def test_a_document_is_served_to_its_applicant_and_auditors_and_to_no_one_else(stack):
    owner, other = applicant_token(id_number_of("上传丁")), applicant_token(id_number_of("上传戊"))
    async with httpx.AsyncClient(timeout=30) as client:
        ref = (await _upload(client, stack, owner, PDF.replace(b"2019", b"2018"), year=2018)).json()["ref"]
        url = stack.url("intake") + f"/documents/{ref}"
        assert (await client.get(url, headers=owner)).content == PDF.replace(b"2019", b"2018")
        assert (await client.get(url, headers=token(Role.AUDITOR, org="audit"))).status_code == 200
        for stranger in (other, token(Role.UNIT, org="u-sx-jzsj", area="city")):  # a unit it was never filed with
            assert (await client.get(url, headers=stranger)).status_code == 404


async def test_a_draft_is_kept_sealed_and_erased_with_its_applicant_and_their_documents(stack):
    number = id_number_of("草稿人")
    who, ref = applicant_token(number), person_ref(number, PERSON_SECRET)
    draft = {"step": 2, "fields": {"name": "草稿人", "id_number": number, "specialty": "建筑结构"}}
    async with httpx.AsyncClient(timeout=30) as client:
        intake = stack.url("intake")
        assert (await client.put(intake + "/drafts/mine", json=draft, headers=who)).status_code == 200
        assert (await client.get(intake + "/drafts/mine", headers=who)).json()["draft"] == draft
        await _upload(client, stack, who, PDF.replace(b"2019", b"draft"))
        conn = await asyncpg.connect(with_database(DATABASE_URL, stack.databases["intake"]))
        try:
            sealed = await conn.fetchval("SELECT sealed FROM drafts WHERE person_ref = $1", ref)
            stored = await conn.fetchval("SELECT sealed FROM documents WHERE person_ref = $1", ref)
            assert "草稿人".encode() not in sealed and number.encode() not in sealed and b"%PDF" not in stored
            erased = await client.post(f"{intake}/persons/{ref}/erasure", json={"requested_by": {"role": "applicant", "uid": "acc-applicant-0007"}},
                                       headers=token(Role.CITY_HR_BUREAU, org="sx-city-hr", area="city"))
            assert erased.status_code == 200, erased.text
            assert (erased.json()["erased"]["intake"]["documents_deleted"], erased.json()["erased"]["intake"]["drafts_deleted"]) == (1, 1)
            assert await conn.fetchval("SELECT count(*) FROM documents WHERE person_ref = $1", ref) == 0
        finally:
            await conn.close()
        assert (await client.get(intake + "/drafts/mine", headers=who)).json()["draft"] is None


async def test_a_filing_citing_a_document_the_applicant_never_uploaded_is_refused(stack):
    from tests.e2e.api import submit_body
    from tests.fixtures.builders import normal_applicant, with_attachments

    number = id_number_of("引用人")
    someone_elses = (await _someone_elses_ref(stack))
    app = with_attachments(normal_applicant(), {"attachment_id": someone_elses, "kind": "ce_certificate", "year": 2019})
    body = submit_body(app, number, name="引用人")
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(stack.url("intake") + "/applications", json=body, headers=applicant_token(number))
    assert answer.status_code == 422 and answer.json()["details"][0]["code"] == "DOCUMENT_UNKNOWN"


async def _someone_elses_ref(stack) -> str:
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await _upload(client, stack, applicant_token(id_number_of("别人")), PDF.replace(b"2019", b"other"))
    return answer.json()["ref"]
