"""The personal-data policy (DESIGN §1, core/personal.py), proved over everything a user can
read: every API viewset (list and detail), every Resource's export, every ImportSpec's export,
every list, detail and history page. Roles without a need for personal data see age, never a
birth date, and what they are shown (area, age, gender, masks) leaves many candidates for each
ID number, phone and bank account; staff see the staff masks and reveal one value, logged.

The world is built from the registered factories, so a module added later is walked too."""

from __future__ import annotations

import datetime
import io
import json
import re
from functools import cache

import pytest
from django.urls import NoReverseMatch, reverse
from python_calamine import CalamineWorkbook

from fupin.areas.models import Area
from fupin.core import crypto
from fupin.core.api import router
from fupin.core.models import AccessLog
from fupin.core.resources import all_resources
from fupin.core.tabular.export import write_spec_xlsx
from fupin.core.tabular.spec import all_specs
from fupin.core.testing.factories import factory_for
from fupin.core.testing.scoping import scoped_models
from fupin.registry import services
from fupin.registry.models import Person
from fupin.registry.tests.factories import make_person

MASKED_ROLES = ["leader", "inspector", "expert", "technician"]
# the roles whose every page, export and API answer are walked; the other masked roles read
# through the same Reader, which test_every_role_without_the_need_reads_masked holds
WALKED_MASKED_ROLES = ["leader", "technician"]
STAFF_ROLES = ["wangcang_county"]
# what "many candidates" means: an ID number among at least this many valid numbers, a phone
# or bank account among at least PHONE_MIN / ACCOUNT_MIN numbers
ID_MIN = 10_000
PHONE_MIN = ACCOUNT_MIN = 1_000


# --- ID numbers: how many valid numbers fit what a reader is shown --------------------------

def check_char(body17: str) -> str:
    c = (1 - 2 * int(body17, 13)) % 11  # GB 11643 (as python-stdnum computes it)
    return "X" if c == 10 else str(c)


def make_id(region: str, born: datetime.date, seq: int) -> str:
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + check_char(body)


def _fits(pattern: str, text: str) -> bool:
    return all(p == "*" or p == t for p, t in zip(pattern, text, strict=True))


def _birth_days(age: int, today: datetime.date):
    """Every birth day that gives this age (周岁) today."""
    def years_back(n):
        try:
            return today.replace(year=today.year - n)
        except ValueError:  # 29 February
            return today.replace(year=today.year - n, day=28)

    day = years_back(age + 1) + datetime.timedelta(days=1)
    last = years_back(age)
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


@cache
def id_candidates(pattern: str, age: int, male: bool, today: datetime.date,
                  cap: int = ID_MIN) -> int:
    """Valid, checksummed ID numbers that match the shown pattern (`*` hidden), the shown age
    and the shown gender; counting stops at `cap`."""
    regions = [pattern[:6]] if "*" not in pattern[:6] else None
    if regions is None:
        return cap  # the region hidden too: thousands of regions
    n = 0
    for day in _birth_days(age, today):
        ymd = f"{day:%Y%m%d}"
        if not _fits(pattern[6:14], ymd):
            continue
        for seq in range(1 if male else 0, 1000, 2):
            s = f"{seq:03d}"
            if not _fits(pattern[14:17], s):
                continue
            if _fits(pattern[17], check_char(regions[0] + ymd + s)):
                n += 1
                if n >= cap:
                    return n
    return n


def test_the_candidate_count_itself():
    today = datetime.date(2026, 12, 2)
    ident = make_id("510821", datetime.date(1989, 4, 13), 104)
    age = 37
    staff = ident[:6] + "*" * 8 + ident[-4:]
    assert id_candidates(ident, age, False, today) == 1
    assert 20 <= id_candidates(staff, age, False, today, cap=10**6) <= 50  # ~366 / 11
    assert id_candidates(ident[:6] + "*" * 12, age, False, today, cap=10**6) == 365 * 500


# --- the world ------------------------------------------------------------------------------

