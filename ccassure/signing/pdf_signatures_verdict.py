"""What verifying a signed PDF found: each signature's state and the file's, in plain words."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Modified = Literal["nothing", "signatures", "other"]
"""What was added after a signature: nothing, only later signatures, or any other change."""

EXPIRED = "certificate expired on"
NOT_YET_VALID = "certificate not valid until"

OverallState = Literal["valid", "invalid", "altered", "unsigned"]

MODIFIED_TEXT: dict[Modified, str] = {
    "nothing": "covers the whole file",
    "signatures": "only later signatures were added after it",
    "other": "the file was changed after this signature",
}

OVERALL_TEXT: dict[OverallState, str] = {
    "valid": "Every signature is intact and valid, and nothing else changed after signing",
    "invalid": "A signature does not match the signed content or does not verify",
    "altered": "The file was changed after it was signed",
    "unsigned": "The PDF holds no signatures",
}


@dataclass(frozen=True)
class SignatureCheck:
    """One signature in a PDF and what verifying it found."""

    field: str
    signer: str
    organisation: str
    fingerprint: str
    signed_at: str
    reason: str
    intact: bool
    valid: bool
    trusted: bool
    known: bool
    modified_after: Modified
    problem: str = ""
    certificate_problem: str = ""
    """Why the certificate cannot be trusted whatever the store says, e.g. it has expired."""

    @property
    def covers_whole_file(self) -> bool:
        return self.modified_after == "nothing"

    @property
    def altered(self) -> bool:
        return self.modified_after == "other"

    @property
    def state(self) -> OverallState:
        if not (self.intact and self.valid):
            return "invalid"
        return "altered" if self.altered else "valid"

    @property
    def trust_assessed(self) -> bool:
        """Trust means something only for a signature that is intact and verifies."""
        return self.intact and self.valid

    @property
    def trust_text(self) -> str:
        if not self.trust_assessed:
            return "trust not assessed (the signature is not valid)"
        if self.trusted:
            return "signer trusted"
        if self.certificate_problem:
            return f"signer not trusted: {self.certificate_problem}"
        return "signer known but not trusted" if self.known else "signer unknown (not trusted)"

    @property
    def state_text(self) -> str:
        """The signature's state in words, as the CLI and the app show it."""
        if not self.intact:
            words = "Signed content was changed (digest does not match)"
        elif not self.valid:
            words = "Signature does not verify"
        elif self.altered:
            words = "Signature valid, but the file was changed after it"
        else:
            words = "Signature valid; " + MODIFIED_TEXT[self.modified_after]
        return f"{words}; {self.trust_text}"

    def to_data(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            covers_whole_file=self.covers_whole_file,
            state=self.state,
            state_text=self.state_text,
            trust_text=self.trust_text,
        )
        return data


@dataclass(frozen=True)
class PdfVerification:
    """Every signature in a PDF, in signing order, and the file's state as a whole."""

    signatures: tuple[SignatureCheck, ...]

    @property
    def state(self) -> OverallState:
        if not self.signatures:
            return "unsigned"
        states = {s.state for s in self.signatures}
        if "invalid" in states:
            return "invalid"
        return "altered" if "altered" in states else "valid"

    @property
    def state_text(self) -> str:
        return OVERALL_TEXT[self.state]

    @property
    def all_trusted(self) -> bool:
        return bool(self.signatures) and all(s.trusted for s in self.signatures)

    def passes(self, require_trusted: bool = False) -> bool:
        """Intact, valid and unaltered (and every signer trusted, if that is required)."""
        return self.state == "valid" and (self.all_trusted or not require_trusted)

    def to_data(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "state_text": self.state_text,
            "all_trusted": self.all_trusted,
            "signatures": [s.to_data() for s in self.signatures],
        }
