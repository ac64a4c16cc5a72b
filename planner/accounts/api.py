"""JSON routes of the accounts domain: the caller's organization."""

from __future__ import annotations

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from planner.accounts import services
from planner.accounts.models import DocumentProfile
from planner.api import Integer, requires
from planner.core.permissions import Permission

blp = Blueprint("organization", __name__, url_prefix="/organization",
                description="The organization the API token belongs to")


class OrganizationSchema(ma.Schema):
    id = ma.fields.String(dump_only=True)
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=255))
    parent_name = ma.fields.String(validate=ma.validate.Length(max=255))
    city = ma.fields.String(validate=ma.validate.Length(max=120))
    document_profile = ma.fields.String(validate=ma.validate.OneOf([p.value for p in DocumentProfile]))
    body_code = ma.fields.String(validate=ma.validate.Length(max=32))
    timezone = ma.fields.String(validate=ma.validate.Length(max=64))
    language = ma.fields.String(validate=ma.validate.OneOf(["vi", "en"]))
    version = Integer(metadata={"description": "Send the version you read to refuse a stale update (409)"})


class OrganizationPatchSchema(OrganizationSchema):
    """The same fields, each optional."""


@blp.route("")
class OrganizationResource(MethodView):
    @requires(Permission.view)
    @blp.response(200, OrganizationSchema)
    def get(self):
        return services.organization_data(g.organization)

    @requires(Permission.manage_organization)
    @blp.arguments(OrganizationPatchSchema(partial=True))
    @blp.response(200, OrganizationSchema)
    @blp.alt_response(409, description="Changed meanwhile by someone else")
    def patch(self, data):
        version = data.pop("version", None)
        org = services.update_organization(g.organization, data, version=version)
        return services.organization_data(org)
