"""A consultation's downloads, in the one exporter registry (scope ``consultation``): the report (PDF,
DOCX) and the result sheet (XLSX). A closed consultation's are its frozen records; an open one's show the
answers so far, marked as a draft. Downloads of a classified consultation's are audited."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from planner.consultations import services
from planner.consultations.models import Consultation
from planner.core import exports
from planner.core.exports import Exporter
from planner.core.permissions import Classification
from planner.core.text import strip_diacritics
from planner.documents.records import MEDIA_TYPES

SCOPE = "consultation"


def _stem(consultation: Consultation) -> str:
    words = strip_diacritics(consultation.title).split()[:8]
    return "ket-qua-lay-y-kien-" + "-".join(w.lower() for w in words if w.isalnum())[:80]


def _exporter(kind: str, fmt: str, label: Any) -> Exporter:
    return Exporter(
        name=f"{kind}.{fmt}", media_type=MEDIA_TYPES[fmt],
        build=lambda c: services.record_bytes(c, kind, fmt),
        filename=lambda c: f"{_stem(c)}.{fmt}",
        version=services.record_version, label=label)


EXPORTERS = (
    _exporter("result", "pdf", _l("Report (PDF)")),
    _exporter("result", "docx", _l("Report (DOCX)")),
    _exporter("sheet", "xlsx", _l("Result sheet (XLSX)")),
)


def _audit(exporter: Exporter, consultation: Consultation, _user: Any) -> None:
    if Classification(consultation.classification).is_classified:
        services.note_view(consultation, f"{consultation.title}: {exporter.name}")


def register() -> None:
    for exporter in EXPORTERS:
        exports.register(SCOPE, exporter)
    exports.audit_builds(SCOPE, _audit)