@pytest.fixture
def world(demo_users):
    """A Wangcang village (inside the leader's, the technician's and the county officer's
    scopes) with a household whose head's ID number was corrected once, a spouse, and one
    record of every registered factory, the head's own enrolment, employment, venture and
    placement among them."""
    staff = demo_users["wangcang_county"]
    village = Area.objects.filter(parent_id=demo_users["technician"].scope_code) \
        .order_by("code").first().code
    head = make_person(area_code=village, name="王秀英", relation="01",
                       id_number=make_id("510821", datetime.date(1988, 4, 13), 104),
                       phone="13812345678", bank_account="6217003810012345678")
    head = services.person_update(
        actor=staff, person=head, data={"skills": "刺绣"}, expected_version=1,
        protected={"id_number": make_id("510821", datetime.date(1989, 4, 13), 104),
                   "phone": "13987654321", "bank_account": "6228480402564890018"})
    make_person(household=head.household, name="李国强", relation="02",
                id_number=make_id("510821", datetime.date(1987, 10, 2), 337),
                phone="13700001111", bank_account="6217003810098765432")
    for model in scoped_models():
        factory = factory_for(model)
        if factory is not None:
            factory(area_code=village)
    from fupin.employment.models import Employment, Placement, Venture
    from fupin.training.models import Enrolment

    for model in (Enrolment, Employment, Venture, Placement):
        factory_for(model)(area_code=village, person=head)
    return {"village": village, "head": Person.objects.get(pk=head.pk)}


def _secrets(village: str) -> dict:
    """Every clear value and birth date any person of the village ever had, by person."""
    out = {}
    for person in Person.objects.filter(area_code=village):
        values = {"id_number": set(), "phone": set(), "bank_account": set(), "birth": set()}
        for rec in person.history.all():
            for f in ("id_number", "phone", "bank_account"):
                clear = crypto.decrypt(getattr(rec, f"{f}_enc"))
                if clear:
                    values[f].add(clear)
            values["birth"].add(rec.birth_date)
        out[person.pk] = (person, values)
    return out


def _date_forms(d: datetime.date) -> list[str]:
    return [f"{d:%Y-%m-%d}", f"{d:%Y/%m/%d}", f"{d:%Y.%m.%d}", f"{d:%Y%m%d}",
            f"{d.year}-{d.month}-{d.day}", f"{d.year}/{d.month}/{d.day}",
            f"{d.year}年{d.month}月{d.day}日", f"{d:%Y年%m月%d日}"]


# --- what a user can read -------------------------------------------------------------------

def _xlsx_text(content: bytes) -> str:
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    return "\n".join("\t".join(str(c) for c in row) for row in rows)


def readable(client, user, village: str) -> dict[str, str]:
    """{where: text} for everything the signed-in user can read about the village."""
    out = {}
    for prefix, viewset, basename in router.registry:  # every API serializer
        body = client.get(reverse(f"api:{basename}-list"), {"area": village})
        assert body.status_code == 200, (prefix, body.status_code)
        data = body.json()
        out[f"api {prefix} list"] = json.dumps(data, ensure_ascii=False)
        if not hasattr(viewset, "retrieve"):  # a list-only answer (the day's working list)
            continue
        for row in data["results"] if isinstance(data, dict) else data:
            key = "id" if "id" in row else viewset.queryset.model._meta.pk.name
            detail = client.get(reverse(f"api:{basename}-detail", args=[row[key]]))
            assert detail.status_code == 200, (prefix, row[key])
            out[f"api {prefix} {row[key]}"] = json.dumps(detail.json(), ensure_ascii=False)
    for resource in all_resources():
        resp = client.get(reverse(resource.url_name("export")), {"area": village})
        assert resp.status_code == 200, resource
        out[f"export {resource.model_name}"] = _xlsx_text(b"".join(resp.streaming_content))
        listing = client.get(reverse(resource.url_name("list")), {"area": village})
        out[f"list {resource.model_name}"] = listing.content.decode()
        qs = resource.queryset(user).filter(**{f"{resource.model.scope_field}__startswith":
                                                   village})
        for pk in qs.values_list("pk", flat=True):
            for action in ("detail", "history"):
                try:
                    url = reverse(resource.url_name(action), args=[pk])
                except NoReverseMatch:
                    continue
                page = client.get(url)
                assert page.status_code == 200, url
                out[f"{action} {resource.model_name} {pk}"] = page.content.decode()
    for spec in all_specs():  # the spec's own export, as the export page writes it
        qs = spec.model.objects.visible_to(user).active().filter(
            **{f"{spec.model.scope_field}__startswith": village})
        buf = io.BytesIO()
        write_spec_xlsx(buf, spec=spec, queryset=spec.export_ordering(qs),
                        reveal=spec.can_reveal(user))
        out[f"spec export {spec.name}"] = _xlsx_text(buf.getvalue())
    return out


