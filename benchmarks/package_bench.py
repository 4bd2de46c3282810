"""Review package benchmark: pack + seal and open + read of a DPIA-size package, beside floors.

Prints one JSON object (seconds, median of --repeat runs). The package holds a 500-item DPIA
document (canonical JSON, answers and comments of realistic length) and --attachments-mib of
attachments (random bytes, as PDFs and images are: incompressible), in 2 MiB files.
`pack_seal_s` is build_manifest + sign_manifest + write_package + seal_package;
`open_read_s` is open_package + read_package + verify_manifest; the `plain_*` figures are the
same without encryption; `scrypt_s` is the key derivation alone (in both figures once).
The floors do the least that could protect the same bytes: zlib (level 1 and the default 6)
and AES-256-GCM with a key already in hand (no key derivation, no manifest, no signature), and
AES-256-GCM alone.

    python benchmarks/package_bench.py [--attachments-mib 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import time
import zlib
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ccassure.interop.review_package import (
    PackageFile,
    build_manifest,
    read_package,
    write_package,
)
from ccassure.signing import package_crypto
from ccassure.signing.identity import create_identity
from ccassure.signing.package_crypto import (
    open_package,
    seal_package,
    sign_manifest,
    verify_manifest,
)

PASSPHRASE = "a long passphrase for the benchmark"
WORDS = [
    "the",
    "controller",
    "processes",
    "footage",
    "from",
    "body-worn",
    "video",
    "under",
    "DPA",
    "2018",
    "Part",
    "3",
    "s64",
]


def median_time(work: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3), result


def text(seed: int, words: int) -> str:
    return " ".join(WORDS[(seed * 7 + index) % len(WORDS)] for index in range(words)) + "."


def dpia_document() -> bytes:
    """Seven steps of about 72 items: answers of ~60 words, comments, evidence; 40 risks."""
    responses = [
        {
            "item": f"step{index // 72 + 1}-item{index % 72 + 1}",
            "value": text(index, 60),
            "comment": text(index + 1, 20),
            "evidence": [f"doc-{index}-a.pdf", f"https://intranet.example/evidence/{index}"],
        }
        for index in range(500)
    ]
    risks = [
        {
            "key": f"risk-{index}",
            "description": text(index, 40),
            "likelihood": index % 3 + 1,
            "severity": index % 3 + 1,
            "measures": [text(index + 2, 25)],
            "residual": "low",
        }
        for index in range(40)
    ]
    document = {
        "assessment": {"kind": "dpia", "title": "Body-worn video in C&C", "version": 3},
        "responses": responses,
        "risks": risks,
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attachments-mib", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    sender = create_identity("Bench Sender", "Information Assurance Officer")
    document = dpia_document()
    blobs = [os.urandom(2 * 1024 * 1024) for _ in range(args.attachments_mib // 2)]
    files = [PackageFile("document.json", document)] + [
        PackageFile(f"attachments/{hashlib.sha256(blob).hexdigest()}", blob) for blob in blobs
    ]

    def pack() -> bytes:
        manifest = build_manifest(
            sender=sender.certificate.name,
            sender_fingerprint=sender.certificate.fingerprint,
            created_at="2025-03-01T10:00:00+00:00",
            assessment_uid="bench",
            version=3,
            content_hash=hashlib.sha256(document).hexdigest(),
            base_hash=None,
            note="",
            files=files,
        )
        signature = sign_manifest(sender.key_pem, manifest)
        return write_package(manifest, files, sender.certificate.certificate_pem, signature)

    def read(plain: bytes) -> None:
        package = read_package(plain)
        assert verify_manifest(package.certificate_pem, package.manifest_bytes, package.signature)

    plain_pack_s, plain = median_time(pack, args.repeat)
    plain_read_s, _ = median_time(lambda: read(plain), args.repeat)
    pack_seal_s, sealed = median_time(lambda: seal_package(pack(), PASSPHRASE), args.repeat)
    open_read_s, _ = median_time(lambda: read(open_package(sealed, PASSPHRASE)), args.repeat)
    scrypt_s, _ = median_time(
        lambda: package_crypto._derive(PASSPHRASE, bytes(16), 2**17, 8, 1), args.repeat
    )

    payload = document + b"".join(blobs)
    key, nonce = AESGCM.generate_key(256), os.urandom(12)
    floors: dict[str, float] = {}
    for level in (1, 6):
        floors[f"floor_zlib{level}_gcm_seal_s"], box = median_time(
            lambda level=level: AESGCM(key).encrypt(nonce, zlib.compress(payload, level), None),
            args.repeat,
        )
        floors[f"floor_zlib{level}_gcm_open_s"], _ = median_time(
            lambda box=box: zlib.decompress(AESGCM(key).decrypt(nonce, box, None)), args.repeat
        )
    floors["floor_gcm_seal_s"], box = median_time(
        lambda: AESGCM(key).encrypt(nonce, payload, None), args.repeat
    )
    floors["floor_gcm_open_s"], _ = median_time(
        lambda: AESGCM(key).decrypt(nonce, box, None), args.repeat
    )
    result = {
        "document_bytes": len(document),
        "attachments_bytes": sum(len(blob) for blob in blobs),
        "package_bytes": len(plain),
        "sealed_bytes": len(sealed),
        "scrypt_n_r_p": [package_crypto.SCRYPT_N, package_crypto.SCRYPT_R, package_crypto.SCRYPT_P],
        "pack_seal_s": pack_seal_s,
        "open_read_s": open_read_s,
        "plain_pack_s": plain_pack_s,
        "plain_read_s": plain_read_s,
        "scrypt_s": scrypt_s,
        **floors,
        "repeat": args.repeat,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
