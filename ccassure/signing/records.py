"""Digital signatures over sign-off records: EC P-256 (ECDSA) or RSA (PKCS#1 v1.5), SHA-256."""

from __future__ import annotations

import base64
import binascii

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from ccassure.signing.errors import SigningError
from ccassure.signing.identity import read_certificate

UNSUPPORTED_KEY = "the key is of a kind ccassure cannot sign with (EC or RSA only)"


def sign_record(key_pem: str, payload: bytes) -> str:
    """The payload's signature (base64) with the private key, whichever kind it is."""
    try:
        key = serialization.load_pem_private_key(key_pem.encode("ascii"), None)
    except (ValueError, TypeError):
        raise SigningError("the private key cannot be read") from None
    if isinstance(key, ec.EllipticCurvePrivateKey):
        signature = key.sign(payload, ec.ECDSA(hashes.SHA256()))
    elif isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(payload, padding.PKCS1v15(), hashes.SHA256())
    else:
        raise SigningError(UNSUPPORTED_KEY)
    return base64.b64encode(signature).decode("ascii")


def verify_record(certificate_pem: str, payload: bytes, signature: str) -> bool:
    """Whether the signature over the payload was made with the certificate's key.

    RSA signatures are accepted with PKCS#1 v1.5 or PSS (SHA-256, any salt length), so that
    keys from an organisation's PKI that sign with PSS verify too.
    """
    try:
        certificate = x509.load_pem_x509_certificate(certificate_pem.encode("ascii"))
        raw = base64.b64decode(signature, validate=True)
    except (ValueError, binascii.Error, UnicodeEncodeError):
        return False
    public = certificate.public_key()
    try:
        if isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(raw, payload, ec.ECDSA(hashes.SHA256()))
            return True
        if isinstance(public, rsa.RSAPublicKey):
            return _verify_rsa(public, raw, payload)
    except InvalidSignature:
        return False
    return False


def _verify_rsa(public: rsa.RSAPublicKey, raw: bytes, payload: bytes) -> bool:
    pss = padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.AUTO)
    for scheme in (padding.PKCS1v15(), pss):
        try:
            public.verify(raw, payload, scheme, hashes.SHA256())
            return True
        except InvalidSignature:
            continue
    return False


def fingerprint_of(certificate_pem: str) -> str:
    """The certificate's SHA-256 fingerprint (lower-case hex), as the identity table keeps it."""
    return read_certificate(certificate_pem).fingerprint
