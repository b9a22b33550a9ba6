"""Encryption at rest of applicants' personal data, and keyed hashes for look-ups."""

import base64
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\x01"


class PiiCipher:
    """AES-256-GCM with a random nonce per value; keys derived from one configured secret."""

    def __init__(self, secret):
        if not secret:
            raise ValueError("PII_KEY is not configured")
        master = secret.encode() if isinstance(secret, str) else secret
        self._aead = AESGCM(hmac.digest(master, b"sipas-pii-encryption-v1", "sha256"))
        self._hash_key = hmac.digest(master, b"sipas-pii-lookup-hash-v1", "sha256")

    def encrypt(self, text):
        if text is None or text == "":
            return None
        nonce = os.urandom(12)
        return VERSION + nonce + self._aead.encrypt(nonce, text.encode(), None)

    def decrypt(self, blob):
        if blob is None:
            return None
        blob = bytes(blob)
        if blob[:1] != VERSION:
            raise ValueError("Unknown personal-data cipher version")
        return self._aead.decrypt(blob[1:13], blob[13:], None).decode()

    def lookup_hash(self, text):
        """A keyed hash (hex) that finds equal values without revealing them."""
        if not text:
            return None
        return hmac.digest(self._hash_key, text.encode(), "sha256")[:16].hex()

    def digest(self, parts):
        """A keyed fingerprint of a row, to tell an unchanged re-import without decrypting."""
        joined = "\x1f".join(["" if p is None else str(p) for p in parts])
        return base64.b64encode(hmac.digest(self._hash_key, joined.encode(), "sha256")[:18]).decode()


_cipher = None


def configure(secret):
    global _cipher
    _cipher = PiiCipher(secret)


def cipher():
    if _cipher is None:
        raise RuntimeError("Personal-data encryption is not configured")
    return _cipher


def mask_phone(e164):
    """+84912345678 -> 091****678: enough to recognise, not enough to call."""
    if not e164:
        return ""
    national = "0" + e164[3:] if e164.startswith("+84") else e164
    if len(national) < 7:
        return "*" * len(national)
    return national[:3] + "*" * (len(national) - 6) + national[-3:]
