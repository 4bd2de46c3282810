"""Signing identities: EC P-256 keys, self-signed X.509 certificates and PKCS#12 files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ccassure.signing.errors import SigningError

VALID_YEARS = 3
NOT_PKCS12 = "not a PKCS#12 file (.p12, .pfx), or the passphrase is wrong"


@dataclass(frozen=True)
class CertificateInfo:
    """What a certificate says about its holder, and its SHA-256 fingerprint."""

    name: str
    role: str
    organisation: str
    email: str
    fingerprint: str
    not_before: str
    not_after: str
    certificate_pem: str


@dataclass(frozen=True)
class NewIdentity:
    """A certificate and its private key (PKCS#8 PEM text, kept only in memory here)."""

    certificate: CertificateInfo
    key_pem: str


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    found = name.get_attributes_for_oid(oid)
    value = found[0].value if found else ""
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _key_pem(key: object) -> str:
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise SigningError("the key is of a kind ccassure cannot sign with (EC or RSA only)")
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _spki(public: object) -> bytes:
    if not isinstance(public, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        raise SigningError("the key is of a kind ccassure cannot sign with (EC or RSA only)")
    return public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def describe(certificate: x509.Certificate) -> CertificateInfo:
    """Name (CN), role (title, else OU), organisation (O), e-mail and fingerprint."""
    subject = certificate.subject
    role = _attribute(subject, NameOID.TITLE) or _attribute(
        subject, NameOID.ORGANIZATIONAL_UNIT_NAME
    )
    return CertificateInfo(
        name=_attribute(subject, NameOID.COMMON_NAME),
        role=role,
        organisation=_attribute(subject, NameOID.ORGANIZATION_NAME),
        email=_attribute(subject, NameOID.EMAIL_ADDRESS),
        fingerprint=certificate.fingerprint(hashes.SHA256()).hex(),
        not_before=certificate.not_valid_before_utc.isoformat(),
        not_after=certificate.not_valid_after_utc.isoformat(),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    )


def read_certificate(pem: str | bytes) -> CertificateInfo:
    """A PEM (or DER) certificate, described; one clear message if it is not one."""
    data = pem.encode("ascii", "replace") if isinstance(pem, str) else pem
    try:
        if b"-----BEGIN" in data:
            return describe(x509.load_pem_x509_certificate(data))
        return describe(x509.load_der_x509_certificate(data))
    except ValueError:
        raise SigningError("not an X.509 certificate (PEM or DER)") from None


def create_identity(
    name: str, role: str, organisation: str = "", now: datetime | None = None
) -> NewIdentity:
    """A new EC P-256 key and a self-signed certificate for it, valid for three years."""
    name, role, organisation = name.strip(), role.strip(), organisation.strip()
    if not name:
        raise SigningError("an identity needs a name")
    if not role:
        raise SigningError("an identity needs a role (for example 'Data Protection Officer')")
    for label, value in (("name", name), ("role", role), ("organisation", organisation)):
        if len(value) > 64:
            raise SigningError(f"the {label} is longer than 64 characters")
        if not value.isprintable():
            raise SigningError(f"the {label} holds control characters")
    key = ec.generate_private_key(ec.SECP256R1())
    parts = [x509.NameAttribute(NameOID.COMMON_NAME, name), x509.NameAttribute(NameOID.TITLE, role)]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    subject = x509.Name(parts)
    start = (now or datetime.now(UTC)).replace(microsecond=0)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start - timedelta(minutes=5))
        .not_valid_after(start + timedelta(days=365 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return NewIdentity(describe(certificate), _key_pem(key))


def load_pkcs12(data: bytes, passphrase: str) -> NewIdentity:
    """The key and certificate in an organisation's PKCS#12 file; one message if refused."""
    try:
        key, certificate, _chain = pkcs12.load_key_and_certificates(
            data, passphrase.encode("utf-8") if passphrase else None
        )
    except (ValueError, TypeError):
        raise SigningError(NOT_PKCS12, "passphrase") from None
    if key is None or certificate is None:
        raise SigningError("the PKCS#12 file holds no private key and certificate to sign with")
    if _spki(certificate.public_key()) != _spki(key.public_key()):
        raise SigningError("the PKCS#12 file's key does not belong to its certificate")
    return NewIdentity(describe(certificate), _key_pem(key))


def to_pkcs12(identity: NewIdentity, passphrase: str) -> bytes:
    """Key and certificate as a PKCS#12 file (AES-256, PBKDF2), as an organisation's PKI gives."""
    certificate = x509.load_pem_x509_certificate(identity.certificate.certificate_pem.encode())
    key = serialization.load_pem_private_key(identity.key_pem.encode("ascii"), None)
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise SigningError("the key is of a kind ccassure cannot sign with (EC or RSA only)")
    return pkcs12.serialize_key_and_certificates(
        identity.certificate.name.encode("utf-8"),
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )
