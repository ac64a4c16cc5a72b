"""Forms of the document pack. Choices (agenda items, participants) are set by the view from the meeting; the
services check everything again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from planner.core.permissions import CLASSIFICATION_LABELS
from planner.meeting_documents.models import AUDIENCE_LABELS, DOCUMENT_KIND_LABELS

REQUIRED = _l("This field is required.")
FILE_HINT = _l("PDF, DOCX (Word), XLSX (Excel) or PPTX (PowerPoint). Internal documents reach delegates as PDF with "
               "their name stamped on every page; classified ones (Mật and above) on paper only.")


class DocumentFieldsForm(FlaskForm):
    title = StringField(_l("Document title"), validators=[DataRequired(REQUIRED), Length(max=500)])
    kind = SelectField(_l("Kind"), choices=[], default="report")
    agenda_item_id = SelectField(_l("Agenda item"), choices=[], default="")
    classification = SelectField(_l("Classification"), choices=[], default="none")
    audience = SelectField(_l("Audience"), choices=[], default="delegates")
    delegation = StringField(_l("Delegation"), validators=[Optional(), Length(max=255)],
                             description=_l("For the audience “one delegation”: its name as on the delegate list."))
    participant_ids = SelectMultipleField(_l("People who receive it"), choices=[], validate_choice=False,
                                          description=_l("For the audience “named people”."))
    revision = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, label) for k, label in DOCUMENT_KIND_LABELS.items()]
        self.classification.choices = [(c.value, label) for c, label in CLASSIFICATION_LABELS.items()]
        self.audience.choices = [(a.value, label) for a, label in AUDIENCE_LABELS.items()]


class UploadForm(DocumentFieldsForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))], description=FILE_HINT)


class VersionForm(FlaskForm):
    file = FileField(_l("New version"), validators=[FileRequired(_l("Choose a file."))], description=FILE_HINT)
    revision = HiddenField()


class ActionForm(FlaskForm):
    """A button of the pack's list (move, delete, send): nothing but the CSRF token and what it names."""

    direction = HiddenField()
    revision = HiddenField()
