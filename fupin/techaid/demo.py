"""Technology aid in the demo (issue 11 item 8, DESIGN §5–§6): Wangcang's "三有" of 2017 made
from records, at the seed's figures — 36 experts in the 4 industry groups, 97 poor villages
each with a mission, 2,890 prescriptions covering every poor village's main industries, 600+
technicians paired with the county's ~17,000 poor households, 2,200+ consultations over the
year (most answered within the time limit, most solved, some not, some on site, rated; the
last few of December waiting for the demo expert's answer, so that the expert's queue has
records), their threads, and the technicians' service visits with the measures' results.
Numbers are the services' (consultations.number, prescriptions.number_prefix): a consultation
or prescription made after the demo takes the next.

Every figure of the pages is computed from these records; nothing is typed. The counts that
follow the households (household industries, technicians, pairings, consultations, visits)
scale with `--scale` as the registry's households do (17,000 at 1; 340 in the tests' 0.02);
the county's experts, groups and poor villages do not (they are the county's, not its
households'), and the prescriptions are 2,890 × scale but never fewer than one per poor
village's main industry (full coverage at any scale).

Deterministic (seeded) and idempotent: a county that already has experts is left alone.
Records are written in bulk with their history (core.stamps, which also stamps the villages'
figures stale); the workflows' steps (consultations, prescriptions) are written as their
domain events, as followups/demo.py does."""

from __future__ import annotations

import datetime
import json
import math
import random
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core import crypto, personal, stamps
from fupin.core.models import DomainEvent
from fupin.core.roles import Role
from fupin.core.stamps import bulk_create_records, bulk_update_records
from fupin.registry.models import Household

from . import consultations as consultation_numbers
from . import prescriptions as rx_numbers
from .models import (
    Adoption,
    Consultation,
    Expert,
    ExpertGroup,
    GroupMember,
    HouseholdIndustry,
    Industry,
    Measure,
    MeasureResult,
    Message,
    Mission,
    MissionMember,
    OnsiteVisit,
    Pairing,
    Prescription,
    ServiceVisit,
    Technician,
    Title,
    Urgency,
)

YEAR = 2017
COUNTY = "510821"  # 旺苍县
SEED = 2017_11
CHUNK = 2000
EXPERTS_PER_GROUP = 9  # 4 groups × 9 = 36
POOR_VILLAGES = 97
PRESCRIPTIONS = 2890
CONSULTATIONS = 2260  # "2,200+" at scale 1
LOAD = 27  # households a technician serves on average (the limit is 30)
VILLAGE_WORKER = "wangcang_village"
LIMIT_HOURS = {Urgency.NORMAL: 24, Urgency.URGENT: 12, Urgency.CRITICAL: 4}
S = Consultation.Status

# the seed's four industries with their groups, and a few more households live on
INDUSTRIES = [("茶叶", "种植", 10), ("核桃", "种植", 20), ("绿色生态畜禽", "养殖", 30),
              ("道地中药材", "种植", 40), ("食用菌", "种植", 50), ("高山蔬菜", "种植", 60),
              ("猕猴桃", "种植", 70)]
GROUPS = {"茶叶": "茶叶产业专家服务组", "核桃": "核桃丰产专家服务组",
          "绿色生态畜禽": "绿色生态畜禽专家服务组", "道地中药材": "道地中药材专家服务组"}
MAIN = list(GROUPS)
# how often a village lives on each main industry (Wangcang: 米仓山茶, walnuts on the
# slopes, pigs and free-range chickens nearly everywhere, 天麻 / 川明参 / 杜仲 in the hills)
VILLAGE_ODDS = {"茶叶": 0.55, "核桃": 0.5, "绿色生态畜禽": 0.75, "道地中药材": 0.4}
SIDE = ["食用菌", "高山蔬菜", "猕猴桃"]

def _texts() -> dict:
    """The demo's texts (data/demo_texts.json): institutions and specialities per industry,
    names, the prescriptions per industry — (problems, diagnosis, (first month, last month),
    measures as (name, timing, inputs and amounts, expected effect)) — the general measures
    any prescription of the industry may add, the consultations per industry — (title, what
    is seen, diagnosis, advice) — and the notes and effects of threads and visits."""
    from importlib.resources import files

    return json.loads(files("fupin.techaid").joinpath("data/demo_texts.json")
                      .read_text("utf-8"))


