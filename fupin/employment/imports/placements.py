"""公益性岗位安置 (placements on public-welfare posts) as a spreadsheet."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _

from fupin.core import scoping
from fupin.core.tabular.importer import changed_since_check
from fupin.core.tabular.spec import Col, Outcome, register

from .. import rules
from ..models import Placement, WelfarePost
from .base import (
    PERSON_COLUMNS,
    PersonRecordImport,
    PostRef,
    resolve_village,
)


class PlacementImport(PersonRecordImport):
    name = "placements"
    title = "公益性岗位安置花名册"
    model = Placement
    columns = [
        *PERSON_COLUMNS,
        Col("post_id", "岗位编号", kind="int", synonyms=("岗位ID",),
            help="公益性岗位台账导出的编号；或不填编号，填岗位名称和岗位所在村"),
        Col("post_name", "岗位名称", max_length=100, synonyms=("岗位", "公益性岗位名称"),
            help="与“岗位所在村”一起找到岗位"),
        Col("post_county", "岗位所在区县", synonyms=("岗位所在县",),
            help="可不填；岗位所在村重名时用于区分"),
        Col("post_township", "岗位所在乡镇", synonyms=("岗位所在乡镇（街道）",),
            help="可不填；岗位所在村重名时用于区分"),
        Col("post_village", "岗位所在村", synonyms=("岗位所在村代码", "岗位区划代码"),
            help="村名或 12 位村级区划代码"),
        Col("start_date", "上岗日期", kind="date", required=True,
            synonyms=("上岗时间", "安置日期", "开始日期")),
        Col("end_date", "离岗日期", kind="date", synonyms=("离岗时间", "结束日期"),
            help="仍在岗则留空"),
    ]
    record_fields = ["start_date", "end_date"]
    blank = {"start_date": None, "end_date": None}
    key_words = "身份证号、岗位、上岗日期"
    instructions = [
        "每行一次安置。人员须已在实名制登记中登记，按身份证号找到；姓名用于核对。",
        "岗位用“岗位编号”指明，或用“岗位名称”加“岗位所在村”（村名或 12 位区划代码）。",
        "一个岗位同一时间只能安置一人，一人同一时间只能在一个岗位：与库中记录和本文件其他行"
        "的日期都不能重叠。",
        "结束安置：填写离岗日期后重新导入。同一人、同一岗位、同一上岗日期的行是同一条记录。",
        "导入时先校验全部行，有任何错误都不会写入；同一文件重复导入不会产生变化。",
    ]

    def start(self, *, actor):
        return {**super().start(actor=actor), "posts": {}, "spells": []}

    def posts(self, rows, state) -> None:
        """Resolve each row's post (by id, or by name and village) into v["_post"]."""
        actor, cache_ = state["actor"], state["posts"]
        wanted_ids, wanted_names = set(), set()
        for row in rows:
            v = row.values
            if v.get("post_id") is not None:
                wanted_ids.add(v["post_id"])
            elif v.get("post_name") and v.get("post_village"):
                area, message = resolve_village(
                    state, county=v.get("post_county"), township=v.get("post_township"),
                    village=v["post_village"])
                v["_post_area"], v["_post_area_error"] = area, message
                if area:
                    wanted_names.add((area, v["post_name"]))
        wanted_ids -= {k[1] for k in cache_ if k[0] == "id"}
        wanted_names -= {k[1:] for k in cache_ if k[0] == "name"}
        visible = WelfarePost.objects.visible_to(actor).active()
        if wanted_ids:
            for p in visible.filter(pk__in=wanted_ids):
                cache_[("id", p.pk)] = PostRef(p.pk, p.name, p.area_code, p.established)
            # a post of another village on which a person of ours is placed: rows may update
            # those placements (as the services allow), not start new ones
            through = set(Placement.objects.visible_to(actor).active().filter(
                post_id__in=wanted_ids - {k[1] for k in cache_ if k[0] == "id"})
                .values_list("post_id", flat=True))
            for p in WelfarePost.objects.active().filter(pk__in=through):
                cache_[("id", p.pk)] = PostRef(p.pk, p.name, p.area_code, p.established,
                                               visible=False)
        if wanted_names:
            for p in visible.filter(area_code__in={a for a, _n in wanted_names},
                                    name__in={n for _a, n in wanted_names}):
                cache_.setdefault(("name", p.area_code, p.name),
                                  PostRef(p.pk, p.name, p.area_code, p.established))
        for row in rows:
            v = row.values
            if v.get("post_id") is not None:
                v["_post"] = cache_.get(("id", v["post_id"]))
            elif v.get("_post_area"):
                v["_post"] = cache_.get(("name", v["_post_area"], v["post_name"]))
            else:
                v["_post"] = None

    def check_row(self, row, state) -> None:
        v = row.values
        post = v["_post"]
        label = self.column("post_name").label
        if post is None:
            if v.get("post_id") is not None:
                row.error(self.column("post_id").label,
                          _("岗位编号 %(id)s 不存在、已停用或不在您的管辖范围内")
                          % {"id": v["post_id"]})
            elif not v.get("post_name") or not v.get("post_village"):
                row.error(label, _("请填写岗位编号，或填写岗位名称和岗位所在村"))
            elif v.get("_post_area_error"):
                row.error(self.column("post_village").label, v["_post_area_error"])
            else:
                row.error(label, _("在“%(village)s”找不到名为“%(name)s”的在用公益性岗位")
                          % {"village": v["post_village"], "name": v["post_name"]})
            return
        if v.get("post_id") is not None and v.get("post_name") and v["post_name"] != post.name:
            row.error(label, _("岗位编号 %(id)s 是“%(post)s”，与所填岗位名称不符")
                      % {"id": post.pk, "post": post.name})
        data = self.values_of(v)
        self.report(row, rules.placement_errors(data, established=post.established))
        person = v["_person"]
        if person is None or data.get("start_date") is None:
            return
        key = (person.pk, post.pk, data["start_date"])
        if self.duplicate(row, key, state, self.key_words) or row.errors:
            return
        if not post.visible and not Placement.objects.active().filter(
                person_id=person.pk, post_id=post.pk, start_date=data["start_date"]).exists():
            row.error(self.column("post_id").label,
                      _("岗位“%(post)s”不在您的管辖范围内：只能修改已有的安置记录")
                      % {"post": post.name})
            return
        state["spells"].append((row.line, post.pk, person.pk, data["start_date"],
                                data.get("end_date"), person.name, post.name))

    def check(self, rows, state) -> None:
        if state["can_write"]:
            self.posts(rows, state)
        super().check(rows, state)

    def finish(self, state) -> list[tuple[int, str, str]]:
        """DESIGN §2 list 5, over the file and the database together: a post holds one
        person at a time and a person holds one post at a time."""
        spells = state["spells"]
        if not spells:
            return []
        actor = state["actor"]
        posts = {s[1] for s in spells}
        people = {s[2] for s in spells}
        replaced = set(self.existing([(s[2], s[1], s[3]) for s in spells], state).values())
        by_post, by_person = defaultdict(list), defaultdict(list)
        for line, post, person, start, end, person_name, post_name in spells:
            spell = rules.Spell(start, end, line, None, person_name, post_name)
            by_post[post].append(spell)
            by_person[person].append(spell)
        for p in Placement.objects.active().filter(
                Q(post_id__in=posts) | Q(person_id__in=people)).exclude(
                pk__in=[r.pk for r in replaced]).select_related("person", "post"):
            name = p.person.name if scoping.in_scope(actor, p.area_code) else _("其他地区的人员")
            spell = rules.Spell(p.start_date, p.end_date, None, p.pk, name, p.post.name)
            if p.post_id in posts:
                by_post[p.post_id].append(spell)
            if p.person_id in people:
                by_person[p.person_id].append(spell)
        errors, label = [], self.column("start_date").label

        def where(s):
            return _("（第 %(line)s 行）") % {"line": s.line} if s.line else _("（库中已有记录）")

        for group in by_post.values():
            for a, b in rules.clashes(group):
                mine, other = (b, a) if b.line else (a, b)
                if mine.line:
                    errors.append((mine.line, label, rules.post_clash_message(
                        post_name=mine.post_name, holder=other.person_name + where(other),
                        start=other.start, end=other.end).rstrip("。")))
        for group in by_person.values():
            for a, b in rules.clashes(group):
                mine, other = (b, a) if b.line else (a, b)
                if mine.line:
                    errors.append((mine.line, label, rules.person_clash_message(
                        person_name=mine.person_name, post_name=other.post_name,
                        where=where(other), start=other.start, end=other.end).rstrip("。")))
        return sorted(set(errors))

    def key_of(self, data):
        return (data["person_id"], data["post_id"], data["start_date"])

    def keyed_data(self, row, state) -> tuple:
        person = self.person_of(row, state)
        post = row.values["_post"]
        if post is None:
            raise changed_since_check(row.line, _("岗位已停用或不在您的管辖范围内"))
        data = {**self.values_of(row.values), "person_id": person.pk,
                "post_id": post.pk, "area_code": person.area_code}
        return self.key_of(data), data

    def refuse_write(self, row, key, record, state):
        post = row.values["_post"]
        if record is None and not post.visible:
            return _("岗位“%(post)s”不在您的管辖范围内：只能修改已有的安置记录") % {
                "post": post.name}
        return None

    def begin_write(self, state) -> None:
        super().begin_write(state)
        state["posts"] = {}  # found again under the transaction

    def write(self, rows, state) -> Outcome:
        self.posts(rows, state)
        return super().write(rows, state)

    def existing(self, keys, state) -> dict:
        out = {}
        for p in Placement.objects.active().filter(person_id__in={k[0] for k in keys},
                                                   post_id__in={k[1] for k in keys}):
            out.setdefault((p.person_id, p.post_id, p.start_date), p)
        return out

    def export_ordering(self, queryset):
        return queryset.select_related("person", "post").order_by(
            "area_code", "person_id", "start_date", "pk")

    def export_values(self, record) -> dict:
        return {"post_id": record.post_id, "post_name": record.post.name,
                "post_village": record.post.area_code, "start_date": record.start_date,
                "end_date": record.end_date}


placements_import = register(PlacementImport())
