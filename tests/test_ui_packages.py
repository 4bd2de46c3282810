"""Review packages in the app, by keyboard: send one, open one, choose conflicts, refusals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ccassure.domain.document import ComponentRef, ProgrammeRef, Response
from ccassure.services.context import Context
from ccassure.services.identities import IdentityView
from ccassure.ui.main_window import MainWindow
from ccassure.ui.package_open import PassphraseDialog
from ccassure.ui.package_preview import PackagePreviewDialog
from ccassure.ui.package_send import PackDialog, package_name
from tests.keyrings import MemoryKeyring
from tests.package_helpers import PACKAGE_PASS, file_bytes, laptop, no_ask, person, trust
from tests.test_ui_signoff import _mnemonics
from tests.test_ui_walk import clashes
from tests.ui_helpers import accessible_name, focusable, show_assessment, tab_cycle

pytestmark = pytest.mark.slow
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
DPIA_IN_REVIEW, EIA_V2 = 2, 4  # in the demo: a DPIA in review, and a draft version 2 of an EIA


@dataclass
class Laptops:
    window: MainWindow
    officer: Context  # the window's store
    dpo: Context  # the reviewer's laptop, in another store
    officer_id: IdentityView
    dpo_id: IdentityView
    folder: Path


@pytest.fixture
def laptops(window: MainWindow, memory_keyring: MemoryKeyring, tmp_path: Path) -> Iterator[Laptops]:
    officer = window.context
    assert officer is not None
    dpo = laptop(tmp_path / "dpo")
    officer_id = person(officer, "Olu Officer", "Information Assurance Officer")
    dpo_id = person(dpo, "Dana DPO", "Data Protection Officer")
    yield Laptops(window, officer, dpo, officer_id, dpo_id, tmp_path)
    dpo.close()


def visible(window: MainWindow, kind: type[QWidget]) -> QWidget | None:
    found = [d for d in QApplication.topLevelWidgets() if isinstance(d, kind) and d.isVisible()]
    return found[0] if found else None


def wait_for(qtbot, window: MainWindow, kind: type[QWidget]) -> QWidget:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: visible(window, kind) is not None, timeout=30_000)
    dialog = visible(window, kind)
    assert dialog is not None
    dialog.activateWindow()  # offscreen has no window manager to activate it
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    return dialog


def alt(qtbot, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, key, ALT)
    QApplication.processEvents()


def retype(qtbot, key: Qt.Key, text: str) -> None:  # type: ignore[no-untyped-def]
    """Alt+key to a field, select what is in it, and type text over it."""
    alt(qtbot, key)
    field = QApplication.focusWidget()
    assert field is not None
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, text)


def all_named_and_reachable(qtbot, dialog: QWidget, start: QWidget) -> None:  # type: ignore[no-untyped-def]
    controls = focusable(dialog)
    assert [repr(w) for w in controls if not accessible_name(w).strip()] == []
    visited = tab_cycle(qtbot, start)
    assert [f"{w!r} {accessible_name(w)}" for w in controls if w not in visited] == []
    assert [k for k, n in _mnemonics(dialog).items() if n > 1] == []


def show(qtbot, window: MainWindow, assessment_id: int) -> None:  # type: ignore[no-untyped-def]
    show_assessment(qtbot, window, assessment_id, activate=True)


def test_send_for_review_by_keyboard_writes_a_package_another_store_reads(  # type: ignore[no-untyped-def]
    qtbot, laptops: Laptops
) -> None:
    window, officer = laptops.window, laptops.officer
    title = officer.assessments.summary(DPIA_IN_REVIEW).title
    show(qtbot, window, DPIA_IN_REVIEW)
    assert window.assessment.pack_button.isVisible() and clashes(window) == []
    file_menu = window.menuBar().actions()[0].menu()
    keys = [QKeySequence.mnemonic(a.text()).toString() for a in file_menu.actions()]  # type: ignore[union-attr]
    assert len(set(keys)) == len(keys), keys  # no two File commands on one letter
    qtbot.keyClick(window.assessment.view, Qt.Key.Key_R, CTRL_SHIFT)
    dialog = wait_for(qtbot, window, PackDialog)
    assert isinstance(dialog, PackDialog)
    assert Path(dialog.file.text()).name == package_name(title, 1)
    assert QApplication.focusWidget() is dialog.file
    assert not dialog.passphrase.isVisible() and not dialog.key_passphrase.isVisible()
    alt(qtbot, Qt.Key.Key_E)  # Encrypt with a passphrase
    qtbot.waitUntil(dialog.passphrase.isVisible, timeout=5_000)
    all_named_and_reachable(qtbot, dialog, dialog.file)

    target = laptops.folder / "for the DPO.ccpack"
    retype(qtbot, Qt.Key.Key_F, str(target))
    retype(qtbot, Qt.Key.Key_N, "Please give your advice on the residual risks.")
    retype(qtbot, Qt.Key.Key_P, "short")
    retype(qtbot, Qt.Key.Key_G, "short")
    alt(qtbot, Qt.Key.Key_C)  # Pack: refused, said, focus where to put it right
    qtbot.waitUntil(lambda: "at least 8" in dialog.status.text(), timeout=5_000)
    assert QApplication.focusWidget() is dialog.passphrase and not target.exists()
    retype(qtbot, Qt.Key.Key_P, PACKAGE_PASS)
    retype(qtbot, Qt.Key.Key_G, PACKAGE_PASS + "x")
    alt(qtbot, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: "differ" in dialog.status.text(), timeout=5_000)
    assert QApplication.focusWidget() is dialog.again and not target.exists()
    retype(qtbot, Qt.Key.Key_G, PACKAGE_PASS)
    alt(qtbot, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: visible(window, PackDialog) is None, timeout=60_000)

    said = window.status_area.label.text()
    assert said.startswith(f"Package written: {target} (encrypted, ")
    assert f"“{title}” version 1, signed by Olu Officer" in said
    dpo = laptops.dpo
    trust(dpo, officer, laptops.officer_id.fingerprint, laptops.folder)
    preview = dpo.packages.inspect(target, PACKAGE_PASS)
    assert preview.encrypted and preview.is_new
    assert (preview.sender, preview.remote.assessment.title) == ("Olu Officer", title)
    assert preview.note == "Please give your advice on the residual risks."
    assert window.export_folder == laptops.folder  # the next file starts there


def _new_draft(context: Context, title: str) -> int:
    """A draft in a programme and component of its own (the demo describes its own otherwise)."""
    programme = ProgrammeRef(key="dpo-office", name="DPO's office")
    component = ComponentRef(key="dpo-casework", name="DPO casework")
    return context.assessments.create("dpia", title, programme, component, owner="DPO")


def _text_item(context: Context, assessment_id: int) -> str:
    service = context.assessments
    template = service.template_for(service.document(assessment_id))
    return next(item.key for _, item in template.items() if item.answer == "text")


def test_a_conflict_is_chosen_by_keyboard_before_apply_and_merged(  # type: ignore[no-untyped-def]
    qtbot, laptops: Laptops, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, officer, dpo = laptops.window, laptops.officer, laptops.dpo
    trust(dpo, officer, laptops.officer_id.fingerprint, laptops.folder)
    trust(officer, dpo, laptops.dpo_id.fingerprint, laptops.folder)
    item = _text_item(officer, EIA_V2)
    out, back = laptops.folder / "out.ccpack", laptops.folder / "back.ccpack"
    officer.packages.pack(EIA_V2, out, identity=laptops.officer_id.fingerprint, ask=no_ask)
    there = dpo.packages.unpack(out).assessment_id
    dpo.assessments.set_response(there, Response(item=item, value="Theirs: C&C callers, witnesses"))
    dpo.assessments.update_header(there, summary="DPO: add witnesses")
    dpo.packages.pack(there, back, identity=laptops.dpo_id.fingerprint, ask=no_ask)
    officer.assessments.set_response(EIA_V2, Response(item=item, value="Mine: callers only"))

    from ccassure.ui.package_open import open_package_file

    merged_before = officer.assessments.document(EIA_V2)
    open_package_file(window, back)
    dialog = wait_for(qtbot, window, PackagePreviewDialog)
    assert isinstance(dialog, PackagePreviewDialog)
    labels = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]  # type: ignore[union-attr]
    (conflict,) = dialog.preview.conflicts
    assert conflict.key == f"responses[{item}].value"
    prompt = officer.assessments.template_for(merged_before).item(item)
    assert prompt is not None
    said = next(label for label in labels if f"({item}): answer" in label)
    assert said.startswith(f"Answer to “{prompt.prompt[:40]}")  # the question, and its key
    assert "Header: summary" in labels
    combo = dialog.conflicts.combos[0]
    assert accessible_name(combo) == f"{said}: keep mine or take theirs"
    assert QApplication.focusWidget() is combo  # the first choice to make
    assert not dialog.apply_button.isEnabled()
    assert dialog.remaining.text() == "1 conflict still to choose"
    all_named_and_reachable(qtbot, dialog, combo)
    # Apply, Keep mine for all, Take theirs for all; "&" in what people wrote makes no letter.
    assert set(_mnemonics(dialog)) == {"Alt+A", "Alt+M", "Alt+T"}

    announced: list[str] = []
    monkeypatch.setattr(
        "ccassure.ui.package_preview.announce", lambda _w, text, **_kw: announced.append(text)
    )
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == "Keep mine" and dialog.apply_button.isEnabled()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == "Take theirs"
    assert dialog.remaining.text().startswith("Every conflict is chosen")
    assert announced == [dialog.remaining.text()] * 2  # each choice is said
    row = labels.index(said)
    assert dialog.table.item(row, 4).text() == "Conflict: take theirs"  # type: ignore[union-attr]
    alt(qtbot, Qt.Key.Key_A)  # Apply
    qtbot.waitUntil(lambda: visible(window, PackagePreviewDialog) is None, timeout=60_000)
    qtbot.waitUntil(
        lambda: "Merged into assessment" in window.status_area.label.text(), timeout=30_000
    )
    assert window.assessment.assessment_id == EIA_V2
    merged = officer.assessments.document(EIA_V2)
    assert {r.item: r.value for r in merged.responses}[item] == "Theirs: C&C callers, witnesses"
    assert merged.assessment.summary == "DPO: add witnesses"


def test_an_encrypted_package_asks_its_passphrase_again_when_wrong_then_adds(  # type: ignore[no-untyped-def]
    qtbot, laptops: Laptops, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, officer, dpo = laptops.window, laptops.officer, laptops.dpo
    trust(officer, dpo, laptops.dpo_id.fingerprint, laptops.folder)
    theirs = _new_draft(dpo, "DPIA from the DPO's laptop")
    sent = laptops.folder / "sealed.ccpack"
    dpo.packages.pack(
        theirs, sent, identity=laptops.dpo_id.fingerprint, passphrase=PACKAGE_PASS, ask=no_ask
    )
    before = len(officer.assessments.list_summaries())
    monkeypatch.setattr("ccassure.ui.package_open.choose_package", lambda _parent: sent)
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_O, CTRL_SHIFT)
    asking = wait_for(qtbot, window, PassphraseDialog)
    assert isinstance(asking, PassphraseDialog)
    assert QApplication.focusWidget() is asking.passphrase
    all_named_and_reachable(qtbot, asking, asking.passphrase)
    asking.passphrase.setFocus()
    qtbot.keyClicks(asking.passphrase, "not the passphrase")
    qtbot.keyClick(asking.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: visible(window, PassphraseDialog) not in (None, asking), timeout=30_000)
    again = wait_for(qtbot, window, PassphraseDialog)
    assert isinstance(again, PassphraseDialog) and "does not open" in again.problem.text()
    qtbot.keyClicks(again.passphrase, PACKAGE_PASS)
    qtbot.keyClick(again.passphrase, Qt.Key.Key_Return)
    dialog = wait_for(qtbot, window, PackagePreviewDialog)
    assert isinstance(dialog, PackagePreviewDialog)
    assert "a new assessment" in dialog.preview.message()
    assert not dialog.conflicts.combos and dialog.apply_button.isEnabled()
    assert QApplication.focusWidget() is dialog.apply_button
    qtbot.keyClick(dialog.apply_button, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: "Unpacked as assessment" in window.status_area.label.text(), timeout=60_000
    )
    summaries = officer.assessments.list_summaries()
    assert len(summaries) == before + 1
    assert "DPIA from the DPO's laptop" in [s.title for s in summaries]


@pytest.mark.parametrize("spoilt", ["untrusted", "altered"])
def test_a_refused_package_is_one_readable_message_and_changes_nothing(  # type: ignore[no-untyped-def]
    qtbot, laptops: Laptops, monkeypatch: pytest.MonkeyPatch, spoilt: str
) -> None:
    window, officer, dpo = laptops.window, laptops.officer, laptops.dpo
    theirs = _new_draft(dpo, "DPIA from a stranger")
    sent = laptops.folder / "stranger.ccpack"
    dpo.packages.pack(theirs, sent, identity=laptops.dpo_id.fingerprint, ask=no_ask)
    if spoilt == "altered":  # from someone trusted, but one byte of it changed on the way
        trust(officer, dpo, laptops.dpo_id.fingerprint, laptops.folder)
        data = bytearray(sent.read_bytes())
        data[len(data) // 2] ^= 0x01
        sent.write_bytes(bytes(data))
    window.runner.wait()
    before = file_bytes(officer.store.path)
    monkeypatch.setattr("ccassure.ui.package_open.choose_package", lambda _parent: sent)
    window.actions_by_name["open_package"].trigger()
    box = wait_for(qtbot, window, QMessageBox)
    assert isinstance(box, QMessageBox)
    assert box.windowTitle() == "Review package not opened"
    assert box.text().startswith(str(sent))  # which file, then why
    if spoilt == "untrusted":  # who sent it, and how to trust them
        assert "Dana DPO" in box.text() and "identity trust" in box.text()
        assert "Dana DPO" in window.status_area.label.text()
    assert "Nothing in this store was changed" in box.informativeText()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=5_000)
    window.runner.wait()
    assert file_bytes(officer.store.path) == before
    assert visible(window, PackagePreviewDialog) is None


def test_a_package_that_cannot_be_written_is_said_and_the_file_gets_focus(  # type: ignore[no-untyped-def]
    qtbot, laptops: Laptops, unwritable_folder: Path
) -> None:
    window = laptops.window
    show(qtbot, window, DPIA_IN_REVIEW)
    qtbot.keyClick(window.assessment.view, Qt.Key.Key_R, CTRL_SHIFT)
    dialog = wait_for(qtbot, window, PackDialog)
    assert isinstance(dialog, PackDialog)
    target = unwritable_folder / "for the DPO.ccpack"
    retype(qtbot, Qt.Key.Key_F, str(target))
    alt(qtbot, Qt.Key.Key_C)  # Pack
    qtbot.waitUntil(lambda: "No package written" in dialog.status.text(), timeout=30_000)
    message = dialog.status.text()
    assert message.startswith(f"No package written: {unwritable_folder}")
    assert window.status_area.label.text() == message and "\n" not in message
    assert dialog.isVisible() and not dialog.running and dialog.pack_button.isEnabled()
    assert QApplication.focusWidget() is dialog.file and dialog.file.selectedText() == str(target)
    assert not target.exists()
