"""Realistic ID photos made locally with Pillow: white background, a shaded head and shoulders,
sensor noise; 50-300 KB JPEGs that intake's photo check accepts (format, size, aspect, background)."""
from __future__ import annotations

import base64
import io
import random

from PIL import Image, ImageDraw, ImageFilter

MIN_BYTES, MAX_BYTES = 50 * 1024, 300 * 1024


def portrait(rng: random.Random, width: int, height: int, noise: float, quality: int) -> bytes:
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    skin = tuple(rng.randint(lo, hi) for lo, hi in ((200, 240), (160, 200), (130, 170)))
    cloth = tuple(rng.randint(10, 90) for _ in range(3))
    cx = width // 2
    draw.ellipse((cx - width * 0.42, height * 0.72, cx + width * 0.42, height * 1.35), fill=cloth)  # shoulders
    draw.rectangle((cx - width * 0.08, height * 0.55, cx + width * 0.08, height * 0.78), fill=skin)  # neck
    draw.ellipse((cx - width * 0.2, height * 0.18, cx + width * 0.2, height * 0.64), fill=skin)  # face
    draw.chord((cx - width * 0.22, height * 0.12, cx + width * 0.22, height * 0.45), 180, 360, fill=(25, 20, 20))
    image = image.filter(ImageFilter.GaussianBlur(2))
    grain = Image.effect_noise((width, height), noise).convert("RGB")
    mask = Image.new("L", (width, height), 0)
    ImageDraw.Draw(mask).rectangle((0, int(height * 0.12), width, height), fill=90)  # the white top stays clean
    image = Image.composite(Image.blend(image, grain, 0.35), image, mask)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def photo_set(count: int = 12, seed: int = 7) -> list[str]:
    """`count` distinct photos between 50 and 300 KB, base64-encoded as intake expects them."""
    rng, photos = random.Random(seed), []
    while len(photos) < count:
        width = rng.randrange(360, 720, 2)
        height = int(width / rng.uniform(0.7, 0.76))
        data = portrait(rng, width, height, noise=rng.uniform(40, 120), quality=rng.randint(85, 95))
        if MIN_BYTES < len(data) < MAX_BYTES:
            photos.append(base64.b64encode(data).decode())
    return photos