ID_TOKEN = re.compile(r"(?<![0-9Xx*])[0-9*]{17}[0-9Xx*](?![0-9Xx*])")
PHONE_TOKEN = re.compile(r"(?<![0-9*])1[0-9*]{10}(?![0-9*])")
ACCOUNT_TOKEN = re.compile(r"(?<![0-9*])[0-9*]{16,19}(?![0-9*])")


def _owners(token: str, values: set[str]) -> bool:
    return any(len(v) == len(token) and _fits(token, v) for v in values)


def assert_nothing_rebuilds(texts: dict[str, str], secrets: dict) -> int:
    """Masked readers: no clear value, no birth date in any form, and every shown ID number,
    phone and bank account leaves many candidates. Returns how many masks were checked."""
    today = datetime.date.today()
    checked = 0
    for where, text in texts.items():
        for _pk, (person, values) in secrets.items():
            for f in ("id_number", "phone", "bank_account"):
                for clear in values[f]:
                    assert clear not in text, f"{where}: the full {f} of {person.name}"
            for born in values["birth"]:
                for form in _date_forms(born):
                    assert form not in text, f"{where}: {person.name}'s birth date ({form})"
            male = person.gender == "M"
            for token in ID_TOKEN.findall(text):
                if _owners(token.upper(), values["id_number"]):
                    n = id_candidates(token.upper(), person.age, male, today)
                    assert n >= ID_MIN, \
                        f"{where}: {token} with age {person.age} leaves {n} ID numbers"
                    checked += 1
            for token in PHONE_TOKEN.findall(text):
                if _owners(token, values["phone"]):
                    # worst case: the 7-digit block follows from the area
                    n = 10 ** token[7:].count("*")
                    assert n >= PHONE_MIN, f"{where}: phone {token} leaves {n} numbers"
                    checked += 1
            for token in ACCOUNT_TOKEN.findall(text):
                if _owners(token, values["bank_account"]):
                    # worst case: bank prefix and branch (10 digits) known; Luhn check
                    n = 10 ** max(token[10:].count("*") - 1, 0)
                    assert n >= ACCOUNT_MIN, f"{where}: account {token} leaves {n} numbers"
                    checked += 1
    return checked


def staff_mask_id(v):
    return v[:6] + "*" * 8 + v[-4:]


def test_every_role_without_the_need_reads_masked(demo_users):
    from fupin.core.personal import Reader, can_see_personal, reader_for

    for role in MASKED_ROLES:
        user = demo_users[role]
        assert not can_see_personal(user) and reader_for(user) is Reader.MASKED, role
    for role in STAFF_ROLES:
        assert reader_for(demo_users[role]) is Reader.STAFF, role


