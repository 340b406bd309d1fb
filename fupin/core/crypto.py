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

