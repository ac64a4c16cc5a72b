"""Submitted speech texts: uploaded (checked for what the file really is), updated, opened by staff and by
delegates (embargo, clearance), and offered on the delegate's page."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from planner.accounts.models import User
from planner.core import audit
from planner.core.db import atomic
from planner.core.errors import Forbidden, NotFound, ValidationError
from planner.core.permissions import (
    Classification,
    clearance_of,
    cleared_for,
)
from planner.core.zipfiles import markup_message
from planner.delegates.documents import DelegateDocument, DelegateFile, DocumentSource
from planner.delegates.models import Participant
from planner.extensions import db
from planner.speeches import files
from planner.speeches.models import (
    Speech,
    SpeechText,
)
from planner.speeches.services.checks import _audit, _ensure_list_editable, _fresh, _lock, _saving, _summary_label
from planner.speeches.services.reading import (
    ACCEPTED_STATUSES,
    DEFAULT_TEXT_MAX_BYTES,
    _speech_options,
    classification_of,
)

# Submitted texts ----------------------------------------------------------------------------------

def _storage() -> str:
    return str(current_app.config["STORAGE_PATH"])


def text_max_bytes() -> int:
    return int(current_app.config.get("SPEECH_TEXT_MAX_BYTES") or DEFAULT_TEXT_MAX_BYTES)


def _refusal(exc: files.FileRefused, filename: str) -> ValidationError:
    if exc.reason == "empty":
        return ValidationError(_("The file is empty."), field="file")
    if exc.reason == "too_large":
        return ValidationError(_("The file is too large: at most %(mb)d MB.", mb=text_max_bytes() // (1024 * 1024)),
                               field="file")
    if exc.reason == "mismatch":
        real = "PDF" if exc.detected == files.PDF else "DOCX"
        return ValidationError(_("“%(name)s” is named like another kind of file but is a %(real)s. Give it the "
                                 "right extension and upload it again.", name=filename, real=real), field="file")
    if exc.reason == "markup":
        return ValidationError(markup_message("docx"), field="file")
    return ValidationError(_("Only DOCX (Word) and PDF files are accepted; “%(name)s” is neither.", name=filename),
                           field="file")


def check_upload(data: bytes, filename: str) -> files.Checked:
    """What an uploaded text (DOCX or PDF) really is, by its content, or a ValidationError saying why it is
    refused; a consultation's documents and a delegate's contribution are checked the same way."""
    filename = filename or ""
    try:
        return files.check(data, filename, max_bytes=text_max_bytes())
    except files.FileRefused as exc:
        raise _refusal(exc, files.clean_filename(filename, files.sniff(data or b"") or files.PDF)
                       if filename else "?") from None


def upload_text(speech: Speech, data: bytes, filename: str, *, user: User | None,
                check_against_delivery: bool = True, embargo: bool = True) -> SpeechText:
    """Keep a new version of the speech's text, after checking what the file really is."""
    meeting = speech.meeting
    _ensure_list_editable(meeting)
    filename = filename or ""
    checked = check_upload(data, filename)
    stored_name = files.store(_storage(), data)
    try:
        with _saving():
            _lock(meeting)
            speech = _fresh(speech)
            number = (db.session.scalar(select(func.max(SpeechText.number)).where(SpeechText.speech_id == speech.id))
                      or 0) + 1
            text = SpeechText(speech_id=speech.id, number=number,
                              filename=files.clean_filename(filename, checked.media_type), stored_name=stored_name,
                              media_type=checked.media_type, size=checked.size, sha256=checked.sha256,
                              uploaded_by_id=user.id if user is not None else None,
                              check_against_delivery=bool(check_against_delivery), embargo=bool(embargo))
            db.session.add(text)
            db.session.flush()
            _audit(meeting, "speech_text.uploaded", text.public_id, _summary_label(speech),
                   {"number": number, "filename": text.filename, "size": text.size, "sha256": text.sha256,
                    "embargo": text.embargo, "check_against_delivery": text.check_against_delivery},
                   object_type="speech_text")
    except Exception:   # nothing was kept: nor is the file
        files.discard(_storage(), stored_name)
        raise
    return text


def get_text(speech: Speech, public_id: str) -> SpeechText:
    text = next((t for t in speech.texts if t.public_id == str(public_id)), None)
    if text is None:
        raise NotFound(_("No such text."))
    return text


