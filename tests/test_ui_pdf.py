"""The Identities window by keyboard, and File → Verify a signed PDF on a countersigned file."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from ccassure.services.context import Context
from ccassure.services.pdf_signing import verify_file
from ccassure.signing.identity import create_identity
from ccassure.signing.pdf_signatures import sign_pdf
from ccassure.signing.pdf_signatures_verdict import PdfVerification, SignatureCheck
from ccassure.ui.identities_window import IdentitiesDialog
from ccassure.ui.main_window import MainWindow
from ccassure.ui.pdf_verify import VerifyPdfDialog
from ccassure.ui.tasks import TaskRunner
from tests.keyrings import MemoryKeyring
from tests.pdf_helpers import TEXT, make_pdf
from tests.test_ui_walk import clashes
from tests.ui_helpers import accessible_name, focusable

ALICE = create_identity("Łukasz Żółć", "Data Protection Officer", "Metropolitan Police")
BOB = create_identity("Nguyễn Thị Minh", "Senior Responsible Owner", "Home Office")


def countersigned(tmp_path: Path) -> Path:
    data = make_pdf()
    for who in (ALICE, BOB):
        data = sign_pdf(data, who.key_pem, who.certificate.certificate_pem, reason="Approved")
    path = tmp_path / "countersigned.pdf"
    path.write_bytes(data)
    return path


def all_named(root: QWidget) -> list[str]:
    return [type(w).__name__ for w in focusable(root) if not accessible_name(w)]


def test_verify_window_lists_both_signatures_of_a_countersigned_file(
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    runner = TaskRunner()
    trusted = [ALICE.certificate.certificate_pem]
    dialog = VerifyPdfDialog(lambda path: verify_file(path, trusted), runner)
    qtbot.addWidget(dialog)
    dialog.show()
    target = countersigned(tmp_path)
    dialog.choose_file = lambda: str(target)  # type: ignore[method-assign]
    dialog.choose.setFocus()
    qtbot.keyClick(dialog.choose, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.found is not None, timeout=20_000)
    assert dialog.table.rowCount() == 2
    cells = [
        [dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]
        for r in range(2)
    ]
    assert [row[0] for row in cells] == ["Łukasz Żółć", "Nguyễn Thị Minh"]
    assert [row[3:5] for row in cells] == [["Yes", "Yes"], ["Yes", "Yes"]]
    assert [row[5] for row in cells] == ["Yes", "No (unknown)"]
    assert "only later signatures" in cells[0][6] and "whole file" in cells[1][6]
    assert dialog.verdict.text().startswith("Verified: 2 signatures")
    assert "Not every signer is trusted" in dialog.verdict.text()
    assert all_named(dialog) == []
    changed = tmp_path / "changed.pdf"
    data = target.read_bytes()
    at = data.index(TEXT.encode())
    changed.write_bytes(data[:at] + b"X" + data[at + 1 :])
    dialog.start(changed)
    qtbot.waitUntil(lambda: dialog.found is not None, timeout=20_000)
    rows = [[dialog.table.item(r, c).text() for c in (3, 4, 5)] for r in range(2)]
    assert rows == [["No", "No", "Not assessed"]] * 2  # never "Valid: Yes" when not intact
    assert dialog.verdict.text().startswith("Failed: 2 signatures")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf")
    dialog.start(broken)
    qtbot.waitUntil(lambda: dialog.verdict.text().startswith("Cannot"), timeout=20_000)
    assert "not a PDF file" in dialog.verdict.text() and dialog.table.rowCount() == 0
    runner.wait()


def _found(signer: str) -> PdfVerification:
    check = SignatureCheck(
        "Signature1", signer, "", "", "", "", True, True, True, True, modified_after="nothing"
    )
    return PdfVerification((check,))


@pytest.mark.parametrize("first_fails", [False, True])
def test_a_slow_earlier_file_never_shows_under_a_later_one(
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    first_fails: bool,
) -> None:
    started, release = threading.Event(), threading.Event()

    def verify(path: Path) -> PdfVerification:
        if path.name == "first.pdf":
            started.set()
            release.wait(20)
            if first_fails:
                raise ValueError("first.pdf: not a PDF file")
        return _found(path.stem)

    runner = TaskRunner()
    dialog = VerifyPdfDialog(verify, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start(tmp_path / "first.pdf")
    assert started.wait(10)
    dialog.start(tmp_path / "second.pdf")
    qtbot.waitUntil(lambda: dialog.found is not None, timeout=20_000)
    release.set()
    assert runner.wait()
    qtbot.waitUntil(lambda: runner.running == 0, timeout=20_000)
    QApplication.processEvents()
    assert dialog.file_label.text() == str(tmp_path / "second.pdf")
    assert dialog.found is not None and dialog.found.signatures[0].signer == "second"
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 0).text() == "second"
    assert dialog.verdict.text().startswith("Verified: 1 signature.")


def test_file_menu_opens_verify_with_no_mnemonic_clash(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.actions_by_name["verify_pdf"].trigger()
    dialog = window.findChild(VerifyPdfDialog)
    assert dialog is not None and dialog.isVisible()
    assert window.actions_by_name["verify_pdf"].shortcut().toString() == "Ctrl+Shift+V"
    assert clashes(window) == []
    dialog.close()
    window.actions_by_name["identities"].trigger()
    identities = window.findChild(IdentitiesDialog)
    assert identities is not None and identities.isVisible()
    assert clashes(window) == []
    window.runner.wait()
    identities.close()


def press(qtbot, dialog: QWidget, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    """Alt+letter, as a keyboard user chooses a button."""
    dialog.activateWindow()
    qtbot.keyClick(dialog, key, Qt.KeyboardModifier.AltModifier)


def test_identities_window_by_keyboard(
    qtbot,  # type: ignore[no-untyped-def]
    context: Context,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    runner = TaskRunner()
    dialog = IdentitiesDialog(context.identities, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.status.text() == "0 identities.", timeout=20_000)
    dialog.new_identity = lambda: ("Łukasz Żółć", "DPO", "Met")  # type: ignore[method-assign]
    press(qtbot, dialog, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=20_000)
    assert dialog.status.text().startswith("Created Łukasz Żółć (keyring).")
    row = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert row[:5] == ["Łukasz Żółć", "DPO", "Met", "Trusted", "Keyring"]
    assert len(memory_keyring.secrets) == 1
    cert = tmp_path / "bob.pem"
    cert.write_text(BOB.certificate.certificate_pem)
    dialog.choose_file = lambda *_args, **_kw: str(cert)  # type: ignore[method-assign]
    press(qtbot, dialog, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=20_000)
    assert dialog.table.item(1, 3).text() == "Trusted"
    assert dialog.table.item(1, 4).text() == "None on this computer"
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)  # the first row
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)  # the second
    QApplication.processEvents()
    assert dialog.selected() is not None and dialog.selected().name == "Nguyễn Thị Minh"  # type: ignore[union-attr]
    press(qtbot, dialog, Qt.Key.Key_U)
    qtbot.waitUntil(lambda: "no longer trusted" in dialog.status.text(), timeout=20_000)
    assert dialog.table.item(1, 3).text() == "Not trusted"
    assert not dialog.buttons["untrust"].isEnabled()
    dialog.confirm = lambda _question: False  # type: ignore[method-assign]
    press(qtbot, dialog, Qt.Key.Key_D)
    QApplication.processEvents()
    assert dialog.table.rowCount() == 2
    dialog.confirm = lambda _question: True  # type: ignore[method-assign]
    qtbot.keyClick(dialog.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, dialog, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=20_000)
    assert dialog.status.text().startswith("Deleted Łukasz Żółć (fingerprint ")
    assert memory_keyring.secrets == {}
    assert [v.name for v in context.identities.list()] == ["Nguyễn Thị Minh"]
    assert all_named(dialog) == []
    runner.wait()


def test_deleting_a_signer_in_the_identities_window_says_the_certificate_stays(
    qtbot,  # type: ignore[no-untyped-def]
    context: Context,
    memory_keyring: MemoryKeyring,
) -> None:
    from tests.signoff_helpers import in_review, signer

    eia = in_review(context, "eia", "EIA for despatch")
    person = signer(context, "Łukasz Żółć", "DPO")
    context.signoffs.sign_off(eia, "author", "approved", "", person.fingerprint, print)
    runner = TaskRunner()
    dialog = IdentitiesDialog(context.identities, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=20_000)
    dialog.confirm = lambda _question: True  # type: ignore[method-assign]
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, dialog, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: "certificate stays" in dialog.status.text(), timeout=20_000)
    assert dialog.status.text().startswith("Deleted the private key of Łukasz Żółć;")
    assert dialog.table.rowCount() == 1 and memory_keyring.secrets == {}
    assert dialog.table.item(0, 4).text() == "None on this computer"
    runner.wait()