@pytest.mark.parametrize("role", WALKED_MASKED_ROLES + STAFF_ROLES)
def test_no_reader_can_rebuild_a_number(role, world, demo_users, client):
    user = demo_users[role]
    client.force_login(user)
    head = world["head"]
    ident, phone = head.reveal("id_number"), head.reveal("phone")
    secrets = _secrets(world["village"])
    logged = AccessLog.objects.filter(action="export").count()
    texts = readable(client, user, world["village"])
    assert AccessLog.objects.filter(action="export").count() - logged == len(all_resources())
    api = client.get(reverse("api:person-detail", args=[head.pk])).json()
    person_page = texts[f"detail person {head.pk}"]
    history_page = texts[f"history person {head.pk}"]
    assert "刺绣" in history_page  # the history shows the change itself
    if role in MASKED_ROLES:
        checked = assert_nothing_rebuilds(texts, secrets)
        assert checked >= 10  # masks were shown and checked, not skipped
        assert "birth_date" not in api and api["age"] == head.age
        assert f"{head.age}岁" in person_page
        # no reveal for them, and nothing logged
        reveals = AccessLog.objects.filter(action="reveal").count()
        assert client.post(f"/registry/persons/{head.pk}/reveal/id_number/").status_code == 404
        assert client.post(f"/api/v1/persons/{head.pk}/reveal/", {"field": "phone"},
                           content_type="application/json").status_code == 403
        assert AccessLog.objects.filter(action="reveal").count() == reveals
        assert all(log.detail.startswith("脱敏") for log in
                   AccessLog.objects.filter(action="export", actor=user)
                   if log.model == "registry.Person")
    else:
        assert api["birth_date"] == f"{head.birth_date:%Y-%m-%d}" and api["age"] == head.age
        assert api["id_number_masked"] == staff_mask_id(ident)
        assert api["phone_masked"] == phone[:3] + "****" + phone[-4:]
        assert staff_mask_id(ident) in person_page and f"{head.birth_date:%Y-%m-%d}" in person_page
        assert staff_mask_id(ident) in history_page
        for where, text in texts.items():  # pages and API show masks, exports are clear
            if not where.startswith(("export", "spec export")):
                assert ident not in text and phone not in text, where
        assert ident in texts["export person"]
        revealed = client.post(f"/registry/persons/{head.pk}/reveal/id_number/")
        assert ident in revealed.content.decode()
        assert client.post(f"/api/v1/persons/{head.pk}/reveal/", {"field": "phone"},
                           content_type="application/json").json() == {"value": phone}
        assert AccessLog.objects.filter(action="reveal", actor=user).count() == 2


@pytest.mark.parametrize("role, found", [*((r, False) for r in MASKED_ROLES),
                                         ("wangcang_county", True)])
def test_a_search_by_number_is_no_oracle(role, found, world, demo_users, client):
    head = world["head"]
    client.force_login(demo_users[role])
    for q in (head.reveal("id_number"), head.reveal("phone")):
        rows = client.get("/api/v1/persons/", {"q": q}).json()["results"]
        assert ([r["id"] for r in rows] == [head.pk]) is found, q
        html = client.get("/registry/persons/", {"q": q}).content.decode()
        assert (f"/registry/persons/{head.pk}/" in html) is found, q
    assert head.pk in [r["id"] for r in client.get("/api/v1/persons/", {"q": "王秀英"})
                       .json()["results"]]


def test_the_schema_says_the_birth_date_is_not_always_there(client, demo_users):
    client.force_login(demo_users["admin"])
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    person = schema["components"]["schemas"]["Person"]
    assert "birth_date" in person["properties"] and "age" in person["properties"]
    assert "birth_date" not in person.get("required", []) and "age" in person["required"]


@pytest.mark.parametrize("kind, clear, staff, masked", [
    ("id_number", "51082119890413104X", "510821********104X", "510821************"),
    ("phone", "13812345678", "138****5678", "138********"),
    ("phone", "8123456", "*****56", "*******"),  # a short number: nothing of it
    ("bank_account", "6217003810012345678", "6217***********5678", "6217***************"),
    ("id_number", "", "", ""),
])
def test_masks_per_reader(kind, clear, staff, masked):
    from fupin.core import personal

    stored = personal.stored_mask(kind, clear)
    assert stored == staff
    assert personal.shown(kind, stored, personal.Reader.STAFF) == staff
    assert personal.shown(kind, stored, personal.Reader.MASKED) == masked


def test_a_column_without_a_reader_fails_closed(world, demo_users):
    from fupin.core.resources import Column

    head = world["head"]
    ident = head.reveal("id_number")
    assert Column("id_number_masked").value(head) == ident[:6] + "*" * 12
    assert Column("birth_date").value(head) == ""
    assert Column("id_number_hash").value(head, demo_users["admin"]) == ""
    assert Column("id_number_masked").value(head, demo_users["admin"]) == staff_mask_id(ident)
    assert Column("birth_date").value(head, demo_users["admin"]) == head.birth_date
