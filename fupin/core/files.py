"""Private files: every upload and every generated file with personal data (import files,
error reports; later photos and evidence) is stored through `private_storage`, which keeps it
encrypted with the field key (core/crypto.py) and gives the clear bytes back only to code that
opens it. Nothing here is served by URL: a view that hands a file out checks who asks.

Uploads themselves never touch the disk in clear: settings keep them in memory
(`FILE_UPLOAD_HANDLERS`), up to the upload limit.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

from . import crypto


@deconstructible(path="fupin.core.files.SealedStorage")
class SealedStorage(FileSystemStorage):
    """FileSystemStorage under MEDIA_ROOT whose files are sealed (AES-GCM) at rest."""

    def _save(self, name, content):
        content.seek(0)
        return super()._save(name, ContentFile(crypto.seal_bytes(content.read())))

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("sealed files are written with save(), not opened for writing")
        with super()._open(name, "rb") as fh:
            data = crypto.open_bytes(fh.read())
        return ContentFile(data, name=name)

    def url(self, name):  # pragma: no cover - guards against a template that tries
        raise ValueError("private files have no URL; a view serves them to whom may see them")


_storage = SealedStorage()


def private_storage() -> SealedStorage:
    """The storage of FileFields that hold personal data (a callable, so that migrations
    name it rather than copy its location)."""
    return _storage


def orphans_purge(storage, folder: str, *, known: set[str], older_than) -> int:
    """Delete the files under `folder` that no record names (`known`: their stored names) and
    that were written before `older_than` — what a rolled-back transaction left behind. The
    age keeps a file whose record is still being written. Returns how many were deleted."""
    removed = 0

    def walk(path):
        nonlocal removed
        if not storage.exists(path):
            return
        dirs, files = storage.listdir(path)
        for name in files:
            name = f"{path}/{name}"
            if name not in known and storage.get_modified_time(name) < older_than:
                storage.delete(name)
                removed += 1
        for sub in dirs:
            walk(f"{path}/{sub}")

    walk(folder)
    return removed
