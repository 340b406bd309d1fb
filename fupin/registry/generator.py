"""Synthetic registry data shaped like Guangyuan in 2017 (DESIGN §6): households and members
with valid fake ID numbers on the real county codes, fake phones and bank accounts.

The generator writes rosters, not rows: it produces the spreadsheet rows of the person spec
and feeds them through the import pipeline, so generated data obey every rule that imported
data do. The same seed gives the same data (and re-running it changes nothing).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator

from stdnum.cn import ric

from fupin.areas.models import Area
from fupin.core.tabular import importer
from fupin.core.tabular.reader import Table

from .imports import persons_import

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
            "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
            "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("明国华建文军平志伟东海强晓光林小红英玉兰秀芳丽娟敏静霞燕萍春梅桂珍凤琴德永福贵荣"
         "成祥勇刚涛波超杰鹏辉磊俊峰宇浩天佳欣怡婷雪琳颖家兴全有才发良正清云芬兵")
INDUSTRIES = ("建筑", "制造", "餐饮", "家政", "物流", "种植", "养殖", "电子", "服装", "保安")

COLUMN_KEYS = [c.key for c in persons_import.columns]


def _id_number(rng: random.Random, county: str, birth: datetime.date, male: bool,
               used: set[str]) -> str:
    while True:
        seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
        body = f"{county}{birth:%Y%m%d}{seq:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in used:
            used.add(number)
            return number


def _birth(rng: random.Random, age: int, today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=age * 365 + rng.randrange(0, 365))


def _name(rng: random.Random, surname: str) -> str:
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def roster_rows(*, area: str, seed: int, households: int | None = None,
                persons: int | None = None,
                today: datetime.date = datetime.date(2017, 6, 30)) -> Iterator[list]:
    """Rows of the person spec (in its column order): `households` households, or households
    until `persons` people, spread over the villages under `area`. Ages are as of mid-2017,
    the year of the seed bulletin."""
    rng = random.Random(seed)
    villages = list(Area.objects.filter(code__startswith=area, level="village")
                    .order_by("code").values_list("code", flat=True))
    if not villages:
        raise ValueError(f"no villages under {area}")
    used: set[str] = set()
    numbers: dict[str, int] = {}
    made = 0
    h = -1
    while (households is None or h + 1 < households) and (persons is None or made < persons):
        h += 1
        village = villages[h % len(villages)] if h < len(villages) else rng.choice(villages)
        county = village[:6]
        surname = rng.choice(SURNAMES)
        head_age = rng.randint(28, 72)
        head_male = rng.random() < 0.85
        members = [("户主", head_age, head_male, surname)]
        if rng.random() < 0.8:
            members.append(("配偶", max(20, head_age + rng.randint(-5, 3)), not head_male,
                            rng.choice(SURNAMES)))
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            child_age = head_age - rng.randint(20, 32)
            if child_age >= 0:
                male = rng.random() < 0.5
                members.append(("之子" if male else "之女", child_age, male, surname))
        if head_age < 50 and rng.random() < 0.3:
            members.append(("之母", head_age + rng.randint(20, 30), False, rng.choice(SURNAMES)))
        year = rng.choice((2014, 2014, 2015, 2016))
        status = rng.choice(("01", "01", "02"))
        cause = rng.choice(("01", "02", "03", "07", "08", "09", "11"))
        kind = rng.choice(("01", "01", "02", "03"))
        numbers[village] = numbers.get(village, 0) + 1
        number = f"{village}{numbers[village]:04d}"
        head_id = None
        for relation, age, male, sname in members:
            if persons is not None and made >= persons:
                return
            made += 1
            birth = _birth(rng, age, today)
            ident = _id_number(rng, county, birth, male, used)
            head_id = head_id or ident
            yield _person_row(rng, village=village, number=number,
                              head_id=head_id, name=_name(rng, sname), ident=ident,
                              relation=relation, age=age, household=(year, kind, status, cause),
                              is_head=relation == "户主")


def _person_row(rng, *, village, number, head_id, name, ident, relation, age, household,
                is_head) -> list:
    from fupin.core import codes

    labels = {k: codes.labels(k) for k in ("education", "schooling", "health",
                                           "labour_capacity", "household_kind",
                                           "poverty_status", "poverty_cause", "work_place",
                                           "training_kind")}
    in_school = 6 <= age <= 18
    v: dict = {"area_code": village, "household_number": number, "head_id_number": head_id,
               "name": name, "id_number": ident, "relation": relation}
    v["education"] = labels["education"]["06" if age < 6 else rng.choice(
        ("01", "02", "02", "03", "03", "03", "04", "05"))]
    v["schooling"] = labels["schooling"][rng.choice(("03", "04", "05")) if in_school else "01"]
    v["health"] = labels["health"][rng.choice(("01",) * 7 + ("02", "03", "04"))]
    if age < 16 or age > 70:
        capacity = "05"
    else:
        capacity = rng.choice(("01", "01", "01", "02", "03", "04"))
    v["labour_capacity"] = labels["labour_capacity"][capacity]
    labourer = 16 <= age <= 60 and capacity in ("01", "02", "03") and not in_school
    if is_head:
        year, kind, status, cause = household
        v["identified_year"] = year
        v["household_kind"] = labels["household_kind"][kind]
        v["poverty_status"] = labels["poverty_status"][status]
        v["exit_year"] = 2017 if status == "02" else ""
        v["poverty_cause"] = labels["poverty_cause"][cause]
        v["bank_name"] = "四川省农村信用社"
        v["bank_account"] = "6217" + "".join(rng.choice("0123456789") for _ in range(15))
    if age >= 18:
        v["phone"] = "1" + rng.choice("3578") + "".join(
            rng.choice("0123456789") for _ in range(9))
    if labourer and rng.random() < 0.92:  # a few registrations left incomplete on purpose
        v["wants_training"] = rng.choice(("是", "否"))
        if v["wants_training"] == "是":
            v["training_wish"] = rng.choice(list(labels["training_kind"].values()))
        v["wants_work"] = rng.choice(("是", "是", "否"))
        if v["wants_work"] == "是":
            v["work_place_wish"] = rng.choice(list(labels["work_place"].values()))
            v["industry_wish"] = rng.choice(INDUSTRIES)
            v["expected_wage"] = rng.choice((2000, 2500, 3000, 3500, 4000, 5000))
    return [v.get(k, "") for k in COLUMN_KEYS]


def generate(*, actor, area: str, seed: int, households: int | None = None,
             persons: int | None = None, progress=None):
    """Generate and import; returns the import report."""
    header = [c.label for c in persons_import.columns]
    rows = [header, *roster_rows(area=area, households=households, persons=persons,
                                 seed=seed)]
    table = Table(rows=rows, sheet_name="generated", row_numbers=list(range(1, len(rows) + 1)))
    kwargs = {"progress": progress} if progress else {}
    return importer.commit(persons_import, table, actor=actor, **kwargs)
