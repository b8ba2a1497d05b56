import pytest

from services.intake.domain.validation import photo_problems, read_photo
from tests.fixtures.builders import PLAN
from tests.fixtures.photos import photo_bytes

RULE = PLAN.photo


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
    photo, _ = read_photo(data)
    assert (photo.format, photo.width, photo.height, photo.size_bytes) == ("JPEG", 358, 478, len(data))
