"""Review packages' cryptography: passphrase encryption (scrypt, AES-256-GCM), manifest signatures.

An encrypted package is ``ENCRYPTED_MAGIC``, the header's length (4 bytes, big-endian), the
header (canonical JSON: cipher, kdf, n, r, p, salt, nonce, version) and the AES-256-GCM
ciphertext of the plain package with its 16-byte tag. Everything before the ciphertext is
authenticated as associated data, so a changed header fails like a wrong passphrase. The key is
scrypt(passphrase in Unicode NFC, UTF-8; n=2**17, r=8, p=1: 128 MiB and about 0.5 s here);
headers asking for more than 256 MiB or four times the default's work are refused first.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import struct
import unicodedata
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from ccassure.signing.errors import SigningError
from ccassure.signing.records import sign_record, verify_record

ENCRYPTED_MAGIC: Final = b"CCASSURE-SEALED-PACKAGE\n"
"""Also ccassure.interop.review_package.ENCRYPTED_MAGIC (interop and signing do not import each
other; a test keeps the two equal)."""
MAX_PACKAGE_BYTES: Final = 512 * 1024 * 1024
CIPHER: Final = "AES-256-GCM"
KDF: Final = "scrypt"
ENVELOPE_VERSION: Final = 1
SCRYPT_N: Final = 2**17
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
MAX_SCRYPT_MEMORY: Final = 256 * 1024 * 1024
MAX_SCRYPT_P: Final = 4
MAX_SCRYPT_WORK: Final = 2**22  # n * r * p: four times the default
MIN_SCRYPT_N: Final = 2**14
MAX_HEADER_BYTES: Final = 4096
SALT_BYTES: Final = 16
NONCE_BYTES: Final = 12
TAG_BYTES: Final = 16
MANIFEST_SIGNATURE_DOMAIN: Final = b"ccassure-review-package-manifest\0"
CANNOT_OPEN: Final = "the passphrase does not open this package, or the package was altered"
_LENGTH = struct.Struct(">I")
_HEADER_KEYS: Final = frozenset({"cipher", "kdf", "n", "r", "p", "salt", "nonce", "version"})


def seal_package(
    plain: bytes, passphrase: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P
) -> bytes:
    """The plain package encrypted with a key derived from the passphrase (see the module;
    n, r and p are scrypt's costs, within the limits open_package accepts)."""
    if not passphrase:
        raise SigningError("a passphrase is needed to encrypt the package", "invalid")
    if len(plain) > MAX_PACKAGE_BYTES:
        raise SigningError("the package is too large to encrypt", "too_large")
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    header = {
        "cipher": CIPHER,
        "kdf": KDF,
        "n": n,
        "r": r,
        "p": p,
        "salt": base64.b64encode(salt).decode("ascii"),
        "nonce": base64.b64encode(nonce).decode("ascii"),
        "version": ENVELOPE_VERSION,
    }
    header_bytes = canonical_json(header)
    _parse_header(header_bytes)
    prefix = ENCRYPTED_MAGIC + _LENGTH.pack(len(header_bytes)) + header_bytes
    key = _derive(passphrase, salt, n, r, p)
    return prefix + AESGCM(key).encrypt(nonce, plain, prefix)


def open_package(data: bytes, passphrase: str) -> bytes:
    """The plain package inside an encrypted one; SigningError (wrong_passphrase, damaged,
    not_package, unsupported, too_large) with one line otherwise."""
    if not data.startswith(ENCRYPTED_MAGIC):
        raise SigningError("this is not an encrypted ccassure review package", "not_package")
    if len(data) > MAX_PACKAGE_BYTES + MAX_HEADER_BYTES + 64:
        raise SigningError("the file is too large to be a review package", "too_large")
    start = len(ENCRYPTED_MAGIC) + _LENGTH.size
    if len(data) < start:
        raise SigningError("the encrypted package is damaged or incomplete", "damaged")
    (length,) = _LENGTH.unpack_from(data, len(ENCRYPTED_MAGIC))
    if length > MAX_HEADER_BYTES or len(data) < start + length + TAG_BYTES:
        raise SigningError("the encrypted package is damaged or incomplete", "damaged")
    header_bytes = data[start : start + length]
    header = _parse_header(header_bytes)
    salt, nonce = _b64(header["salt"], SALT_BYTES), _b64(header["nonce"], NONCE_BYTES)
    key = _derive(passphrase, salt, header["n"], header["r"], header["p"])
    prefix = data[: start + length]
    try:
        return AESGCM(key).decrypt(nonce, data[start + length :], prefix)
    except InvalidTag:
        raise SigningError(CANNOT_OPEN, "wrong_passphrase") from None


def sign_manifest(key_pem: str, manifest_bytes: bytes) -> str:
    """The manifest's signature (base64), over a payload no sign-off record can have."""
    return sign_record(key_pem, MANIFEST_SIGNATURE_DOMAIN + manifest_bytes)


def verify_manifest(certificate_pem: str, manifest_bytes: bytes, signature: str) -> bool:
    """Whether the signature over the manifest was made with the certificate's key."""
    return verify_record(certificate_pem, MANIFEST_SIGNATURE_DOMAIN + manifest_bytes, signature)


def canonical_json(value: Any) -> bytes:
    """Sorted keys, UTF-8, no insignificant whitespace."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret)


def _parse_header(header_bytes: bytes) -> dict[str, Any]:
    damaged = SigningError("the encrypted package's header is damaged", "damaged")
    try:
        header = json.loads(header_bytes.decode("utf-8"))
    except (ValueError, RecursionError):
        raise damaged from None
    if not isinstance(header, dict) or set(header) != _HEADER_KEYS:
        raise damaged
    if canonical_json(header) != header_bytes:
        raise damaged
    if header["version"] != ENVELOPE_VERSION or type(header["version"]) is not int:
        raise SigningError("the package was encrypted by a newer ccassure", "unsupported")
    if header["cipher"] != CIPHER or header["kdf"] != KDF:
        raise SigningError(
            "the package is encrypted in a way this ccassure cannot open", "unsupported"
        )
    n, r, p = header["n"], header["r"], header["p"]
    if not all(type(value) is int for value in (n, r, p)):
        raise damaged
    # scrypt needs n a power of two below 2**(16r); the caps keep a hostile header from taking
    # more than 256 MiB or a few seconds.
    if n < MIN_SCRYPT_N or n & (n - 1) or n.bit_length() > 16 * r or not 1 <= p <= MAX_SCRYPT_P:
        raise damaged
    if 128 * n * r > MAX_SCRYPT_MEMORY or n * r * p > MAX_SCRYPT_WORK:
        raise SigningError("the package's key derivation asks for too much work", "damaged")
    return header


def _b64(text: Any, size: int) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True) if isinstance(text, str) else b""
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size or base64.b64encode(raw).decode("ascii") != text:
        raise SigningError("the encrypted package's header is damaged", "damaged")
    return raw
