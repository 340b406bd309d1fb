"""The photo of a service visit: checked by its content (Pillow, not the name), at most
10 MB, resized to at most 1600 px on the long side, re-encoded as JPEG without EXIF (no GPS).

A local wrapper for now: the consultations part moves followups/photos.py's logic into
core/photos.py; the lead then makes `photo_clean` below call `fupin.core.photos` (this module
must not import fupin.followups: techaid does not depend on it)."""

from __future__ import annotations

import io
import uuid

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from fupin.core.errors import ServiceError

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600


def photo_clean(upload) -> ContentFile:
    """The stored form of an uploaded photo (a fresh JPEG, random name), or ServiceError."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if getattr(upload, "size", None) is not None and upload.size > MAX_BYTES:
        raise ServiceError(_("照片不能超过 10 MB。"), field="photo")
    upload.seek(0)
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ServiceError(_("照片不能超过 10 MB。"), field="photo")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(raw))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        raise ServiceError(_("上传的文件不是有效的图片，请拍照或选择照片。"),
                           field="photo") from None
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)  # a new image carries no EXIF unless told
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
