"""Sign off… a version in review: identity, role, decision, comments; signed in the background."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ccassure.domain.decisions import Decision
from ccassure.domain.signoff import NEEDS_COMMENTS, OpenRole
from ccassure.ui.a11y import announce, name
from ccassure.ui.dialog_parts import heading_label, identity_combo

if TYPE_CHECKING:
    from ccassure.services.identities import IdentityView
    from ccassure.services.signoffs import SignoffOutcome
    from ccassure.ui.main_window import MainWindow
    from ccassure.ui.tasks import TaskControl

DECISIONS: tuple[tuple[Decision, str, str], ...] = (
    ("approved", "&Approve", "Approve this version as it stands"),
    ("approved_with_conditions", "Approve with co&nditions", "Approve; give the conditions"),
    ("rejected", "Re&ject", "Send the version back to its author; give the reasons"),
    ("advice_given", "Advice &given", "Record that you gave your advice; put it in the comments"),
    ("accepted", "Advice acc&epted", "Accept the advice given on this version"),
    ("overruled", "Advice o&verruled", "Overrule the advice given; give the reasons"),
    ("noted", "No&ted", "Record that you have reviewed it or taken it on"),
)
"""Every decision a role may take; the dialog shows only those of the chosen role."""
DECISION_INDEX: dict[Decision, int] = {d[0]: number for number, d in enumerate(DECISIONS)}


@dataclass(frozen=True)
class SignoffChoices:
    """What the dialog offers: the version, the roles still open (each with the decisions it
    takes), and the identities with keys."""

    assessment_id: int
    title: str
    version: int
    roles: tuple[OpenRole, ...]
    identities: tuple[IdentityView, ...]


class SignoffDialog(QDialog):
    """Choose identity, role and decision; comments where the decision needs them."""

    def __init__(self, choices: SignoffChoices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = choices
        heading = f"Sign off {choices.title}, version {choices.version}"
        self.setWindowTitle(heading)
        name(self, "Sign off", heading)
        form = QFormLayout(self)
        form.addRow(heading_label(heading))
        self.identity, self.key_files = identity_combo(choices.identities)
        self.role = QComboBox()
        for role in choices.roles:
            self.role.addItem(role.label if role.required else f"{role.label} (optional)", role)
        self.decisions = QButtonGroup(self)
        box = QGroupBox("Decision")
        name(box, "Decision")
        column = QVBoxLayout(box)
        for number, (_decision, text, description) in enumerate(DECISIONS):
            radio = QRadioButton(text)
            name(radio, text.replace("&", ""), description)
            self.decisions.addButton(radio, number)
            column.addWidget(radio)
        self.comments = QPlainTextEdit()
        self.comments.setTabChangesFocus(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        rows = (
            ("&Identity:", self.identity, "Identity", "Who signs: your certificate and key"),
            ("&Role:", self.role, "Role", "The template's role you sign in (not yet signed)"),
            (
                "&Comments:",
                self.comments,
                "Comments",
                "Required for conditions, reasons, overruling",
            ),
            ("Pass&phrase:", self.passphrase, "Passphrase", "Of the identity's key file"),
        )
        for label, widget, accessible, description in rows:
            name(widget, accessible, description)
            form.addRow(label, widget)
            if widget is self.role:
                form.addRow(box)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        name(self.problem, "Problem", "Why the sign-off cannot go ahead yet")
        form.addRow(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_button.setText("&Sign")
        name(self.sign_button, "Sign", "Sign your decision with your identity's key")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        name(cancel, "Cancel", "Close without signing")
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.form = form
        self.identity.currentIndexChanged.connect(lambda _index: self._key_file_shown())
        self.role.currentIndexChanged.connect(lambda _index: self._decisions_shown())
        self._key_file_shown()
        self._decisions_shown()
        self.identity.setFocus()

    def _key_file_shown(self) -> None:
        needed = self.identity.currentData() in self.key_files
        self.form.setRowVisible(self.passphrase, needed)

    def _decisions_shown(self) -> None:
        """Offer exactly the chosen role's decisions; keep the choice if the role takes it."""
        role: OpenRole = self.role.currentData()
        allowed = role.decisions
        kept = self.decisions.checkedId() >= 0 and self.decision() in allowed
        for number, (decision, _text, _description) in enumerate(DECISIONS):
            self.decisions.button(number).setVisible(decision in allowed)
        if not kept:
            self.decisions.button(DECISION_INDEX[allowed[0]]).setChecked(True)

    def decision(self) -> Decision:
        return DECISIONS[max(0, self.decisions.checkedId())][0]

    def fingerprint(self) -> str:
        return str(self.identity.currentData())

    def role_key(self) -> str:
        role: OpenRole = self.role.currentData()
        return role.key

    def problem_found(self) -> str:
        """What must be put right before signing, or "" when it can go ahead."""
        if self.decision() in NEEDS_COMMENTS and not self.comments.toPlainText().strip():
            self.comments.setFocus()
            what = "conditions" if self.decision() == "approved_with_conditions" else "reasons"
            return f"Give the {what} in the comments."
        if self.fingerprint() in self.key_files and not self.passphrase.text():
            self.passphrase.setFocus()
            return "Give the passphrase of your key file."
        return ""

    def say(self, message: str) -> None:
        self.problem.setText(message)
        announce(self.problem, message, assertive=True)

    def busy(self, signing: bool) -> None:
        self.sign_button.setEnabled(not signing)
        if signing:
            self.problem.setText("Signing…")
            announce(self.problem, "Signing…")


