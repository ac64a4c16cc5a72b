"""Forms of the minutes pages: one form per section (saved on its own, with the version read), the
workflow buttons, the invitation letter and the organization's document settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import Form, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.validators import Length, NumberRange, Optional

from planner.documents.models import NUMBERING_PERIOD_LABELS


class VersionForm(FlaskForm):
    version = HiddenField()


class TextSectionForm(VersionForm):
    heading = StringField(_l("Heading"))
    text = TextAreaField(_l("Text"), description=_l("One paragraph a line."))


class HeadingSectionForm(VersionForm):
    heading = StringField(_l("Heading"))


class DecisionForm(Form):
    text = TextAreaField(_l("Decision"))
    votes_for = IntegerField(pgettext("vote", "For"), validators=[Optional(), NumberRange(min=0, max=1_000_000)])
    votes_against = IntegerField(_l("Against"), validators=[Optional(), NumberRange(min=0, max=1_000_000)])
    votes_abstain = IntegerField(_l("Abstaining"), validators=[Optional(), NumberRange(min=0, max=1_000_000)])
    votes_percent = StringField(_l("Share in favour (%)"), validators=[Optional(), Length(max=8)])


class ItemSectionForm(VersionForm):
    heading = StringField(_l("Heading"))
    text = TextAreaField(_l("Who spoke and what they said"), description=_l("One paragraph a line."))
    discussion = TextAreaField(_l("Discussion"))
    conclusion = TextAreaField(_l("Conclusion of the presiding person"))
    decisions = FieldList(FormField(DecisionForm), min_entries=1, max_entries=50)


class SignaturesForm(VersionForm):
    left_authority = StringField(_l("Left: authority line"), description=_l("e.g. THƯ KÝ"))
    left_position = StringField(_l("Left: position"))
    left_name = StringField(_l("Left: name"))
    right_authority = StringField(_l("Right: authority line"), description=_l("e.g. T/M BAN THƯỜNG VỤ, CHỦ TRÌ"))
    right_position = StringField(_l("Right: position"), description=_l("e.g. BÍ THƯ"))
    right_name = StringField(_l("Right: name"))


class RecipientsForm(VersionForm):
    text = TextAreaField(_l("Recipients"), description=_l("One a line, e.g. “- Thường trực Thành ủy,”. The "
                                                          "archive line is added at the end."))
    drafter = StringField(_l("Drafter's code"), description=_l("Ends the archive line, e.g. P1"))
    copies = IntegerField(_l("Number of copies"), validators=[Optional(), NumberRange(min=1, max=999)],
                          description=_l("A classified document must state it, e.g. 05"))


class SignerForm(VersionForm):
    signer_id = SelectField(_l("Signed by (presiding)"), choices=[], validate_choice=False)


class StatusForm(VersionForm):
    status = HiddenField()


class RestoreForm(VersionForm):
    pass


class GenerateForm(VersionForm):
    pass


ISSUER_BODY_CHOICES = [
    ("own", _l("The office itself (its header and code)")),
    ("superior", _l("The superior body, signed by order (T/L)")),
    ("other", _l("Another body (name and code below)")),
]


class DocumentSettingsForm(VersionForm):
    numbering_period = SelectField(_l("Numbers start again from 01"),
                                   choices=[(k.value, v) for k, v in NUMBERING_PERIOD_LABELS.items()])
    term_label = StringField(_l("Term (nhiệm kỳ)"), description=_l("e.g. 2025-2030; needed for numbering per term"))
    superior_line = TextAreaField(_l("Superior body as printed (tên cơ quan cấp trên)"),
                                  description=_l("Left empty: the organization's superior body. A new line "
                                                 "breaks the name there, between two words."),
                                  render_kw={"rows": 2})
    superior_code = StringField(_l("Superior body's code"), description=_l("e.g. TU, for its documents: -TB/TU"))
    issuer_line = TextAreaField(_l("The office's short header name"),
                                description=_l("e.g. VĂN PHÒNG under THÀNH ỦY ĐÀ NẴNG; left empty: the "
                                               "organization's name. A new line breaks the name there."),
                                render_kw={"rows": 2})
    drafter_code = StringField(_l("Drafter's code"),
                               description=_l("Ends the archive line of the recipients, e.g. “- Lưu: VT, P1.”"))
    notice_issuer_body = SelectField(_l("Conclusion notice issued by"), choices=ISSUER_BODY_CHOICES, default="own",
                                     validate_choice=False)
    notice_issuer_authority = StringField(_l("Notice: authority line"),
                                          description=_l("Left empty: the profile's (T/L BAN THƯỜNG VỤ when "
                                                         "issued by the superior body, none for the office's own)"))
    notice_issuer_name = StringField(_l("Notice: other issuing body"))
    notice_issuer_code = StringField(_l("Notice: its code"))
    invitation_issuer_body = SelectField(_l("Invitation issued by"), choices=ISSUER_BODY_CHOICES, default="own",
                                         validate_choice=False)
    invitation_issuer_authority = StringField(_l("Invitation: authority line"),
                                              description=_l("Left empty: the profile's"))
    invitation_issuer_name = StringField(_l("Invitation: other issuing body"))
    invitation_issuer_code = StringField(_l("Invitation: its code"))
    number_format = StringField(_l("Number format"),
                                description=_l("Left empty: the profile's. Use {number}, {type_code}, {body_code}."))
    recipients_last = StringField(_l("Archive line"), description=_l("The last recipient, e.g. “- Lưu Văn phòng.”"))
    minutes_left_authority = StringField(_l("Minutes, left: authority line"))
    minutes_left_position = StringField(_l("Minutes, left: position"))
    minutes_right_authority = StringField(_l("Minutes, right: authority line"))
    minutes_right_position = StringField(_l("Minutes, right: position"))
    notice_right_position = StringField(_l("Notice, right: position"))
    notice_right_name = StringField(_l("Notice, right: name"))
    notice_recipients = TextAreaField(_l("Notice: recipients"), description=_l("One a line"))
    invitation_right_position = StringField(_l("Invitation, right: position"))
    invitation_right_name = StringField(_l("Invitation, right: name"))
    invitation_recipients = TextAreaField(_l("Invitation: recipients"), description=_l("One a line"))
    invitation_lead_days = IntegerField(
        _l("Invitations go out at least this many working days before the meeting"),
        validators=[Optional(), NumberRange(min=1, max=20)], default=3,
        description=_l("3 by Quyết định 45/2018/QĐ-TTg, Điều 8; some bodies' rules ask 5. Warned on the home page "
                       "and the invitation tab."))
    documents_lead_days = IntegerField(
        _l("Meeting documents reach the delegates at least this many working days before the meeting"),
        validators=[Optional(), NumberRange(min=1, max=20)], default=3,
        description=_l("3 by Quyết định 45/2018/QĐ-TTg, Điều 10. Warned on the home page and the documents tab."))
    holidays = TextAreaField(_l("Public holidays"),
                             description=_l("One day a line (2026-09-02 or 02/09/2026), a comment may follow #. "
                                            "Weekends are always skipped."))


class LetterheadForm(FlaskForm):
    letterhead = FileField(_l("Letterhead (Word .docx)"),
                           description=_l("Its styles, page setup, header and footer are kept; the document fills "
                                          "the paragraph that reads {{content}}, else follows its content."))


class RemoveLetterheadForm(FlaskForm):
    pass
