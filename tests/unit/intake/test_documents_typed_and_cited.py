"""The upload door's two pure rules: a file's type is read from its bytes (JPEG that decodes, PDF
with its header and end marker, nothing else), and the ref an application cites is a keyed hash of
(applicant, content) that differs between applicants and reveals no content hash."""
from __future__ import annotations

import hashlib

from hypothesis import given, settings, strategies as st

from services.intake.adapters.documents import document_ref, sniff
from tests.fixtures.photos import photo_bytes

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def test_a_real_jpeg_and_a_pdf_are_recognised_by_their_content():
    assert sniff(photo_bytes()) == "image/jpeg"
    assert sniff(PDF) == "application/pdf"


@settings(deadline=None)  # the first call loads Pillow's decoders
@given(st.binary(max_size=2048))
def test_bytes_without_a_known_signature_are_never_accepted(data):
    if not data.startswith((b"\xff\xd8\xff", b"%PDF-")):
        assert sniff(data) is None


@settings(deadline=None)
@given(st.binary(max_size=512))
def test_a_jpeg_header_on_anything_that_does_not_decode_is_refused(tail):
    assert sniff(b"\xff\xd8\xff" + tail) is None


def test_a_pdf_header_without_its_end_marker_is_refused():
    assert sniff(PDF.replace(b"%%EOF", b"")) is None


@given(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
       st.text(alphabet="0123456789abcdef", min_size=64, max_size=64), st.binary(min_size=1, max_size=64))
def test_the_same_file_of_two_applicants_is_cited_by_two_refs_neither_its_hash(one, two, content):
    sha = hashlib.sha256(content).hexdigest()
    first, again = document_ref("k", one, sha), document_ref("k", one, sha)
    assert first == again and first.startswith("doc-") and sha[:40] not in first
    if one != two:
        assert document_ref("k", two, sha) != first
    assert document_ref("another key", one, sha) != first
