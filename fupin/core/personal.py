"""The personal-data policy (DESIGN §1), in one place: who may see personal data, how each
protected kind is shown to each kind of reader, the logged reveal of one value, and the export
log. Pages (the `personal` template tags, `Column.value`), the API (the serializer mixin),
exports (`export_value`) and history (`core.history`) all ask here; no module decides on its
own.

A model holding personal data declares it once, as a class attribute:

    personal_data = personal.PersonalData(
        protected={"id_number": personal.ID_NUMBER, "phone": personal.PHONE,
                   "bank_account": personal.BANK_ACCOUNT},
        birth_date="birth_date")

Each protected field `f` is stored as `f_enc` (ciphertext), `f_hash` (keyed hash) and
`f_masked` (the staff mask); `stored_mask` makes the last one.

Why these masks (DESIGN §1: "those roles see age, never the birth date, and no combination of
what they are shown rebuilds a number"):

- An ID number is 6 digits of region, 8 of birth date, 3 of sequence (odd for men, even for
  women) and a check character computed from the 17 others. Staff see `510802********1234`
  (region, the whole sequence and the check) and the birth date: they may see the number
  anyway (and reveal it, logged). Shown beside an *age* and a gender instead, the staff mask
  would still leave only ~33 numbers (366 possible birth days, of which the check character
  keeps one in 11) — a few guesses, without any logged reveal. So readers without a need for
  personal data see the region only (`510802************`): with age and gender that leaves
  ~366 × 500 ≈ 180,000 numbers, and even someone who learns the exact birthday (by watching
  the age turn) is left with 500. Nothing of the sequence or the check is shown to them, and
  they cannot test a guess either: a search by ID number or phone finds nothing for them
  (`can_look_up`), so the list is no oracle.
- A mobile number is a 3-digit carrier prefix, a 4-digit block (which, like the ID's region,
  follows from where the person lives) and a 4-digit subscriber number. Staff see
  `138****5678`; with the block guessed from the area that is one number. Readers without a
  need see the carrier prefix only (`138********`): 10,000 numbers per block.
- A bank card number is a 6-digit bank prefix (which the bank's name gives away), a branch
  part, an account serial and a Luhn check. Staff see the first 4 and last 4 digits. Readers
  without a need see the first 4 only (`6217***************`): the serial stays unknown.
- Masked readers' forms are derived from the stored staff mask, never from the clear value,
  so lists and history pages need no decryption and a stored (historical) mask can be shown to
  anybody.

Readers: `STAFF` (admin, county, township and village staff in pages and the API: the stored
masks, the birth date, and a logged reveal of one value), `CLEAR` (their exports and the
command line: clear values, logged) and `MASKED` (leaders, inspectors, experts, technicians,
and anybody unknown: fails closed).
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField

from . import crypto, scoping
from .errors import ServiceError
from .roles import STAFF_ROLES

# --- who sees what -------------------------------------------------------------------------

# DESIGN §1: the roles that work with people by name and number. Leader, inspector, expert
# and technician have no need: they see masked values and ages only.
PERSONAL_DATA_ROLES = STAFF_ROLES


def can_see_personal(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", True)
                and (user.is_superuser or getattr(user, "role", None) in PERSONAL_DATA_ROLES))


def can_look_up(user) -> bool:
    """Whether a search by full ID number or phone may find people for this user (for others
    it would be an oracle that confirms guessed numbers)."""
    return can_see_personal(user)


class Reader(enum.Enum):
    CLEAR = "clear"
    STAFF = "staff"
    MASKED = "masked"


def reader_for(user) -> Reader:
    return Reader.STAFF if can_see_personal(user) else Reader.MASKED


def export_reader(*, reveal: bool) -> Reader:
    return Reader.CLEAR if reveal else Reader.MASKED


# --- the protected kinds and their masks ---------------------------------------------------

def _mask_id(value: str) -> str:
    """510802********1234"""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def _mask_phone(value: str) -> str:
    """138****5678"""
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * max(len(value) - 2, 0) + value[-2:]


def _mask_account(value: str) -> str:
    """6217****1234"""
    return value[:4] + "*" * max(len(value) - 8, 4) + value[-4:]


@dataclass(frozen=True)
class Kind:
    key: str
    label: object
    staff_mask: Callable[[str], str]
    # leading characters of the staff mask that a masked reader still sees (see the module
    # docstring: the ID's region, the phone's carrier, the card's bank)
    masked_keep: int


ID_NUMBER = "id_number"
PHONE = "phone"
BANK_ACCOUNT = "bank_account"

KINDS = {
    ID_NUMBER: Kind(ID_NUMBER, gettext_lazy("身份证号"), _mask_id, 6),
    PHONE: Kind(PHONE, gettext_lazy("联系电话"), _mask_phone, 3),
    BANK_ACCOUNT: Kind(BANK_ACCOUNT, gettext_lazy("银行账号"), _mask_account, 4),
}


def stored_mask(kind: str, value: str) -> str:
    """The staff mask of a clear value, as stored beside its ciphertext."""
    return KINDS[kind].staff_mask(value) if value else ""


def masked_form(kind: str, stored: str) -> str:
    """What a reader without a need for personal data sees, from the stored staff mask."""
    if not stored:
        return ""
    keep = KINDS[kind].masked_keep
    head = stored[:keep]
    if "*" in head:  # a short value whose mask starts hidden: show nothing of it
        head = ""
    return head + "*" * (len(stored) - len(head))


def shown(kind: str, stored: str, reader: Reader) -> str:
    """A stored mask as this reader sees it."""
    return masked_form(kind, stored) if reader is Reader.MASKED else (stored or "")


# --- what a model declares -----------------------------------------------------------------

@dataclass(frozen=True)
class PersonalData:
    """A model's personal fields: protected field base name → kind, and its birth-date field
    (derived from the ID number, so shown to staff only; everybody sees the age)."""

    protected: dict[str, str] = field(default_factory=dict)
    birth_date: str = ""


def declared(model) -> PersonalData | None:
    return getattr(model, "personal_data", None)


HIDDEN = object()  # `attribute` answers this for a value the reader may not see at all


def attribute(model, name: str, value, reader: Reader):
    """The value of attribute `name` of a `model` record as `reader` may see it, or HIDDEN.
    Ciphertexts and keyed hashes are hidden from everybody; masks are shown per reader; the
    birth date is hidden from masked readers."""
    spec = declared(model)
    if spec is None:
        return value
    for base, kind in spec.protected.items():
        if name in (f"{base}_enc", f"{base}_hash"):
            return HIDDEN
        if name == f"{base}_masked":
            return shown(kind, value or "", reader)
    if spec.birth_date and name == spec.birth_date and reader is Reader.MASKED:
        return HIDDEN
    return value


def value_for(obj, field: str, user) -> str:
    """A record's protected value as this user sees it on a page or in the API."""
    kind = declared(type(obj)).protected[field]
    return shown(kind, getattr(obj, f"{field}_masked", ""), reader_for(user))


