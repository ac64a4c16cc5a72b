"""The issuing body of a document type gives its header, its number's body code and its authority line, which
therefore agree; settings that would set them apart are refused; nobody signs, nothing is approved."""

from datetime import date

import pytest

from planner.accounts.models import Organization
from planner.core.errors import ValidationError
from planner.documents import services
from planner.documents.numbering import assign_number
from planner.extensions import db


def _org(factory, profile="party"):
    ref = factory.organization(name="Văn phòng Thành ủy Đà Nẵng", parent_name="Thành ủy Đà Nẵng",
                               document_profile=profile, body_code="VPTU")
    return db.session.get(Organization, ref.id)


def _issue(org, document_type="notice"):
    issuer = services.issuing_body(org, document_type)
    assigned = assign_number(organization_id=org.id, profile=services.profile(org), issuer=issuer,
                             document_type=document_type, on=date(2026, 7, 5), object_type="test", object_id="x")
    authority = services.signature_lines(org, document_type, "vi")["right"]["authority"]
    return assigned.formatted, authority, issuer


@pytest.mark.parametrize(("body", "extra", "number", "authority", "header"), [
    ("own", {}, "Số 01-TB/VPTU", "", ("THÀNH ỦY ĐÀ NẴNG", "VĂN PHÒNG")),
    ("superior", {}, "Số 01-TB/TU", "T/L BAN THƯỜNG VỤ", ("", "Thành ủy Đà Nẵng")),
    ("other", {"name": "Ban Tổ chức Thành ủy", "code": "BTCTU", "authority": "T/M BAN TỔ CHỨC"},
     "Số 01-TB/BTCTU", "T/M BAN TỔ CHỨC", ("", "Ban Tổ chức Thành ủy")),
])
def test_issuer_and_number_suffix_and_authority_agree(app, factory, ctx, body, extra, number, authority, header):
    org = _org(factory)
    services.update_settings(org, {"profile_overrides": {"issuer_line": "VĂN PHÒNG", "superior_line": "THÀNH ỦY ĐÀ NẴNG"
                                                         if body == "own" else "", "superior_code": "TU"},
                                   "issuers": {"notice": {"body": body, **extra}}})
    formatted, signed_for, issuer = _issue(org)
    assert formatted == number
    assert signed_for == authority
    assert (issuer.superior, issuer.name) == header


def test_state_profile_pairs(app, factory, ctx):
    org = _org(factory, "state")
    org.body_code = "VP"
    services.update_settings(org, {"profile_overrides": {"superior_code": "UBND"},
                                   "issuers": {"notice": {"body": "superior"}}})
    assert _issue(org)[:2] == ("Số: 01/TB-UBND", "TL. CHỦ TỊCH")
    assert _issue(org, "minutes")[:2] == ("Số: 01/BB-VP", "CHỦ TỌA")


def test_each_issuing_body_keeps_its_own_register(app, factory, ctx):
    org = _org(factory)
    services.update_settings(org, {"profile_overrides": {"superior_code": "TU"}})
    assert _issue(org)[0] == "Số 01-TB/VPTU"
    assert _issue(org)[0] == "Số 02-TB/VPTU"
    services.update_settings(org, {"issuers": {"notice": {"body": "superior"}}})
    assert _issue(org)[0] == "Số 01-TB/TU", "the committee's notices are counted apart from the office's"
    services.update_settings(org, {"issuers": {"notice": {"body": "own"}}})
    assert _issue(org)[0] == "Số 03-TB/VPTU"


def test_the_minutes_are_always_the_offices_own(app, factory, ctx):
    org = _org(factory)
    services.update_settings(org, {"profile_overrides": {"superior_code": "TU"},
                                   "issuers": {"notice": {"body": "superior"}}})
    assert _issue(org, "minutes")[0] == "Số 01-BB/VPTU"
    with pytest.raises(ValidationError):
        services.update_settings(org, {"issuers": {"minutes": {"body": "superior"}}})


@pytest.mark.parametrize(("data", "field"), [
    ({"issuers": {"notice": {"body": "superior"}}}, "superior_code"),
    ({"issuers": {"notice": {"body": "other", "code": "BTC"}}}, "notice_issuer_name"),
    ({"issuers": {"notice": {"body": "other", "name": "Ban Tổ chức", "code": "BTC TU"}}}, "notice_issuer_code"),
    ({"issuers": {"notice": {"body": "elsewhere"}}}, "notice_issuer_body"),
    ({"profile_overrides": {"superior_code": "T U"}}, "superior_code"),
    ({"profile_overrides": {"issuer_line": "A\nB\nC\nD"}}, "issuer_line"),
])
def test_settings_that_would_set_issuer_and_code_apart_are_refused(app, factory, ctx, data, field):
    org = _org(factory)
    with pytest.raises(ValidationError) as refused:
        services.update_settings(org, data)
    assert refused.value.field == field
    db.session.rollback()
    assert services.settings(org).id is None, "nothing saved"


def test_manual_breaks_between_words_are_kept(app, factory, ctx):
    org = _org(factory)
    services.update_settings(org, {"profile_overrides": {"issuer_line": "Ban Tuyên giáo \r\n  Thành ủy "}})
    assert services.issuing_body(org, "minutes").name == "Ban Tuyên giáo\nThành ủy"


def test_signers_of_each_type_and_nobody_signs_nothing_is_issued(app, factory, ctx):
    org = _org(factory)
    lines = services.signers(org, "invitation", "vi")
    assert lines["right"]["position"] == "CHÁNH VĂN PHÒNG" and lines["right"]["name"] == ""
    with pytest.raises(ValidationError) as refused:
        services.require_signer(org, "invitation", "vi")
    assert "chưa có người ký" in refused.value.message
    services.update_settings(org, {"signatures": {"invitation": {"right": {"name": "Trần Văn Minh",
                                                                           "position": "Chánh Văn phòng"}}}})
    signed = services.require_signer(org, "invitation", "vi")
    assert signed["right"] == {"authority": "", "position": "Chánh Văn phòng", "name": "Trần Văn Minh"}
    minutes = services.signers(org, "minutes", "vi", chosen={"left": {"name": "Lê Thị Mai"},
                                                            "right": {"name": "Nguyễn Văn Quảng"}})
    assert (minutes["left"]["authority"], minutes["left"]["name"]) == ("THƯ KÝ", "Lê Thị Mai")
    assert (minutes["right"]["authority"], minutes["right"]["name"]) == ("CHỦ TRÌ", "Nguyễn Văn Quảng")
    assert services.signer_problems("minutes", {"right": {"name": "X"}}) == [
        "Chưa có thư ký (người ghi biên bản) ký biên bản (bên trái)."]