def update_text(text: SpeechText, *, user: User | None, embargo: bool | None = None,
                check_against_delivery: bool | None = None) -> SpeechText:
    """Lift (or set) a text's embargo, or its "check against delivery" mark."""
    meeting = text.speech.meeting
    _ensure_list_editable(meeting)
    before = {"embargo": text.embargo, "check_against_delivery": text.check_against_delivery}
    with _saving():
        if embargo is not None:
            text.embargo = bool(embargo)
        if check_against_delivery is not None:
            text.check_against_delivery = bool(check_against_delivery)
        changes = audit.diff(before, {"embargo": text.embargo,
                                      "check_against_delivery": text.check_against_delivery})
        if not changes:
            return text
        _audit(meeting, "speech_text.updated", text.public_id, _summary_label(text.speech), changes,
               object_type="speech_text")
    return text


def embargoed(text: SpeechText) -> bool:
    """Under embargo: not for delegates until the speech is delivered."""
    return text.embargo and not text.speech.delivered


def _file(text: SpeechText) -> Path:
    path = files.path_of(_storage(), text.stored_name)
    if not path.is_file():
        raise NotFound(_("The file of this text is missing from the storage. Upload it again."))
    return path


def open_text(text: SpeechText, *, user: User) -> Path:
    """Staff: the text's file, when their clearance admits the speech's classification. A download of
    classified content is written to the audit log."""
    speech = text.speech
    level = classification_of(speech)
    if not cleared_for(clearance_of(user, speech.meeting.organization_id), level):
        raise NotFound(_("No such text."))
    path = _file(text)
    if level.is_classified:
        with atomic():
            _audit(speech.meeting, "speech_text.downloaded", text.public_id, _summary_label(speech),
                   {"number": text.number, "classification": level.value}, object_type="speech_text")
    return path


def delegate_texts(participant: Participant) -> list[SpeechText]:
    """The texts a delegate may read from their personal link: the latest version of each speech of
    their meeting that is unclassified and not (any longer) under embargo."""
    speeches = db.session.scalars(
        select(Speech).where(Speech.meeting_id == participant.meeting_id, Speech.status.in_(ACCEPTED_STATUSES))
        .options(*_speech_options(), joinedload(Speech.agenda_item), joinedload(Speech.meeting))
        .order_by(Speech.agenda_item_id, Speech.position)).unique()
    found = []
    for speech in speeches:
        latest = speech.latest_text
        if latest is not None and classification_of(speech) == Classification.none and not embargoed(latest):
            found.append(latest)
    return found


def open_text_for_delegate(participant: Participant, text_public_id: str) -> tuple[SpeechText, Path]:
    """A delegate fetches a text from their personal link: only of their own meeting, unclassified, and
    not under embargo (an embargoed text is refused until the speech is delivered; its own speaker may
    read it before)."""
    text = db.session.scalar(
        select(SpeechText).join(Speech).where(SpeechText.public_id == str(text_public_id),
                                              Speech.meeting_id == participant.meeting_id)
        .options(joinedload(SpeechText.speech)))
    if text is None or classification_of(text.speech) != Classification.none:
        raise NotFound(_("No such text."))
    if text.speech.status not in ACCEPTED_STATUSES and text.speech.participant_id != participant.id:
        raise NotFound(_("No such text."))   # a contribution not accepted (yet) is its author's alone
    if embargoed(text) and text.speech.participant_id != participant.id:
        raise Forbidden(_("This text is under embargo until the speech is delivered."))
    return text, _file(text)


# The texts on a delegate's page (delegates.documents.DOCUMENT_SOURCES, filled by the setup) ---------------

def delegate_documents(participant: Participant) -> list[DelegateDocument]:
    """The submitted texts a delegate may read, as their page lists them under the item they belong to:
    speaker and title, and the "check against delivery" mark where the text carries it."""
    found = []
    for text in delegate_texts(participant):
        item = text.speech.agenda_item
        notes = [_("Check against delivery")] if text.check_against_delivery else []
        found.append(DelegateDocument(title=_summary_label(text.speech), kind="speech", ref=text.public_id,
                                      note=" · ".join(notes), item_id=item.public_id, item_title=item.title,
                                      media_type=text.media_type, version=text.number))
    return found


def open_delegate_document(participant: Participant, ref: str) -> DelegateFile:
    text, path = open_text_for_delegate(participant, ref)
    return DelegateFile(filename=text.filename, media_type=text.media_type, data=path.read_bytes(),
                        etag=text.sha256[:32])


TEXTS_FOR_DELEGATES = DocumentSource(kind="speech", documents=delegate_documents, open=open_delegate_document)
