"""The OpenAPI schema (drf-spectacular), true to every answer the API gives: besides the
success answer, each operation documents the error answers it can give, with their bodies,
so that a client (and schemathesis in `make test`) can rely on the schema for every status.

- 400: a body or query that does not validate: `{"field": ["中文原因", …], …}` or
  `{"detail": "…"}` (unreadable JSON, a NUL character);
- 401: no token or an expired one; 403: the role may not do this;
- 404: the record does not exist or is outside the user's scope (DESIGN §1: both look alike);
- 409: an update (or a workflow step, core/workflows/) based on a stale `version`.
"""

from __future__ import annotations

from drf_spectacular import openapi
from rest_framework import serializers

DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}},
          "required": ["detail"]}
# A validation error: each field (or non_field_errors / detail) with its reasons.
FIELD_ERRORS = {"type": "object", "additionalProperties": {
    "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"},
              {"type": "object"}]}}


def _model_field(field):
    """The model field a ModelSerializer field was built from, or None."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return None
    try:
        return model._meta.get_field(field.source)
    except Exception:  # noqa: BLE001 — not a model field (a property, a method)
        return None


class AutoSchema(openapi.AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        # DRF builds the field of a non-editable model field (derived values such as a
        # person's employment status) without allow_blank / allow_null, so the schema would
        # promise a value from the list where the answer is "" or null. Say what the model
        # field holds.
        if field.read_only:
            model_field = _model_field(field)
            if model_field is not None:
                field.allow_null = field.allow_null or model_field.null
                if isinstance(field, serializers.ChoiceField | serializers.CharField):
                    field.allow_blank = field.allow_blank or model_field.blank
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def _error_codes(self) -> dict[str, dict]:
        declared = set(getattr(self.view, "schema_errors", ()))  # beyond the rules below
        codes: dict[str, dict] = {}
        has_body = self.method in ("POST", "PUT", "PATCH")
        has_path = "{" in self.path
        # any request can be malformed (a NUL in its query, core/middleware.py)
        codes["400"] = FIELD_ERRORS
        if self.get_auth():
            codes["401"] = DETAIL
            codes["403"] = DETAIL
        if has_path or "404" in declared:
            codes["404"] = DETAIL
        if self.method in ("PUT", "PATCH", "DELETE") and has_path:
            codes["409"] = DETAIL
        if self.method == "POST" and "/transitions/{" in self.path:  # a workflow step
            codes["409"] = DETAIL
        if has_body:
            codes["415"] = DETAIL
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, schema in self._error_codes().items():
            if code not in responses:
                responses[code] = {"content": {"application/json": {"schema": schema}},
                                   "description": ""}
        return responses
