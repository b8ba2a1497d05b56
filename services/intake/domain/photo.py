"""The ID photo check [附件1 二.1]: format, file size, pixel size, aspect ratio, white background.

A photo is not trusted: its size comes from its header before anything is decoded, and more pixels
than `contracts.limits.PHOTO_MAX_PIXELS` is refused without decoding (a decompression bomb is a
small file that claims, or holds, a huge image). The white background is judged on a reduced-scale
decode (JPEG's draft mode), once per request: `read_photo` gives everything the checks need. Any
error of the image library is an unreadable photo, never a crash. Decoding happens in memory;
nothing is written anywhere.
"""
from __future__ import annotations

import hashlib
import io
import warnings
from typing import NamedTuple

from PIL import Image, ImageStat

from contracts.application import Photo
from contracts.limits import PHOTO_MAX_PIXELS, PHOTO_STATS_MIN_EDGE
from contracts.plan import PhotoRule

from .problems import Problem

# Pillow warns above this many pixels and refuses above twice as many at open; we refuse above it
# ourselves, from the header, and the library's own guard stays as a second line.
Image.MAX_IMAGE_PIXELS = PHOTO_MAX_PIXELS

FIELD = "photo"
WHITE_MIN, GREY_SPREAD = 200, 30  # mean channel level and max channel difference of "white"


class PhotoReading(NamedTuple):
    """What one look at the photo found. `photo` is None when it cannot be read, or when its header
    claims more pixels than the limit (then nothing was decoded); `white_background` is None when
    it was not judged (not a JPEG: its format is refused anyway)."""

    photo: Photo | None
    white_background: bool | None
    pixels: int
    readable: bool = True


UNREADABLE = PhotoReading(None, None, 0, readable=False)


def too_many_pixels(reading: PhotoReading | None) -> bool:
    return reading is not None and reading.readable and reading.photo is None


def pixels_problem(reading: PhotoReading) -> Problem:
    return Problem(FIELD, "PHOTO_PIXELS",
                   f"证件照像素过多（上限{PHOTO_MAX_PIXELS}像素），请上传正常拍摄的照片",
                   f"the photo has more than {PHOTO_MAX_PIXELS} pixels ({reading.pixels or 'more than twice that'})")


def read_photo(data: bytes) -> PhotoReading:
    """The photo's description and background (UNREADABLE when it cannot be read)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return PhotoReading(None, None, 0)  # the library refused the header's size itself
    except Exception:  # noqa: BLE001 - any error of the image library is an unreadable photo
        return UNREADABLE
    try:
        with image:
            pixels = image.width * image.height
            if pixels > PHOTO_MAX_PIXELS:
                return PhotoReading(None, None, pixels)
            photo = Photo(format=image.format or "", size_bytes=len(data), width=image.width,
                          height=image.height, sha256=hashlib.sha256(data).hexdigest())
            white = _white_background(image) if photo.format == "JPEG" else None
            return PhotoReading(photo, white, pixels)
    except Exception:  # noqa: BLE001 - truncated or corrupt data, a decoder error: unreadable
        return UNREADABLE


def photo_problems(data: bytes | PhotoReading | None, rule: PhotoRule) -> list[Problem]:
    """The photo's problems; `data` is its bytes or, read once by the caller, `read_photo`'s reading."""
    if data is None or data == b"":
        return [Problem(FIELD, "PHOTO_MISSING", "未上传证件照", "no ID photo uploaded")]
    read = read_photo(data) if isinstance(data, bytes | bytearray) else data
    if not read.readable:
        return [Problem(FIELD, "PHOTO_UNREADABLE", "证件照无法识别，请上传JPG/JPEG图片",
                        "the photo cannot be read; upload a JPG/JPEG image")]
    if read.photo is None:
        return [pixels_problem(read)]
    photo = read.photo
    problems = []
    if photo.format.upper() not in {f.upper() for f in rule.formats}:
        problems.append(Problem(FIELD, "PHOTO_FORMAT", f"证件照应为JPG/JPEG格式，当前为{photo.format}",
                                f"photo must be JPG/JPEG, got {photo.format}"))
    if not rule.min_bytes_exclusive < photo.size_bytes < rule.max_bytes_exclusive:
        problems.append(Problem(FIELD, "PHOTO_FILE_SIZE",
                                f"证件照文件应大于{rule.min_bytes_exclusive // 1024}K且小于"
                                f"{rule.max_bytes_exclusive // 1024 // 1024}M，当前为{photo.size_bytes}字节",
                                f"photo file must be > {rule.min_bytes_exclusive} and < "
                                f"{rule.max_bytes_exclusive} bytes, got {photo.size_bytes}"))
    if not (photo.width > rule.min_width_exclusive and photo.height > rule.min_height_exclusive):
        problems.append(Problem(FIELD, "PHOTO_DIMENSIONS",
                                f"证件照应大于{rule.min_width_exclusive}×{rule.min_height_exclusive}像素，"
                                f"当前为{photo.width}×{photo.height}",
                                f"photo must be larger than {rule.min_width_exclusive}x"
                                f"{rule.min_height_exclusive} px, got {photo.width}x{photo.height}"))
    aspect = photo.width / photo.height if photo.height else 0.0
    if not rule.min_aspect <= aspect <= rule.max_aspect:
        problems.append(Problem(FIELD, "PHOTO_ASPECT_RATIO",
                                f"证件照宽高比应在{rule.min_aspect}至{rule.max_aspect}之间，当前为{aspect:.3f}",
                                f"photo width/height must be {rule.min_aspect}-{rule.max_aspect}, "
                                f"got {aspect:.3f}"))
    if read.white_background is False:
        problems.append(Problem(FIELD, "PHOTO_BACKGROUND", "证件照应为白底", "photo background must be white"))
    return problems


def _white_background(image: Image.Image) -> bool:
    """The two top corners are white-ish; the bottom ones are usually the shoulders. Judged on a
    draft: the JPEG decoder scales by 1/2 to 1/8 while decoding, so a large photo never exists at
    full size in memory."""
    w, h = image.size
    edge = min(w, h)
    if edge > PHOTO_STATS_MIN_EDGE:
        scale = edge / PHOTO_STATS_MIN_EDGE
        image.draft("RGB", (max(1, int(w / scale)), max(1, int(h / scale))))
    rgb = image.convert("RGB")
    w, h = rgb.size
    pw, ph = max(w // 10, 4), max(h // 10, 4)
    for box in ((0, 0, pw, ph), (w - pw, 0, w, ph)):
        means = ImageStat.Stat(rgb.crop(box)).mean
        if min(means) < WHITE_MIN or max(means) - min(means) > GREY_SPREAD:
            return False
    return True
