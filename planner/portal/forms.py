"""Forms of the delegate's personal page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from planner.invitations.services import MAX_NOTE


class RsvpForm(FlaskForm):
    """Accept or decline: the answer is the button pressed (name ``rsvp``); the note is optional."""

    note = TextAreaField(_l("A note for the organizers (optional)"), validators=[Optional(), Length(max=MAX_NOTE)],
                         description=_l("For example: who comes in your place, or when you arrive."),
                         render_kw={"rows": 2, "maxlength": MAX_NOTE})


class SpeakForm(FlaskForm):
    title = StringField(_l("Subject of your contribution (optional)"), validators=[Optional(), Length(max=1000)],
                        render_kw={"maxlength": 1000})
    text = FileField(_l("Written contribution (DOCX or PDF, optional)"),
                     description=_l("With a file, your contribution is sent in writing (tham luận); its subject is "
                                    "then required. The organizers accept or decline it."))


class BallotForm(FlaskForm):
    """A ballot of an electronic vote: the choice is the button pressed (name ``choice``)."""


class NoteForm(FlaskForm):
    """A delegate's private note on an item or a document."""

    text = TextAreaField(_l("Private note"), validators=[Optional(), Length(max=10_000)],
                         description=_l("Only you see it, on this page."), render_kw={"rows": 3, "maxlength": 10_000})
