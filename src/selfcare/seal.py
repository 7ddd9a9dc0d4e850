"""End-to-end encryption of a sync folder's journals (`selfcare sync init --encrypt`).

Library: `cryptography` (the Python Cryptographic Authority's package): a
well-kept project with a long record of releases and security fixes, whose
primitives are OpenSSL's, and whose recipes used here are standard ones with
no choices to get wrong — scrypt (RFC 7914) to derive a 256-bit key from
the passphrase, and AES-256-GCM (authenticated: a changed byte is detected,
never decrypted into something else) for each journal line, with a fresh
random 96-bit nonce per line. It is an optional extra (`pip install
'selfcare[encrypt]'`), imported only when an encrypted folder is used.

The salt, the scrypt parameters and a check value (a known text sealed with
the key) are in the folder's header, so every device derives the same key
from the same passphrase, and a wrong passphrase is known before a single
event is read. What the cloud holds: ciphertext, the number and sizes of the
lines, and the devices' random ids in the file names.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from .errors import SelfcareError

PREFIX = b"e1:"  # a sealed line; the number is the format's version
AAD = b"selfcare journal line v1"
CHECK = b"selfcare sync key check"
# OWASP's recommended minimum for scrypt: N=2^17 (128 MiB), r=8, p=1; about a quarter second.
SCRYPT = {"n": 2**17, "r": 8, "p": 1}
INSTALL = "encryption needs the 'cryptography' package: pip install 'selfcare[encrypt]'"


class WrongKey(SelfcareError):
    """The passphrase does not open this folder."""


class Unsealable(Exception):
    """A line that does not decrypt with the folder's key (damaged, or sealed with another key)."""


def _aead() -> Any:
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:
        raise SelfcareError(INSTALL) from None
    return AESGCM


def derive(passphrase: str, params: dict[str, Any]) -> bytes:
    try:
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
    except ImportError:
        raise SelfcareError(INSTALL) from None
    salt = base64.b64decode(params["salt"])
    kdf = Scrypt(salt=salt, length=32, n=int(params["n"]), r=int(params["r"]), p=int(params["p"]))
    return bytes(kdf.derive(passphrase.encode("utf-8")))


def new_params() -> dict[str, Any]:
    return {"kdf": "scrypt", **SCRYPT, "salt": base64.b64encode(os.urandom(16)).decode("ascii")}


def check_value(key: bytes) -> str:
    nonce = os.urandom(12)
    return base64.b64encode(nonce + _aead()(key).encrypt(nonce, CHECK, AAD)).decode("ascii")


def verify(key: bytes, check: str) -> None:
    """Raise WrongKey unless `key` opens the folder whose check value is `check`."""
    cipher = _aead()(key)
    try:
        raw = base64.b64decode(check)
        opened = cipher.decrypt(raw[:12], raw[12:], AAD) == CHECK
    except Exception:  # cryptography's InvalidTag, or a damaged value
        opened = False
    if not opened:
        raise WrongKey("the passphrase does not open this sync folder (nothing was read or changed); try again")


class Sealer:
    """Turns an event's JSON line into what the journal holds, and back."""

    def __init__(self, key: bytes | None) -> None:
        self.key = key
        self._cipher = _aead()(key) if key is not None else None

    @property
    def encrypted(self) -> bool:
        return self._cipher is not None

    def seal(self, line: bytes) -> bytes:
        if self._cipher is None:
            return line
        nonce = os.urandom(12)
        return PREFIX + base64.b64encode(nonce + self._cipher.encrypt(nonce, line, AAD))

    def open(self, line: bytes) -> bytes:
        if self._cipher is None:
            if line.startswith(PREFIX):
                raise Unsealable("an encrypted line in a folder that is not encrypted")
            return line
        if not line.startswith(PREFIX):
            raise Unsealable("a line that is not encrypted in an encrypted folder")
        try:
            raw = base64.b64decode(line[len(PREFIX) :], validate=True)
            return bytes(self._cipher.decrypt(raw[:12], raw[12:], AAD))
        except Exception:
            raise Unsealable("it does not decrypt with this folder's key (damaged?)") from None
