"""国密 primitives for personal data: SM4-GCM encryption at rest and keyed SM3 digests.

Keys come from settings (``ONEWINDOW_FIELD_KEY`` / ``ONEWINDOW_DIGEST_KEY`` or their ``*_FILE``
variants, 32 hex characters each); outside production they are derived from ``SECRET_KEY`` so
the embedded default needs no variable.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "sm4gcm:v1:"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(Exception):
    """The stored value was not produced with the configured key (or was tampered with)."""


def sm3(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _key(setting: str) -> bytes:
    raw = getattr(settings, setting, "")
    if not raw:
        raise ImproperlyConfigured(f"{setting} is not configured")
    try:
        key = binascii.unhexlify(raw)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{setting} must be 32 hexadecimal characters") from exc
    if len(key) != 16:
        raise ImproperlyConfigured(f"{setting} must be 32 hexadecimal characters (128 bits)")
    return key


def encrypt(plaintext: str, *, context: str) -> str:
    """SM4-GCM with a random nonce; ``context`` (e.g. the model field) is authenticated data."""
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(_key("ONEWINDOW_FIELD_KEY")), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context.encode())
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return PREFIX + base64.b64encode(nonce + body + encryptor.tag).decode()


def decrypt(token: str, *, context: str) -> str:
    if not token.startswith(PREFIX):
        raise DecryptionError("not an encrypted value")
    try:
        raw = base64.b64decode(token[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DecryptionError("malformed encrypted value") from exc
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("malformed encrypted value")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(
        algorithms.SM4(_key("ONEWINDOW_FIELD_KEY")), modes.GCM(nonce, tag)
    ).decryptor()
    decryptor.authenticate_additional_data(context.encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as exc:
        raise DecryptionError("authentication failed") from exc


def digest(value: str, *, purpose: str) -> str:
    """Keyed SM3-HMAC of a normalised value: equality search over encrypted columns."""
    mac = hmac.HMAC(_key("ONEWINDOW_DIGEST_KEY"), hashes.SM3())
    mac.update(purpose.encode() + b"\x00" + value.strip().upper().encode())
    return mac.finalize().hex()
