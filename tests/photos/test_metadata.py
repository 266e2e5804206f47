"""A stored photo holds pixels only: nothing the upload carried besides them survives the re-encode."""

from __future__ import annotations

import io
import struct
import uuid

import pytest
from PIL import Image, PngImagePlugin

from photos.models import Photo
from photos.services import photo_attach

pytestmark = pytest.mark.django_db

SECRET = b"RT-COMMENT shopper=anna gps=52.5200,13.4050 at 14:05"
XMP = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>" + SECRET + b"</x:xmpmeta>"


def jpeg_with_everything() -> bytes:
    """A JPEG with a comment (COM), EXIF with GPS (APP1), XMP (APP1) and an ICC profile (APP2)."""
    image = Image.new("RGB", (320, 240), (10, 200, 90))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 18.0)}
    exif[0x010E] = SECRET.decode()  # ImageDescription
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=SECRET, icc_profile=b"\x00" * 128 + SECRET, xmp=XMP)
    return out.getvalue()


def png_with_everything() -> bytes:
    """A PNG with tEXt, iTXt, zTXt and eXIf chunks."""
    image = Image.new("RGB", (320, 240), (10, 200, 90))
    info = PngImagePlugin.PngInfo()
    info.add_text("comment", SECRET.decode())  # Pillow saved it as a JPEG comment
    info.add_itxt("XML:com.adobe.xmp", SECRET.decode())
    info.add_text("Author", SECRET.decode(), zip=True)
    exif = Image.Exif()
    exif[0x010E] = SECRET.decode()
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, exif=exif)
    return out.getvalue()


def jpeg_segments(data: bytes) -> list[int]:
    """The markers of a JPEG's header segments, from SOI up to the start of the scan (SOS)."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [], 2
    while True:
        assert data[at] == 0xFF
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xDA:  # SOS: entropy-coded data follows
            return markers
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        at += 2 + length


# What a baseline or progressive JPEG encoder needs: quantisation and Huffman tables, the frame and
# scan headers, restart intervals, and the JFIF header (APP0) that names the colour space.
ENCODER_MARKERS = {0xDB, 0xC4, 0xC0, 0xC1, 0xC2, 0xDD, 0xDA, 0xE0}


@pytest.mark.parametrize("upload", [jpeg_with_everything, png_with_everything], ids=["jpeg", "png"])
def test_the_stored_photo_has_no_segment_beyond_what_the_encoder_needs(shopper, visit, upload):
    data = upload()
    assert SECRET in data or SECRET in Image.open(io.BytesIO(data)).info.get("Author", "").encode()

    photo_attach(uploader=shopper, visit=visit, photo_id=uuid.uuid4(), data=data)

    with Photo.objects.get().image.open("rb") as handle:
        stored = handle.read()
    markers = jpeg_segments(stored)
    assert set(markers) <= ENCODER_MARKERS, [hex(m) for m in markers]
    assert markers.count(0xE0) == 1  # JFIF only: no APP1 (EXIF, XMP), APP2 (ICC) or COM (0xFE)
    assert SECRET not in stored
    assert b"52.52" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (320, 240)
        assert image.getpixel((5, 5)) == pytest.approx((10, 200, 90), abs=3)
