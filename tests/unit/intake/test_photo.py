import pytest
from hypothesis import given, settings, strategies as st

from contracts.limits import PHOTO_MAX_PIXELS
from services.intake.domain.validation import photo_problems, read_photo
from tests.fixtures.builders import PLAN
from tests.fixtures.photos import claimed_size_jpeg, huge_jpeg, photo_bytes

RULE = PLAN.photo
_SMALL = photo_bytes(noise=False)


def codes(data):
    return [p.code for p in photo_problems(data, RULE)]


def test_a_white_background_jpeg_of_the_right_size_passes():
    assert codes(photo_bytes()) == []


def test_the_smallest_acceptable_pixel_size_passes():
    assert codes(photo_bytes(216, 301)) == []


@pytest.mark.parametrize("width, height", [(215, 301), (216, 300)])
def test_pixel_sizes_at_the_limit_are_refused(width, height):
    assert "PHOTO_DIMENSIONS" in codes(photo_bytes(width, height))


@pytest.mark.parametrize("width, height, ok", [
    (325, 500, True),    # 0.65
    (400, 500, True),    # 0.80
    (324, 500, False),   # 0.648
    (401, 500, False),   # 0.802
])
def test_aspect_ratio_limits_are_inclusive(width, height, ok):
    assert ("PHOTO_ASPECT_RATIO" not in codes(photo_bytes(width, height))) is ok


def test_a_png_is_refused_for_its_format():
    assert "PHOTO_FORMAT" in codes(photo_bytes(fmt="PNG"))


def test_a_file_of_thirty_kilobytes_or_less_is_refused():
    small = photo_bytes(noise=False)
    assert len(small) <= RULE.min_bytes_exclusive
    assert codes(small) == ["PHOTO_FILE_SIZE"]


def test_a_file_of_one_megabyte_or_more_is_refused():
    big = photo_bytes(1500, 2000)
    assert len(big) >= RULE.max_bytes_exclusive and "PHOTO_FILE_SIZE" in codes(big)


def test_a_blue_background_is_refused():
    assert codes(photo_bytes(background=(60, 120, 220))) == ["PHOTO_BACKGROUND"]


def test_bytes_that_are_not_an_image_are_refused_once():
    assert codes(b"not a photo at all" * 3000) == ["PHOTO_UNREADABLE"]


def test_a_missing_photo_is_refused():
    assert codes(None) == ["PHOTO_MISSING"]


def test_reading_a_photo_gives_the_contract_description():
    data = photo_bytes()
    photo = read_photo(data).photo
    assert (photo.format, photo.width, photo.height, photo.size_bytes) == ("JPEG", 358, 478, len(data))


def test_a_header_claiming_fifteen_thousand_pixels_square_is_refused_for_its_pixels_without_an_error():
    bomb = claimed_size_jpeg(15_000, 15_000)
    assert len(bomb) < 1_000
    assert codes(bomb) == ["PHOTO_PIXELS"]


def test_a_real_ten_thousand_pixels_square_photo_is_refused_for_its_pixels_before_it_is_decoded():
    bomb = huge_jpeg()
    reading = read_photo(bomb)
    assert reading.readable and reading.photo is None and reading.white_background is None
    assert codes(bomb) == ["PHOTO_PIXELS"]


def test_a_twelve_megapixel_phone_photo_is_within_the_pixel_limit():
    assert 4000 * 3000 <= PHOTO_MAX_PIXELS
    assert "PHOTO_PIXELS" not in codes(claimed_size_jpeg(4000, 3000))
    assert "PHOTO_PIXELS" in codes(claimed_size_jpeg(4001, 4000))


def test_the_image_library_refuses_the_same_pixels_itself():
    from PIL import Image

    assert Image.MAX_IMAGE_PIXELS == PHOTO_MAX_PIXELS


def test_a_truncated_photo_is_unreadable_not_an_error():
    data = photo_bytes()
    assert codes(data[: len(data) // 2]) == ["PHOTO_UNREADABLE"]


@settings(max_examples=60, deadline=None)
@given(cut=st.integers(0, 400), junk=st.binary(min_size=1, max_size=40), at=st.integers(0, 400))
def test_no_damaged_photo_makes_the_check_raise(cut, junk, at):
    data = bytearray(_SMALL)
    data[at:at + len(junk)] = junk
    photo_problems(bytes(data[: len(data) - cut]), RULE)  # problems, never an exception


def test_a_large_photo_is_judged_on_a_reduced_scale_decode(monkeypatch):
    from PIL import JpegImagePlugin

    decoded = []
    real_load = JpegImagePlugin.JpegImageFile.load

    def load(self):
        decoded.append(self.size)  # after draft(): the size the decoder really produces
        return real_load(self)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", load)
    reading = read_photo(photo_bytes(1200, 1600, noise=False))
    assert (reading.photo.width, reading.photo.height) == (1200, 1600)  # the contract keeps the real size
    assert decoded and all(w <= 1200 // 4 and h <= 1600 // 4 for w, h in decoded), decoded


def test_a_filing_reads_its_photo_once(monkeypatch):
    import base64
    import random
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from PIL import Image

    from services.intake.adapters.prepare import prepare
    from services.intake.adapters.requests import SubmitRequest
    from zc.load.people import PLAN as LOAD_PLAN, filing, units

    rng = random.Random(3)
    f = filing(rng, units(1, rng)[0], "person-key")
    request = SubmitRequest.model_validate({**f.body, "photo_base64": base64.b64encode(photo_bytes()).decode()})
    opened = []
    real_open = Image.open
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(1) or real_open(*a, **k))
    try:
        prepare(request, LOAD_PLAN, person_ref_secret="person-key",
                now=datetime(2020, 8, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    except Exception:  # noqa: BLE001 - whatever else the filing lacks, the photo was read by now
        pass
    assert len(opened) == 1


@pytest.mark.parametrize("claimed", [(4001, 4000), (15_000, 15_000)])
def test_an_uploaded_photo_claiming_too_many_pixels_is_sniffed_as_a_jpeg_and_refused_for_its_pixels(claimed):
    from services.intake.adapters.documents import sniff

    bomb = claimed_size_jpeg(*claimed)
    assert sniff(bomb) == "image/jpeg"  # no error of the image library escapes from the upload door
    assert codes(bomb) == ["PHOTO_PIXELS"]