_T = _texts()
# (institution, research institute?) per industry; the first ones are the chiefs'
INSTITUTIONS = {k: [tuple(i) for i in v] for k, v in _T["institutions"].items()}
SPECIALITIES = _T["specialities"]
SURNAMES, GIVEN = _T["surnames"], _T["given"]
RX = {k: [(p, d, tuple(m), [tuple(x) for x in ms]) for p, d, m, ms in v]
      for k, v in _T["prescriptions"].items()}
GENERAL = {k: [tuple(x) for x in v] for k, v in _T["general_measures"].items()}
ASK = {k: [tuple(x) for x in v] for k, v in _T["consultations"].items()}
RAISE_NOTES = _T["raise_notes"]
CLOSE_NOTES = {S.SOLVED: _T["close_notes"]["solved"],
               S.UNSOLVED: _T["close_notes"]["unsolved"]}
VISIT_NOTES = _T["visit_notes"]
EFFECTS = _T["effects"]
# share of consultations per month (seasons of the field and the pens)
MONTHS = [3, 4, 9, 12, 13, 12, 11, 10, 9, 7, 5, 5]
URGENCY = [(Urgency.NORMAL, 75), (Urgency.URGENT, 20), (Urgency.CRITICAL, 5)]
# the year's last consultations still waiting for the demo expert's answer (× scale, at least 3)
HELD, HELD_INDUSTRY = 12, "茶叶"
HELD_URGENCY = [Urgency.CRITICAL, Urgency.URGENT, Urgency.NORMAL, Urgency.NORMAL]


def _tz():
    return timezone.get_current_timezone()


def _at(day: datetime.date, hour: float) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=_tz()) + \
        datetime.timedelta(hours=hour)


def _day_in(rng, year: int, months: tuple[int, int]) -> datetime.date:
    first = datetime.date(year, months[0], 1)
    last = datetime.date(year + (months[1] == 12), months[1] % 12 + 1, 1) - \
        datetime.timedelta(days=1)
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng) -> dict:
    phone = rng.choice(["139", "138", "158", "188", "135", "183"]) + \
        f"{rng.randrange(10**8):08d}"
    return {"phone_enc": crypto.encrypt(phone), "phone_hash": crypto.blind_index(phone),
            "phone_masked": personal.stored_mask(personal.PHONE, phone)}


def _bulk(objs: list, model, actor) -> list:
    for start in range(0, len(objs), CHUNK):
        bulk_create_records(objs[start:start + CHUNK], model, batch_size=500,
                            default_user=actor)
    return objs


def _weighted(rng, pairs):
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


