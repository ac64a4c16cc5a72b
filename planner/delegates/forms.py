"""Forms of the directory, the participants tab and the import."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from planner.core.text import full_name, normalize, split_full_name
from planner.delegates.importing import FIELDS
from planner.delegates.models import (
    ATTENDANCE_LABELS,
    EDUCATION_LABELS,
    GENDER_LABELS,
    PARTICIPANT_CATEGORY_LABELS,
    RSVP_LABELS,
)
from planner.delegates.protocol import ORDER_LABELS

HONORIFICS = ("đồng chí", "ông", "bà", "Mr", "Ms")
PRECEDENCE_HINT = _l("1 is the highest rank. Left empty, the position sets the order (Bí thư, Phó Bí thư, Ủy "
                     "viên Ban Thường vụ, Chánh Văn phòng…), else the category: guests and leaders, then "
                     "delegates, observers, staff and the press.")


def category_choices(blank: Any = None) -> list[tuple[str, Any]]:
    choices = [(c.value, label) for c, label in PARTICIPANT_CATEGORY_LABELS.items()]
    return [("", blank), *choices] if blank is not None else choices


def rsvp_choices() -> list[tuple[str, Any]]:
    return [(r.value, label) for r, label in RSVP_LABELS.items()]


def attendance_choices() -> list[tuple[str, Any]]:
    return [("", _l("— Not recorded —")), *((s.value, label) for s, label in ATTENDANCE_LABELS.items())]


class NameFields:
    """The one-field name and its split: family, middle and given name (họ, tên đệm, tên)."""

    full_name = StringField(
        _l("Full name"), validators=[Length(max=400)],
        description=_l("Type the name in one field: it is split into family, middle and given name below. "
                       "Correct the split when it is wrong (Tôn Nữ, Âu Dương…)."),
        render_kw={"autocomplete": "off", "data-name-full": ""},
    )
    family_name = StringField(_l("Family name"), validators=[Length(max=120)],
                              render_kw={"data-name-part": "family"})
    middle_name = StringField(_l("Middle name"), validators=[Length(max=120)],
                              render_kw={"data-name-part": "middle"})
    given_name = StringField(_l("Given name"), validators=[Length(max=120)], render_kw={"data-name-part": "given"})
    honorific = StringField(_l("Honorific"), validators=[Length(max=40)],
                            description=_l("đồng chí, ông, bà, Mr, Ms"), render_kw={"list": "honorifics"})

    def fill_name(self, person: Any) -> None:
        self.family_name.data = person.family_name  # type: ignore[attr-defined]
        self.middle_name.data = person.middle_name  # type: ignore[attr-defined]
        self.given_name.data = person.given_name  # type: ignore[attr-defined]
        self.full_name.data = person.full_name  # type: ignore[attr-defined]
        self.honorific.data = person.honorific  # type: ignore[attr-defined]

    def name_data(self, original: Any = None) -> dict[str, str]:
        """The name as the user meant it: the parts, unless only the one field was changed (no script)."""
        parts = tuple(normalize(getattr(self, k).data) for k in ("family_name", "middle_name", "given_name"))
        typed = normalize(self.full_name.data)  # type: ignore[attr-defined]
        before = (original.family_name, original.middle_name, original.given_name) if original else ("", "", "")
        if typed and typed != full_name(*parts) and (not any(parts) or parts == before):
            parts = split_full_name(typed)
        return {"family_name": parts[0], "middle_name": parts[1], "given_name": parts[2],
                "honorific": normalize(self.honorific.data)}  # type: ignore[attr-defined]


class PersonForm(NameFields, FlaskForm):
    title = TextAreaField(_l("Position"), validators=[Length(max=2000)], render_kw={"rows": 2},
                          description=_l("As it is written in documents, e.g. Ủy viên Ban Thường vụ Thành ủy, "
                                         "Giám đốc Sở Nội vụ."))
    unit = StringField(_l("Unit"), validators=[Length(max=500)])
    email = StringField(_l("E-mail"), validators=[Length(max=255)], render_kw={"type": "email"})
    phone = StringField(_l("Phone"), validators=[Length(max=64)], render_kw={"type": "tel"})
    default_precedence = IntegerField(_l("Default precedence"), validators=[Optional(), NumberRange(1, 99_999)],
                                      description=PRECEDENCE_HINT)
    gender = SelectField(_l("Gender"), choices=lambda: [("", "—"), *((g.value, label) for g, label in
                                                                      GENDER_LABELS.items())], default="")
    ethnicity = StringField(_l("Ethnicity"), validators=[Length(max=60)],
                            description=_l("Kinh, Tày, Ê Đê… (for the credentials report of a congress)"))
    birth_year = IntegerField(_l("Year of birth"), validators=[Optional(), NumberRange(1900, 2100)])
    education_level = SelectField(_l("Education"), default="", choices=lambda: [
        ("", "—"), *((e.value, label) for e, label in EDUCATION_LABELS.items())])
    allow_duplicate = BooleanField(_l("This is another person with the same name: add them anyway"))
    version = HiddenField()

    def person_data(self, original: Any = None) -> dict[str, Any]:
        return {**self.name_data(original), "title": self.title.data, "unit": self.unit.data,
                "email": self.email.data, "phone": self.phone.data,
                "default_precedence": self.default_precedence.data, "gender": self.gender.data,
                "ethnicity": self.ethnicity.data, "birth_year": self.birth_year.data,
                "education_level": self.education_level.data}


class ParticipantForm(NameFields, FlaskForm):
    """A participant: the person's name and contact (for every meeting) and their place in this one."""

    title = TextAreaField(_l("Position"), validators=[Length(max=2000)], render_kw={"rows": 2},
                          description=_l("As of this meeting."))
    unit = StringField(_l("Unit"), validators=[Length(max=500)])
    category = SelectField(_l("Category"), choices=lambda: category_choices(_l("From the position")), default="",
                           description=_l("Left on “From the position”: leader for a provincial leader's position, "
                                          "press for a reporter, else delegate."))
    delegation = StringField(_l("Delegation"), validators=[Length(max=255)])
    precedence = IntegerField(_l("Precedence"), validators=[Optional(), NumberRange(1, 99_999)],
                              description=PRECEDENCE_HINT)
    seat = StringField(_l("Seat"), validators=[Length(max=32)])
    rsvp = SelectField(_l("RSVP"), choices=rsvp_choices, default="invited")
    email = StringField(_l("E-mail"), validators=[Length(max=255)], render_kw={"type": "email"})
    phone = StringField(_l("Phone"), validators=[Length(max=64)], render_kw={"type": "tel"})
    note = TextAreaField(_l("Note"), validators=[Length(max=4000)], render_kw={"rows": 2})
    allow_duplicate = BooleanField(_l("This is another person with the same name: add them anyway"))
    version = HiddenField()

    def participant_data(self, original: Any = None) -> dict[str, Any]:
        return {**self.name_data(original), "email": self.email.data, "phone": self.phone.data,
                "title": self.title.data, "unit": self.unit.data, "category": self.category.data,
                "delegation": self.delegation.data, "precedence": self.precedence.data, "seat": self.seat.data,
                "rsvp": self.rsvp.data, "note": self.note.data}


