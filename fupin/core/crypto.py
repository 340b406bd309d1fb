"""Personal data at rest (DESIGN §1, §7): AES-GCM encryption and a keyed hash (HMAC) for
exact lookup and uniqueness, both derived from FUPIN_FIELD_KEY.

Stored form of an encrypted value: "v1:" + urlsafe-base64(nonce ‖ ciphertext). The version
prefix leaves room for key rotation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "v1:"


@cache
def _keys(secret: str) -> tuple[AESGCM, bytes]:
    material = HKDF(algorithm=hashes.SHA256(), length=64, salt=b"fupin-field-key",
                    info=b"v1").derive(secret.encode())
    return AESGCM(material[:32]), material[32:]


def _current():
    return _keys(settings.FUPIN_FIELD_KEY)


def encrypt(value: str) -> str:
    if not value:
        return ""
    aead, _mac = _current()
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, value.encode(), None)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(PREFIX):
        raise ValueError("unknown ciphertext version")
    raw = base64.urlsafe_b64decode(token[len(PREFIX):])
    aead, _mac = _current()
    return aead.decrypt(raw[:12], raw[12:], None).decode()


def blind_index(value: str) -> str:
    """Keyed hash of a normalised value: equal values give equal hashes; without the key the
    hash reveals nothing (an unkeyed hash of an ID number would be easy to brute-force)."""
    if not value:
        return ""
    _aead, mac = _current()
    return hmac.new(mac, value.encode(), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------------------------------
# Files and structured values at rest (issue 8 item 6): uploads, error reports and, later,
# photos and evidence are kept encrypted with a key derived from the same FUPIN_FIELD_KEY,
# so that a copy of var/ (a backup, a stolen disk) holds no personal data in clear text.

FILE_MAGIC = b"FUPIN-SEALED-1\n"


@cache
def _file_key(secret: str) -> AESGCM:
    material = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"fupin-field-key",
                    info=b"file-v1").derive(secret.encode())
    return AESGCM(material)


def seal_bytes(data: bytes) -> bytes:
    """A file's bytes, encrypted and authenticated (AES-GCM): magic ‖ nonce ‖ ciphertext."""
    nonce = os.urandom(12)
    return FILE_MAGIC + nonce + _file_key(settings.FUPIN_FIELD_KEY).encrypt(nonce, data,
                                                                            FILE_MAGIC)


def open_bytes(sealed: bytes) -> bytes:
    """The clear bytes of `seal_bytes`; ValueError for anything else (a clear or foreign
    file is never served as if it were ours)."""
    if not sealed.startswith(FILE_MAGIC):
        raise ValueError("not a sealed file")
    body = sealed[len(FILE_MAGIC):]
    return _file_key(settings.FUPIN_FIELD_KEY).decrypt(body[:12], body[12:], FILE_MAGIC)


def is_sealed(data: bytes) -> bool:
    return data.startswith(FILE_MAGIC)


_LONG_NUMBER = re.compile(r"\d{17}[\dXx]|\d{11,}")


def mask_numbers_in(text: str) -> str:
    """Free text a user typed (a file's name, "张三510802199001011234.xlsx") with every ID
    number, phone or account number in it masked: for what is kept only to be shown."""
    from .personal import BANK_ACCOUNT, ID_NUMBER, PHONE, stored_mask  # personal uses crypto

    def mask(match):
        number = match.group(0)
        kind = ID_NUMBER if len(number) == 18 else PHONE if len(number) == 11 else BANK_ACCOUNT
        return stored_mask(kind, number)

    return _LONG_NUMBER.sub(mask, text)