class _Demo:
    def __init__(self, *, actor, county: str, scale: float, seed: int, year: int):
        self.actor, self.county, self.scale, self.year = actor, county, scale, year
        self.rng = random.Random(seed)
        self.events: list = []  # (obj, area, actor, at, transition, source, target, reason)
        self.users = {u.username: u for u in get_user_model().objects.filter(
            username__in=["expert", "technician", "wangcang_county", VILLAGE_WORKER])}

    # --- the county's people -------------------------------------------------------------
    def industries(self) -> dict[str, Industry]:
        out = {}
        for name, kind, order in INDUSTRIES:
            industry = Industry.objects.filter(name=name).first()
            if industry is None:
                industry = Industry(name=name, kind=kind, order=order)
                bulk_create_records([industry], Industry, default_user=self.actor)
            out[name] = industry
        return out

    def experts(self, industries) -> dict[str, list[Expert]]:
        rng = self.rng
        by_industry: dict[str, list[Expert]] = {}
        for name in MAIN:
            experts = []
            for i in range(EXPERTS_PER_GROUP):
                institution, research = INSTITUTIONS[name][0 if i == 0 else
                                                           rng.randrange(len(INSTITUTIONS[name]))]
                title = Title.SENIOR if i == 0 else _weighted(rng, [
                    (Title.SENIOR, 3), (Title.VICE_SENIOR, 4), (Title.MIDDLE, 3)])
                experts.append(Expert(
                    area_code=self.county, name=_name(rng), institution=institution,
                    research_institute=research, title=title,
                    specialities="、".join(rng.sample(SPECIALITIES[name], 2)), **_phone(rng)))
            by_industry[name] = experts
        everyone = [e for group in by_industry.values() for e in group]
        # the demo expert answers as the tea group's chief
        chief = by_industry["茶叶"][0]
        chief.user = self.users.get("expert")
        _bulk(everyone, Expert, self.actor)
        through = Expert.industries.through
        through.objects.bulk_create([through(expert_id=e.pk, industry_id=industries[n].pk)
                                     for n, group in by_industry.items() for e in group])
        return by_industry

    def groups(self, industries, experts) -> dict[str, ExpertGroup]:
        groups = {n: ExpertGroup(area_code=self.county, name=GROUPS[n], industry=industries[n],
                                 chief=experts[n][0]) for n in MAIN}
        _bulk(list(groups.values()), ExpertGroup, self.actor)
        members = [GroupMember(group=groups[n], expert=e,
                               joined_on=datetime.date(self.year - 1, 3, 1))
                   for n in MAIN for e in experts[n]]
        _bulk(members, GroupMember, self.actor)
        return groups

    def poor_villages(self) -> list[str]:
        villages = Area.objects.filter(code__startswith=self.county, level="village")
        poor = list(villages.filter(poor_village=True).order_by("code")
                    .values_list("code", flat=True))
        if poor:  # already marked (the catalog's pages or an import): kept as they are
            return poor
        codes = sorted(villages.values_list("code", flat=True))
        chosen = set(self.rng.sample(codes, min(POOR_VILLAGES, len(codes))))
        exits = [2017] * 30 + [2018] * 38 + [2019] * 29
        objs = list(villages.filter(code__in=chosen).order_by("code"))
        for i, area in enumerate(objs):
            area.poor_village, area.poor_identified_year = True, 2014
            area.poor_exit_year = exits[i % len(exits)]
        bulk_update_records(objs, Area, ["poor_village", "poor_identified_year",
                                         "poor_exit_year"], batch_size=500,
                            default_user=self.actor)
        stamps.touch(chosen)  # areas are not scoped records: their figures are told here
        return sorted(chosen)

    # --- households' industries, technicians, pairings ------------------------------------
    def household_industries(self, industries) -> dict[int, tuple[str, list[str]]]:
        """{household pk: (village, its main industries)}, written as HouseholdIndustry."""
        rng = self.rng
        households = list(Household.objects.filter(
            area_code__startswith=self.county, retired_at__isnull=True).order_by("pk")
            .values_list("pk", "area_code"))
        village_sets: dict[str, list[str]] = {}
        out, rows = {}, []
        for pk, village in households:
            if village not in village_sets:
                chosen = [n for n in MAIN if rng.random() < VILLAGE_ODDS[n]]
                while len(chosen) < 2:
                    chosen = sorted(set(chosen) | {rng.choice(MAIN)}, key=MAIN.index)
                village_sets[village] = chosen
            own = village_sets[village]
            mains = [rng.choice(own)]
            if len(own) > 1 and rng.random() < 0.3:
                mains.append(rng.choice([n for n in own if n != mains[0]]))
            out[pk] = (village, mains)
            for name in mains:
                rows.append(HouseholdIndustry(household_id=pk, industry=industries[name],
                                              area_code=village, main=True,
                                              scale=self._scale_text(name)))
            if rng.random() < 0.2:
                side = rng.choice(SIDE)
                rows.append(HouseholdIndustry(household_id=pk, industry=industries[side],
                                              area_code=village, main=False,
                                              scale=f"{side} {rng.randint(1, 5)} 亩"))
        _bulk(rows, HouseholdIndustry, self.actor)
        return out

    def _scale_text(self, name: str) -> str:
        rng = self.rng
        if name == "茶叶":
            return f"茶园 {rng.randint(2, 12)} 亩"
        if name == "核桃":
            return f"核桃 {rng.randint(3, 20)} 亩"
        if name == "绿色生态畜禽":
            return rng.choice([f"生猪 {rng.randint(3, 30)} 头", f"土鸡 {rng.randint(50, 500)} 只",
                               f"山羊 {rng.randint(5, 40)} 只"])
        return f"{rng.choice(['天麻', '川明参', '杜仲', '白芨', '厚朴'])} {rng.randint(1, 8)} 亩"

    def technicians(self, industries, households) -> dict[str, list[Technician]]:
        """One technician per LOAD households of a township (at least one), of the township's
        industries; the demo technician answers as the first of their township."""
        rng = self.rng
        per_township: dict[str, list[int]] = defaultdict(list)
        for pk, (village, _mains) in households.items():
            per_township[village[:9]].append(pk)
        names = dict(Area.objects.filter(code__in=list(per_township)).values_list("code",
                                                                                 "name"))
        out: dict[str, list[Technician]] = {}
        for township in sorted(per_township):
            count = max(1, math.ceil(len(per_township[township]) / LOAD))
            out[township] = [Technician(
                area_code=township, name=_name(rng),
                organisation=f"{names.get(township, township)}农业服务中心", **_phone(rng))
                for _ in range(count)]
        own = self.users.get("technician")
        if own is not None and own.scope_code in out:
            out[own.scope_code][0].user = own
        everyone = [t for ts in out.values() for t in ts]
        _bulk(everyone, Technician, self.actor)
        self.technician_industries: dict[int, set[str]] = {t.pk: set() for t in everyone}
        return out

    def pairings(self, industries, households, technicians) -> list[Pairing]:
        """Each household with its first main industry's technician in the township: one
        who serves the industry and has room, the least loaded (DESIGN §5: 1+n, ≤ 30)."""
        rng = self.rng
        load: dict[int, int] = defaultdict(int)
        in_township: dict[str, int] = defaultdict(int)
        for village, _mains in households.values():
            in_township[village[:9]] += 1
        rows = []
        for pk in sorted(households):
            village, mains = households[pk]
            industry = mains[0]
            pool = technicians[village[:9]]
            # balanced: nobody above the township's even share while another has room
            share = math.ceil(in_township[village[:9]] / len(pool))
            room = [t for t in pool if load[t.pk] < share]
            serving = [t for t in room if industry in self.technician_industries[t.pk]]
            technician = min(serving or room or pool, key=lambda t: (load[t.pk], t.pk))
            self.technician_industries[technician.pk].add(industry)
            load[technician.pk] += 1
            started = datetime.date(self.year, 3, 1) + datetime.timedelta(
                days=rng.randrange(60))
            rows.append(Pairing(technician=technician, household_id=pk, area_code=village,
                                industry=industries[industry], started_on=started,
                                note="同乡镇、同产业就近结对"))
        _bulk(rows, Pairing, self.actor)
        through = Technician.industries.through
        through.objects.bulk_create([through(technician_id=t, industry_id=industries[n].pk)
                                     for t, names in self.technician_industries.items()
                                     for n in sorted(names)])
        return rows

    # --- missions and prescriptions ---------------------------------------------------------
    def missions(self, poor, experts, technicians, households) -> dict[str, Mission]:
        rng = self.rng
        names = dict(Area.objects.filter(code__in=poor).values_list("code", "name"))
        mains: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for village, ms in households.values():
            for m in ms:
                mains[village][m] += 1
        leaders = {n: [e for e in experts[n] if e.research_institute] for n in MAIN}
        turn: dict[str, int] = defaultdict(int)
        out, members = {}, []
        for village in poor:
            counts = mains.get(village) or {MAIN[int(village) % 4]: 1}
            top = max(counts, key=lambda n: (counts[n], -MAIN.index(n)))
            pool = leaders[top]
            leader = pool[turn[top] % len(pool)]
            turn[top] += 1
            formed = datetime.date(self.year, 2, 20) + datetime.timedelta(days=rng.randrange(40))
            out[village] = Mission(area_code=village, leader=leader, formed_on=formed,
                                   name=f"{names.get(village, village)}科技扶贫特派团")
        _bulk(list(out.values()), Mission, self.actor)
        for village, mission in out.items():
            pool = technicians.get(village[:9], [])
            wanted = sorted(mains.get(village) or {})
            chosen = []
            for industry in wanted:
                fit = [t for t in pool if industry in self.technician_industries.get(t.pk, ())
                       and t not in chosen]
                if fit:
                    chosen.append(fit[0])
                    members.append(MissionMember(mission=mission, technician=fit[0],
                                                 industry_id=self._industry_ids[industry],
                                                 joined_on=mission.formed_on))
            if not chosen and pool:
                members.append(MissionMember(mission=mission, technician=rng.choice(pool),
                                             joined_on=mission.formed_on))
        _bulk(members, MissionMember, self.actor)
        return out

    def prescriptions(self, industries, missions, households) -> dict:
        """Every (poor village, main industry) pair gets at least one issued prescription;
        PRESCRIPTIONS × scale in all, spread over the pairs, each for one problem of the
        season with its 3–6 measures. Returns {(village, industry): [measures]}."""
        rng = self.rng
        mains: dict[str, set[str]] = defaultdict(set)
        for village, ms in households.values():
            mains[village].update(ms)
        pairs = [(v, n) for v in sorted(missions) for n in MAIN if n in mains.get(v, ())]
        total = max(len(pairs), round(PRESCRIPTIONS * self.scale))
        counts = {p: total // len(pairs) for p in pairs} if pairs else {}
        for p in rng.sample(pairs, total - sum(counts.values())) if pairs else []:
            counts[p] += 1
        county_officer = self.users.get("wangcang_county")
        rows, measures_of = [], []
        for village, name in pairs:
            mission = missions[village]
            templates = RX[name][:]
            rng.shuffle(templates)
            # the service's numbers (CF-<village>-<industry>-<year>-NN), in order of issue,
            # so that one drafted later takes the next
            prefix = rx_numbers.number_prefix(area_code=village, industry=industries[name],
                                              year=self.year)
            drafts = []
            for k in range(counts[(village, name)]):
                problems, diagnosis, months, measures = templates[k % len(templates)]
                issued = _day_in(rng, self.year, months)
                drafts.append((max(issued, mission.formed_on), k, problems, diagnosis,
                               measures))
            drafts.sort(key=lambda d: (d[0], d[1]))
            for seq, (issued, _k, problems, diagnosis, measures) in enumerate(drafts, start=1):
                rx = Prescription(number=rx_numbers.number(prefix, seq),
                                  mission=mission, area_code=village,
                                  industry=industries[name], year=self.year,
                                  problems=problems, diagnosis=diagnosis,
                                  status=Prescription.Status.ISSUED, issued_on=issued,
                                  signed_by=mission.leader)
                extra = rng.sample(GENERAL[name], rng.randint(max(0, 3 - len(measures)),
                                                              min(3, 6 - len(measures))))
                rows.append(rx)
                measures_of.append(measures + extra)
                leader_user = mission.leader.user
                self.events.append((rx, village, leader_user or county_officer,
                                    _at(issued, 10), "issue", "draft", "issued", ""))
        _bulk(rows, Prescription, self.actor)
        measures, by_pair = [], defaultdict(list)
        for rx, items in zip(rows, measures_of, strict=True):
            for order, (mname, timing, inputs, effect) in enumerate(items, start=1):
                m = Measure(prescription=rx, order=order, name=mname, timing=timing,
                            inputs=inputs, expected_effect=effect)
                measures.append(m)
                by_pair[(rx.area_code, rx.industry_id)].append((rx.issued_on, m))
        _bulk(measures, Measure, self.actor)
        return by_pair

    # --- consultations ----------------------------------------------------------------------
    def consultations(self, industries, groups, experts, households, technicians) -> list:
        rng = self.rng
        total = max(1, round(CONSULTATIONS * self.scale))
        county_officer = self.users.get("wangcang_county")
        worker = self.users.get(VILLAGE_WORKER)
        tech_user = self.users.get("technician")
        paired = {p.household_id: p.technician for p in self._pairings}
        keys = sorted(households)
        if not keys:  # no households: nobody to raise a problem
            return []
        end = datetime.date(self.year, 12, 31)
        rows, messages, visits = [], [], []
        per_month = [round(total * w / sum(MONTHS)) for w in MONTHS]
        per_month[4] += total - sum(per_month)  # May takes the rounding
        # the year's last few of the tea households wait for the demo expert's answer (the
        # tea group's chief): the expert's queue and workbench cards have records at any scale
        chief = groups[HELD_INDUSTRY].chief if HELD_INDUSTRY in groups else None
        tea_keys = [k for k in keys if HELD_INDUSTRY in households[k][1]]
        held = min(total, max(3, round(HELD * self.scale))) \
            if chief is not None and chief.user_id and tea_keys else 0
        n = 0
        for month, count in enumerate(per_month, start=1):
            for _ in range(count):
                n += 1
                hold = n > total - held
                pk = rng.choice(tea_keys if hold else keys)
                village, mains = households[pk]
                name = HELD_INDUSTRY if hold else rng.choice(mains)
                title, seen, diagnosis, advice = rng.choice(ASK[name])
                day = end - datetime.timedelta(days=rng.randrange(10)) if hold else \
                    _day_in(rng, self.year, (month, month))
                raised = _at(day, rng.uniform(7, 20))
                # held: 特急, 紧急, then 普通 ones (each of the expert's cards counts some)
                urgency = HELD_URGENCY[(n - 1 - (total - held)) % len(HELD_URGENCY)] if hold \
                    else _weighted(rng, URGENCY)
                limit = LIMIT_HOURS[urgency]
                raiser = (worker if worker is not None and village == worker.scope_code else
                          tech_user if tech_user is not None
                          and village.startswith(tech_user.scope_code) else county_officer)
                group = groups[name]
                expert = chief if hold else rng.choice(experts[name])
                f = {"number": "", "area_code": village,
                     "household_id": pk, "industry": industries[name], "title": title,
                     "description": seen, "urgency": urgency, "raised_at": raised,
                     "raised_by": raiser,
                     "answer_due_at": raised + datetime.timedelta(hours=limit),
                     "solve_due_at": raised + datetime.timedelta(days=7),
                     "status": S.PENDING}
                events: list = []
                steps = self._run(f, events, group=group, expert=expert, limit=limit, end=end,
                                  diagnosis=diagnosis, advice=advice, raiser=raiser,
                                  officer=county_officer, hold=hold)
                # the status is the workflow's (a protected field): set once, when made
                c = Consultation(**f)
                self.events.extend((c, *event) for event in events)
                rows.append(c)
                if raiser is not None and rng.random() < 0.4:
                    messages.append(Message(consultation=c, author=raiser,
                                            text=rng.choice(RAISE_NOTES),
                                            posted_at=raised + datetime.timedelta(minutes=5)))
                if c.first_answer_at and expert.user is not None:
                    messages.append(Message(consultation=c, author=expert.user,
                                            text=f"{diagnosis}。建议：{advice}",
                                            posted_at=c.first_answer_at))
                if c.closed_at and raiser is not None and rng.random() < 0.5:
                    messages.append(Message(consultation=c, author=raiser,
                                            text=rng.choice(CLOSE_NOTES[c.status]),
                                            posted_at=c.closed_at))
                if steps.get("onsite"):
                    planned, done = steps["onsite"]
                    on_expert = rng.random() < 0.5 or pk not in paired
                    visits.append(OnsiteVisit(
                        consultation=c, area_code=village, planned_on=planned,
                        expert=expert if on_expert else None,
                        technician=None if on_expert else paired[pk],
                        status=OnsiteVisit.Status.DONE if done else OnsiteVisit.Status.PLANNED,
                        done_on=done, findings="现场查看，按诊断意见指导处理" if done else ""))
        # the service's numbers (HZ<year>-nnnnnn), after any the year has already, in the
        # order raised (the days within a month are drawn at random): one raised later
        # through the service takes the next
        first = consultation_numbers.last_seq(self.year)
        order = sorted(range(len(rows)), key=lambda i: (rows[i].raised_at, i))
        for seq, i in enumerate(order, start=1):
            rows[i].number = consultation_numbers.number(self.year, first + seq)
        _bulk(rows, Consultation, self.actor)
        _bulk(messages, Message, self.actor)
        _bulk(visits, OnsiteVisit, self.actor)
        return rows

    def _run(self, c: dict, events: list, *, group, expert, limit, end, diagnosis, advice,
             raiser, officer, hold=False) -> dict:
        """The consultation's steps (its fields in `c`, its workflow events in `events`):
        routed within the hour or two, answered mostly well within the limit (a median near
        a third of it; about one in fifteen late), then solved (most), not solved (some) or
        on site first; the last days' ones still open. `hold`: routed to the expert and
        waiting for the answer."""
        rng = self.rng
        horizon = _at(end, 24)
        area = c["area_code"]
        raised = c["raised_at"]
        route_at = raised + datetime.timedelta(hours=rng.uniform(0.1, 1.0 if limit <= 4
                                                                 else 2.5))
        if not hold and (route_at >= horizon or (horizon - raised < datetime.timedelta(days=2)
                                                 and rng.random() < 0.5)):
            return {}  # the year's last ones: still waiting for the service centre
        c.update(status=S.AWAITING, group=group, expert=expert, routed_at=route_at)
        events.append((area, officer, route_at, "route", "pending", "awaiting", ""))
        if hold:
            return {}
        hours = max(0.2, limit * 0.33 * rng.lognormvariate(0, 0.7))
        answer_at = raised + datetime.timedelta(hours=hours)
        if answer_at < route_at:
            answer_at = route_at + datetime.timedelta(minutes=rng.randint(5, 40))
        if answer_at >= horizon:
            return {}
        c.update(status=S.ANSWERED, first_answer_at=answer_at, answered_by=expert,
                 diagnosis=diagnosis, advice=advice, outcome=Consultation.Outcome.ONLINE,
                 overdue_notified=answer_at > c["answer_due_at"])
        actor = expert.user or officer
        events.append((area, actor, answer_at, "answer", "awaiting", "answered", ""))
        out = {}
        last = answer_at
        if rng.random() < 0.12:
            planned = (answer_at + datetime.timedelta(days=rng.randint(1, 5))).date()
            c.update(status=S.ONSITE, outcome=Consultation.Outcome.ONSITE)
            events.append((area, actor, answer_at + datetime.timedelta(minutes=10),
                           "refer_onsite", "answered", "onsite", ""))
            done = planned if planned <= end else None
            out["onsite"] = (planned, done)
            if done is None:
                return out
            last = _at(done, 17)
        roll = rng.random()
        closed = last + datetime.timedelta(days=rng.uniform(0.5, 6))
        if roll < 0.05 or closed >= horizon:
            return out  # answered, the raiser has not confirmed yet
        solved = roll < 0.92
        source = c["status"]
        target = S.SOLVED if solved else S.UNSOLVED
        c.update(status=target, closed_at=closed,
                 rating=_weighted(rng, [(5, 55), (4, 35), (3, 10)] if solved
                                  else [(3, 30), (2, 50), (1, 20)]))
        events.append((area, raiser, closed, "solved" if solved else "unsolved", source,
                       target, "" if solved else "按建议处理后仍未见效"))
        return out

    # --- service visits ------------------------------------------------------------------------
    def service_visits(self, industries, measures_by_pair) -> tuple[int, int]:
        """Each paired household visited every six to ten weeks from its pairing, with the
        results of the measures its village's prescriptions for its industry gave by then."""
        rng = self.rng
        tech_user = self.users.get("technician")
        end = datetime.date(self.year, 12, 31)
        visits, results_of = [], []
        for pairing in self._pairings:
            day = pairing.started_on + datetime.timedelta(days=rng.randint(7, 40))
            measures = measures_by_pair.get((pairing.area_code, pairing.industry_id), [])
            done: set[int] = set()
            name = self._industry_names[pairing.industry_id]
            while day <= end:
                visits.append(ServiceVisit(
                    technician=pairing.technician, household_id=pairing.household_id,
                    area_code=pairing.area_code, visited_on=day, notes=rng.choice(VISIT_NOTES),
                    recorded_by=tech_user if pairing.technician.user_id else None))
                ready = [m for issued, m in measures if issued <= day and m.pk not in done]
                chosen = rng.sample(ready, min(len(ready), rng.randint(1, 2))) if ready else []
                done.update(m.pk for m in chosen)
                results_of.append([(m, name) for m in chosen])
                day += datetime.timedelta(days=rng.randint(42, 70))
        _bulk(visits, ServiceVisit, self.actor)
        results = []
        for visit, chosen in zip(visits, results_of, strict=True):
            for measure, name in chosen:
                adoption = _weighted(rng, [(Adoption.ADOPTED, 65), (Adoption.PARTLY, 22),
                                           (Adoption.NOT, 13)])
                results.append(MeasureResult(
                    visit=visit, measure=measure, adoption=adoption,
                    carried_out_on=None if adoption == Adoption.NOT else
                    visit.visited_on - datetime.timedelta(days=rng.randint(0, 10)),
                    effect="" if adoption == Adoption.NOT else rng.choice(EFFECTS[name])))
        _bulk(results, MeasureResult, self.actor)
        return len(visits), len(results)

    def write_events(self) -> int:
        cts = {model: ContentType.objects.get_for_model(model)
               for model in (Consultation, Prescription)}
        rows = [DomainEvent(content_type=cts[type(obj)], object_id=obj.pk, area_code=area,
                            actor=actor, at=at, transition=name, source=source, target=target,
                            reason=reason)
                for obj, area, actor, at, name, source, target, reason in self.events]
        DomainEvent.objects.bulk_create(rows, batch_size=1000)
        return len(rows)

    def run(self) -> str:
        industries = self.industries()
        self._industry_ids = {n: i.pk for n, i in industries.items()}
        self._industry_names = {i.pk: n for n, i in industries.items()}
        experts = self.experts(industries)
        groups = self.groups(industries, experts)
        poor = self.poor_villages()
        households = self.household_industries(industries)
        technicians = self.technicians(industries, households)
        self._pairings = self.pairings(industries, households, technicians)
        missions = self.missions(poor, experts, technicians, households)
        measures = self.prescriptions(industries, missions, households)
        consultations = self.consultations(industries, groups, experts, households,
                                           technicians)
        visits, results = self.service_visits(industries, measures)
        events = self.write_events()
        solved = sum(c.status == S.SOLVED for c in consultations)
        answered = [c for c in consultations if c.first_answer_at]
        late = sum(c.first_answer_at > c.answer_due_at for c in answered)
        return (f"科技扶贫：{self.county} 专家 {sum(len(e) for e in experts.values())} 名"
                f"（{len(groups)} 个专家组），贫困村 {len(poor)} 个（特派团 {len(missions)}），"
                f"处方 {self._rx_count()} 份，"
                f"技术员 {sum(len(t) for t in technicians.values())} 名结对 "
                f"{len({p.household_id for p in self._pairings})} 户，会诊 {len(consultations)} 件"
                f"（已答复 {len(answered)}，超时 {late}，已解决 {solved}），技术服务 {visits} 次"
                f"（措施落实 {results} 条），流程记录 {events}")

    def _rx_count(self) -> int:
        return Prescription.objects.filter(area_code__startswith=self.county).count()


@transaction.atomic
def techaid_demo(*, actor, county: str = COUNTY, scale: float = 1.0, seed: int = SEED,
                 year: int = YEAR) -> str:
    if Expert.objects.filter(area_code__startswith=county).exists():
        return f"科技扶贫：{county} 已有演示数据，未改动"
    return _Demo(actor=actor, county=county, scale=scale, seed=seed, year=year).run()


@transaction.atomic
def consultations_of_year(*, actor, county: str = COUNTY, year: int, scale: float = 1.0,
                          seed: int = SEED) -> int:
    """Another year of consultations for a county the demo made (the benchmarks' several
    years): the same groups, experts and households, a year's worth of problems."""
    demo = _Demo(actor=actor, county=county, scale=scale, seed=seed + year, year=year)
    industries = {i.name: i for i in Industry.objects.filter(name__in=MAIN)}
    groups = {g.industry.name: g for g in ExpertGroup.objects.filter(
        area_code=county, retired_at__isnull=True).select_related("industry")}
    experts = {name: [m.expert for m in GroupMember.objects.filter(
        group=groups[name], left_on__isnull=True).select_related("expert__user")]
        for name in groups}
    households: dict[int, tuple[str, list[str]]] = {}
    for pk, village, name in (HouseholdIndustry.objects.filter(
            area_code__startswith=county, main=True, retired_at__isnull=True,
            industry__name__in=MAIN).order_by("pk")
            .values_list("household_id", "area_code", "industry__name")):
        households.setdefault(pk, (village, []))[1].append(name)
    demo._pairings = list(Pairing.objects.filter(area_code__startswith=county,
                                                 ended_on__isnull=True)
                          .select_related("technician"))
    rows = demo.consultations(industries, groups, experts, households, {})
    demo.write_events()
    return len(rows)


def _village_worker(password: str):
    """A village worker of Wangcang (the demo's village workers are Lizhou's): the first
    village of the demo technician's township, made through the accounts service."""
    from fupin.accounts.demo import demo_areas
    from fupin.accounts.services import user_upsert

    township = demo_areas()["wangcang_township"]
    village = Area.objects.filter(parent_id=township).order_by("code").first()
    if village is None:
        return None
    user, _changed = user_upsert(username=VILLAGE_WORKER, role=Role.VILLAGE_WORKER,
                                 scope_code=village.code, password=password,
                                 full_name="旺苍县村级专职人员")
    return user


def demo_step(*, password: str, options: dict) -> str:
    actor = get_user_model().objects.get(username="admin")
    _village_worker(password)
    return techaid_demo(actor=actor, scale=options.get("scale", 1.0))


def demo_summary(*, password: str) -> str:
    from fupin.areas.selectors import area_full_name

    user = get_user_model().objects.filter(username=VILLAGE_WORKER).first()
    lines = ["科技扶贫演示用户："]
    if user is not None:
        lines.append(f"  {user.username:<16} {user.get_role_display():<8} "
                     f"{user.scope_code:<12} {area_full_name(user.scope_code)}")
    expert = Expert.objects.filter(user__username="expert").first()
    if expert is not None:
        lines.append(f"  expert           = {expert.name}（{expert.institution}，"
                     f"茶叶产业专家服务组首席专家）")
    technician = Technician.objects.filter(user__username="technician").first()
    if technician is not None:
        lines.append(f"  technician       = {technician.name}（{technician.organisation}）")
    return "\n".join(lines)