class SignoffFlow(QObject):
    """Load the choices, show the dialog, sign on the write worker, then show the result.

    The flow lives until the dialog is closed and any signing it started has finished: a
    dialog closed while signing still has its outcome (or error) said in the main window.
    """

    def __init__(self, window: MainWindow, assessment_id: int) -> None:
        super().__init__(window)  # the window keeps it alive until the dialog is done
        self.window, self.assessment_id = window, assessment_id
        self.dialog: SignoffDialog | None = None
        self.signing = False

    def start(self) -> None:
        context = self.window.context
        if context is None:
            return
        ident = self.assessment_id

        def load(_control: TaskControl) -> SignoffChoices:
            from ccassure.services.identities import NO_KEY

            summary = context.assessments.summary(ident)
            usable = tuple(v for v in context.identities.list() if v.key != NO_KEY)
            roles = tuple(context.signoffs.open_roles(ident))
            return SignoffChoices(ident, summary.title, summary.version, roles, usable)

        self.window.runner.run("read the sign-off roles", load, self._show, self.window.report)

    def _show(self, choices: SignoffChoices) -> None:
        if not choices.identities:
            self.window.say(
                "No identity with a key on this computer: create one first "
                "(ccassure identity create, or import your organisation's PKCS#12 file)"
            )
            return
        if not choices.roles:
            self.window.say("Every role has signed off this version")
            return
        self.dialog = SignoffDialog(choices, self.window)
        self.dialog.buttons.accepted.connect(self._sign)
        self.dialog.finished.connect(lambda _result: self._done())
        self.dialog.open()

    def _done(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        if not self.signing:
            self.deleteLater()

    def _sign(self) -> None:
        dialog, context = self.dialog, self.window.context
        if dialog is None or context is None or self.signing:
            return
        problem = dialog.problem_found()
        if problem:
            dialog.say(problem)
            return
        ident, role, decision = self.assessment_id, dialog.role_key(), dialog.decision()
        comments, fingerprint = dialog.comments.toPlainText(), dialog.fingerprint()
        passphrase = dialog.passphrase.text()
        dialog.busy(True)
        self.signing = True

        def sign(_control: TaskControl) -> SignoffOutcome:
            return context.signoffs.sign_off(
                ident, role, decision, comments, fingerprint, lambda _prompt: passphrase
            )

        self.window.runner.run("sign off", sign, self._signed, self._failed, write=True)

    def _signed(self, outcome: SignoffOutcome) -> None:
        self.signing = False
        if self.dialog is not None:
            self.dialog.accept()  # finished: the flow goes with the dialog
        else:
            self.deleteLater()
        self.window.refresh(quiet=True)
        self.window.open_assessment(self.assessment_id, announce=outcome.message())

    def _failed(self, error: BaseException) -> None:
        self.signing = False
        if self.dialog is None or not self.dialog.isVisible():
            self.window.report(error)
            if self.dialog is None:
                self.deleteLater()
            return
        self.dialog.busy(False)
        self.dialog.say(f"Not signed: {error}")


def start_signoff(window: MainWindow, assessment_id: int) -> SignoffFlow:
    """Open the sign-off dialog for a version in review (kept on the window while it runs)."""
    flow = SignoffFlow(window, assessment_id)
    flow.start()
    return flow
