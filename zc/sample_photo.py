"""ID photos made in memory: a white background with a noisy "head and shoulders" block.

The noise keeps JPEG from compressing the file below the 30 KB minimum.
"""
from __future__ import annotations

import io
import random

from PIL import Image


def photo_bytes(width: int = 358, height: int = 478, *, background=(255, 255, 255),
                fmt: str = "JPEG", noise: bool = True, quality: int = 95) -> bytes:
    image = Image.new("RGB", (width, height), background)
    if noise:
        rng = random.Random(width * 10007 + height)
        bw, bh = width * 3 // 5, height * 3 // 5
        block = Image.frombytes("RGB", (bw, bh), bytes(rng.randrange(256) for _ in range(bw * bh * 3)))
        image.paste(block, ((width - bw) // 2, height - bh))  # shoulders reach the bottom edge
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return out.getvalue()
