"""The ID photo check [附件1 二.1]: format, file size, pixel size, aspect ratio, white background.

Decoding happens in memory (Pillow on the given bytes); nothing is written anywhere.
"""
from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageStat, UnidentifiedImageError

from contracts.application import Photo
from contracts.plan import PhotoRule

from .problems import Problem

FIELD = "photo"
WHITE_MIN, GREY_SPREAD = 200, 30  # mean channel level and max channel difference of "white"


def read_photo(data: bytes) -> tuple[Photo, Image.Image] | None:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError):
        return None
    photo = Photo(format=image.format or "", size_bytes=len(data), width=image.width,
                  height=image.height, sha256=hashlib.sha256(data).hexdigest())
    return photo, image


def photo_problems(data: bytes | None, rule: PhotoRule) -> list[Problem]:
    if not data:
        return [Problem(FIELD, "PHOTO_MISSING", "未上传证件照", "no ID photo uploaded")]
    read = read_photo(data)
    if read is None:
        return [Problem(FIELD, "PHOTO_UNREADABLE", "证件照无法识别，请上传JPG/JPEG图片",
                        "the photo cannot be read; upload a JPG/JPEG image")]
    photo, image = read
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
    aspect = photo.width / photo.height
    if not rule.min_aspect <= aspect <= rule.max_aspect:
        problems.append(Problem(FIELD, "PHOTO_ASPECT_RATIO",
                                f"证件照宽高比应在{rule.min_aspect}至{rule.max_aspect}之间，当前为{aspect:.3f}",
                                f"photo width/height must be {rule.min_aspect}-{rule.max_aspect}, "
                                f"got {aspect:.3f}"))
    if not _white_background(image):
        problems.append(Problem(FIELD, "PHOTO_BACKGROUND", "证件照应为白底", "photo background must be white"))
    return problems


def _white_background(image: Image.Image) -> bool:
    """The two top corners are white-ish; the bottom ones are usually the shoulders."""
    rgb = image.convert("RGB")
    w, h = rgb.size
    pw, ph = max(w // 10, 4), max(h // 10, 4)
    for box in ((0, 0, pw, ph), (w - pw, 0, w, ph)):
        means = ImageStat.Stat(rgb.crop(box)).mean
        if min(means) < WHITE_MIN or max(means) - min(means) > GREY_SPREAD:
            return False
    return True
