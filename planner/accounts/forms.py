"""Forms of the accounts pages."""

from __future__ import annotations

import zoneinfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from planner.accounts.models import DOCUMENT_PROFILE_LABELS, LANGUAGE_LABELS
from planner.core.permissions import CLASSIFICATION_LABELS, ROLE_LABELS

REQUIRED = _l("This field is required.")


def _role_choices():
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


def _clearance_choices():
    return [(level.value, label) for level, label in CLASSIFICATION_LABELS.items()]


def clearance_choices(levels) -> list[tuple[str, object]]:
    """The clearance levels a form offers: only those the admin may grant (the service checks again)."""
    allowed = {str(level) for level in levels}
    return [(value, label) for value, label in _clearance_choices() if value in allowed]


def _language_choices():
    return list(LANGUAGE_LABELS.items())


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Length(max=255)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED), Length(max=1024)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("The two passwords differ."))],
    )


class SetupForm(FlaskForm):
    password = PasswordField(_l("Choose a password"), validators=[DataRequired(REQUIRED), Length(max=1024)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("The two passwords differ."))],
    )


class InviteUserForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(REQUIRED), Length(max=255)])
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(REQUIRED), Email(_l("Enter a valid e-mail address.")), Length(max=255)],
    )
    role = SelectField(_l("Role"), choices=_role_choices, default="viewer")
    # Offered: the levels the admin may grant; any other is refused by the service with its reason.
    clearance = SelectField(_l("Clearance"), choices=_clearance_choices, default="internal", validate_choice=False)
    language = SelectField(_l("Language"), choices=_language_choices, default="vi")


class MemberForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(REQUIRED), Length(max=255)])
    role = SelectField(_l("Role"), choices=_role_choices)
    clearance = SelectField(_l("Clearance"), choices=_clearance_choices, validate_choice=False)
    active = BooleanField(_l("Active (may sign in)"))


class OrganizationForm(FlaskForm):
    version = HiddenField()
    name = StringField(_l("Name of the organization"), validators=[DataRequired(REQUIRED), Length(max=255)],
                       description=_l("The issuing body, e.g. Văn phòng Thành ủy"))
    parent_name = StringField(_l("Superior body"), validators=[Optional(), Length(max=255)],
                              description=_l("Printed above the issuing body, e.g. Thành ủy Đà Nẵng"))
    city = StringField(_l("Place of the date line"), validators=[Optional(), Length(max=120)],
                       description=_l("e.g. Đà Nẵng, as in “Đà Nẵng, ngày 05 tháng 7 năm 2026”"))
    document_profile = SelectField(_l("Document profile"),
                                   choices=lambda: [(p.value, label) for p, label in DOCUMENT_PROFILE_LABELS.items()])
    body_code = StringField(_l("Body code"), validators=[Optional(), Length(max=32)],
                            description=_l("The code after the document number, e.g. VPTU in Số 12-BB/VPTU"))
    timezone = SelectField(_l("Time zone"), choices=lambda: sorted(zoneinfo.available_timezones()))
    language = SelectField(_l("Default language"), choices=_language_choices)


class ApiTokenForm(FlaskForm):
    name = StringField(_l("What the token is for"), validators=[DataRequired(REQUIRED), Length(max=120)])


class LanguageForm(FlaskForm):
    language = HiddenField(validators=[DataRequired()])
    next = HiddenField()
