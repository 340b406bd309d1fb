"""Photos taken on a phone (a follow-up visit's, a consultation's): checked by their content
(Pillow, not the name or the browser's content type), at most 10 MB, resized to at most
1600 px on the long side and re-encoded as JPEG without EXIF — no GPS location, no camera
serial is kept. The stored form is then sealed at rest by `core.files.private_storage`
(the model's FileField), and served only by a view that checks who asks."""

from __future__ import annotations

import io
import uuid

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .errors import ServiceError

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600


def photo_clean(upload, *, field: str = "photo") -> ContentFile:
    """The stored form of an uploaded photo (a fresh JPEG, random name), or ServiceError
    (naming `field`) for a file too large or that is not an image."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload.size is not None and upload.size > MAX_BYTES:
        raise ServiceError(_("照片不能超过 10 MB。"), field=field)
    upload.seek(0)
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ServiceError(_("照片不能超过 10 MB。"), field=field)
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(raw))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        raise ServiceError(_("上传的文件不是有效的图片，请拍照或选择照片。"),
                           field=field) from None
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    # a new image carries no EXIF (and so no GPS) unless told to
    image.save(out, format="JPEG", quality=85)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def photo_bytes(field_file) -> bytes:
    """The clear bytes of a stored (sealed) photo, for a view that has checked who asks."""
    with field_file.storage.open(field_file.name) as fh:
        return fh.read()


def photo_response(field_file):
    """A stored photo as a private, uncached JPEG response (the view has checked who asks)."""
    from django.http import HttpResponse

    response = HttpResponse(photo_bytes(field_file), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