class AttendanceForm(FlaskForm):
    day = SelectField(_l("Day"), choices=[])
    attendance = SelectField(_l("Status"), choices=attendance_choices)
    absence_reason = StringField(_l("Reason for absence"), validators=[Length(max=1000)])


class AddPersonForm(FlaskForm):
    """Put someone from the directory on the list."""

    person_id = HiddenField()


class ListFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), render_kw={"type": "search", "placeholder": _l("Name, position or unit")})
    category = SelectField(_l("Category"), choices=lambda: category_choices(_l("All categories")))
    order = SelectField(_l("Order"), choices=lambda: [(o.value, label) for o, label in ORDER_LABELS.items()])


class UploadForm(FlaskForm):
    file = FileField(_l("File (XLSX or CSV)"), validators=[FileRequired(_l("Choose a file to import."))],
                     render_kw={"accept": ".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument."
                                          "spreadsheetml.sheet"})


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token."""


def mapping_form(headers: list[str], mapping: list[str | None], formdata: Any = None) -> FlaskForm:
    """One choice of field per column of the file, pre-filled with the recognised headers."""
    def choices() -> list[tuple[str, Any]]:
        return [("", _l("— Leave out —")), *FIELDS.items()]

    class MappingForm(FlaskForm):
        pass

    for index, header in enumerate(headers):
        label = header or _l("Column %(n)d", n=index + 1)
        setattr(MappingForm, f"col_{index}", SelectField(label, choices=choices, default=mapping[index] or ""))
    form = MappingForm(formdata=formdata) if formdata is not None else MappingForm()
    return form


def mapping_from(form: FlaskForm, count: int) -> list[str | None]:
    return [getattr(form, f"col_{i}").data or None for i in range(count)]
