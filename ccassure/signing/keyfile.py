"""Encrypted PKCS#8 key files: PBES2 with scrypt and AES-256-CBC (RFC 8018, RFC 7914)."""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from ccassure.signing.errors import SigningError

# scrypt: 16 MiB (within OpenSSL's 32 MiB limit, so `openssl pkey` reads the file) and
# p = 4 for four times the work: about 0.2 s per guess.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 4
_PBES2 = "1.2.840.113549.1.5.13"
_SCRYPT = "1.3.6.1.4.1.11591.4.11"
_AES256_CBC = "2.16.840.1.101.3.4.1.42"
REFUSED_KEY_FILE = "the passphrase is wrong, or the key file is damaged"


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _length(len(body)) + body


def _seq(*parts: bytes) -> bytes:
    return _tlv(0x30, b"".join(parts))


def _int(value: int) -> bytes:
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _oid(dotted: str) -> bytes:
    first, second, *rest = (int(x) for x in dotted.split("."))
    body = bytearray([first * 40 + second])
    for arc in rest:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body += bytes(reversed(chunk))
    return _tlv(0x06, bytes(body))


def encrypt_key(key_pem: str, passphrase: str) -> bytes:
    """The private key as an encrypted PKCS#8 PEM file (scrypt, AES-256-CBC)."""
    if not passphrase:
        raise SigningError("a passphrase is needed to protect the key file")
    key = serialization.load_pem_private_key(key_pem.encode("ascii"), None)
    plain = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    salt, iv = os.urandom(16), os.urandom(16)
    secret = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(
        passphrase.encode("utf-8")
    )
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(secret), modes.CBC(iv)).encryptor()
    sealed = encryptor.update(padded) + encryptor.finalize()
    kdf = _seq(
        _oid(_SCRYPT),
        _seq(_tlv(0x04, salt), _int(SCRYPT_N), _int(SCRYPT_R), _int(SCRYPT_P), _int(32)),
    )
    scheme = _seq(_oid(_AES256_CBC), _tlv(0x04, iv))
    der = _seq(_seq(_oid(_PBES2), _seq(kdf, scheme)), _tlv(0x04, sealed))
    return _pem(der)


def _pem(der: bytes) -> bytes:
    import base64

    body = base64.encodebytes(der).decode("ascii").replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    text = "\n".join(
        ["-----BEGIN ENCRYPTED PRIVATE KEY-----", *lines, "-----END ENCRYPTED PRIVATE KEY-----"]
    )
    return (text + "\n").encode("ascii")


def decrypt_key(data: bytes, passphrase: str) -> str:
    """The private key (PKCS#8 PEM text) from an encrypted key file; one message if refused."""
    try:
        key = serialization.load_pem_private_key(data, passphrase.encode("utf-8"))
    except (ValueError, TypeError):
        raise SigningError(REFUSED_KEY_FILE, "passphrase") from None
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
