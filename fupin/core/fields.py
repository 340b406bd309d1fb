"""Model fields shared by the framework."""

from __future__ import annotations

import json

from django.db import models

from . import crypto


class SealedJSONField(models.TextField):
    """A JSON value kept encrypted with the field key (core/crypto.py): for what a record
    must keep that may quote personal data (an import's row errors quote the cells they
    refuse, ID numbers and phones among them). Not searchable, by design.

    A value written before the field was sealed (plain JSON text) still reads; the
    migration that introduced the field seals those."""

    description = "JSON, encrypted at rest"

    def from_db_value(self, value, expression, connection):
        return self._load(value)

    def to_python(self, value):
        return self._load(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)

    @staticmethod
    def _load(value):
        if value is None or value == "":
            return None if value is None else []
        if value.startswith(crypto.PREFIX):
            return json.loads(crypto.decrypt(value))
        return json.loads(value)
