"""A visit's photo: the shared phone-photo rules of core/photos.py (checked by content, at
most 10 MB, resized to 1600 px, re-encoded as JPEG without EXIF/GPS)."""

from __future__ import annotations

from fupin.core.photos import MAX_BYTES, MAX_SIDE
from fupin.core.photos import photo_clean as _clean

__all__ = ["MAX_BYTES", "MAX_SIDE", "photo_clean"]


def photo_clean(upload):
    return _clean(upload, field="photo")