def birth_date_for(obj, user) -> datetime.date | None:
    spec = declared(type(obj))
    if spec is None or not spec.birth_date or not can_see_personal(user):
        return None
    return getattr(obj, spec.birth_date)


def export_value(obj, field: str, *, reveal: bool) -> str:
    """A protected value in an export: clear for roles that may see personal data (the
    export is logged), the masked reader's form otherwise."""
    if reveal:
        return crypto.decrypt(getattr(obj, f"{field}_enc"))
    kind = declared(type(obj)).protected[field]
    return masked_form(kind, getattr(obj, f"{field}_masked", ""))


# --- the logged reveal and the export log --------------------------------------------------

def reveal(*, actor, obj, field: str, request=None) -> str:
    """One protected value in clear, for a role that may see it, inside the actor's scope;
    logged (who, when, which record and field). Out of scope is not found (Http404)."""
    from .services import access_log_record

    spec = declared(type(obj))
    if spec is None or field not in spec.protected:
        raise ServiceError(_("未知字段。"))
    scoping.get_visible_or_404(type(obj), actor, pk=obj.pk)
    if not can_see_personal(actor):
        raise ServiceError(_("您的角色无权查看完整的个人信息。"))
    value = crypto.decrypt(getattr(obj, f"{field}_enc"))
    from .models import AccessLog

    access_log_record(actor=actor, action=AccessLog.Action.REVEAL, model=type(obj),
                      object_id=obj.pk, field=field, rows=1, request=request)
    return value


