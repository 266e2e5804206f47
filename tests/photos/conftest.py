from __future__ import annotations

import io

import pytest
from PIL import Image

from ..factories import submit_visit


@pytest.fixture(autouse=True)
def photo_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def visit(shopper, store):
    return submit_visit(observer=shopper, store=store, minutes=25)


def jpeg(width: int = 800, height: int = 600, *, gps: bool = False) -> bytes:
    image = Image.new("RGB", (width, height), (200, 120, 40))
    out = io.BytesIO()
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 18.0)}  # GPSInfo
        exif[0x010F] = "PhoneMaker"
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()