def export_log(*, actor, model, rows: int, reveal: bool, detail: str = "", request=None):
    """Every export is logged: who, what, how many rows, clear or masked."""
    from .models import AccessLog
    from .services import access_log_record

    # the detail quotes the list's filters: a search by a full ID number is kept masked
    detail = (_("明文") if reveal else _("脱敏")) + " " + crypto.mask_numbers_in(detail)
    return access_log_record(actor=actor, action=AccessLog.Action.EXPORT, model=model,
                             rows=rows, detail=detail[:500], request=request)


# --- the API: one mixin for every serializer that shows a record with personal data ---------

def _request_user(field) -> object:
    request = field.context.get("request")
    return getattr(request, "user", None)


class ProtectedField(serializers.CharField):
    """A stored mask, shown as the requesting user may see it."""

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return shown(self.kind, value or "", reader_for(_request_user(self)))


@extend_schema_field({"type": "string", "format": "date",
                      "description": "出生日期：仅对可查看个人信息的角色返回；"
                                     "其他角色看 age（周岁）"})
class BirthDateField(serializers.DateField):
    """The birth date, left out of the answer for users without a need for personal data."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        if not can_see_personal(_request_user(self)):
            raise SkipField
        return super().get_attribute(instance)


def _resolve(model, source: str):
    """(model owning the last attribute of `source`, attribute name), or (None, "")."""
    parts = source.split(".")
    for part in parts[:-1]:
        try:
            model = model._meta.get_field(part).related_model
        except Exception:  # noqa: BLE001 — not a relation: nothing personal to find
            return None, ""
        if model is None:
            return None, ""
    return model, parts[-1]


# Put first in the bases of any serializer of a record that is, or hangs off, a model
# declaring `personal_data`. Every readable field whose source ends at a personal attribute
# (declared or generated, `birth_date`, `person.id_number_masked` …) is replaced by the
# policy's own field: masks per reader, the birth date dropped for masked readers, ciphertexts
# and hashes never shown. (A comment, not a docstring: the schema would show a docstring as
# the description of every serializer using it.)
class PersonalDataSerializerMixin:

    def get_fields(self):
        fields = super().get_fields()
        model = getattr(getattr(self, "Meta", None), "model", None)
        if model is None:
            return fields
        for name, f in list(fields.items()):
            if f.write_only or isinstance(f, ProtectedField | BirthDateField):
                continue
            source = f.source or name
            if source == "*":
                continue
            owner, attr = _resolve(model, source)
            spec = declared(owner) if owner is not None else None
            if spec is None:
                continue
            common = {"source": None if source == name else source, "label": f.label,
                      "help_text": f.help_text}
            common = {k: v for k, v in common.items() if v is not None}
            if any(attr in (f"{b}_enc", f"{b}_hash") for b in spec.protected):
                del fields[name]
            elif attr.endswith("_masked") and attr[: -len("_masked")] in spec.protected:
                fields[name] = ProtectedField(spec.protected[attr[: -len("_masked")]], **common)
            elif spec.birth_date and attr == spec.birth_date:
                fields[name] = BirthDateField(**common)
        return fields


class PersonalDataSchema(OpenApiSerializerExtension):
    """The schema says the truth: a birth date is not in every answer."""

    target_class = PersonalDataSerializerMixin
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        dropped = {n for n, f in self.target.fields.items() if isinstance(f, BirthDateField)}
        required = [r for r in schema.get("required", []) if r not in dropped]
        if required:
            schema["required"] = required
        else:
            schema.pop("required", None)
        return schema
