"""公益性岗位 (public-welfare posts) as a spreadsheet."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Min
from django.utils.translation import gettext as _

from fupin.areas.models import Area
from fupin.core.tabular.spec import Col, register

from ..models import Placement, WelfarePost
from .base import (
    COUNTY_COLUMN,
    POST_KIND_SYNONYMS,
    RecordImport,
    _code,
    resolve_village,
)


class PostImport(RecordImport):
    name = "posts"
    title = "公益性岗位台账"
    model = WelfarePost
    columns = [
        Col("post_id", "岗位编号", kind="int", synonyms=("岗位ID",),
            help="导出的岗位带编号，改后导入即更新该岗位；新岗位留空"),
        Col("name", "岗位名称", required=True, max_length=100, synonyms=("岗位",),
            help="同村多个同类岗位请加编号，如“保洁员2”"),
        Col("kind", "岗位类型", kind="choice", required=True,
            choices=_code("welfare_post_kind"), choice_synonyms=POST_KIND_SYNONYMS,
            synonyms=("岗位类别", "岗位性质")),
        COUNTY_COLUMN,
        Col("township", "乡镇", synonyms=("乡镇（街道）", "所在乡镇", "街道"),
            help="乡镇（街道）名称；或只填“区划代码”"),
        Col("village", "村", synonyms=("村（社区）", "岗位所在村", "所在村", "行政村")),
        Col("area_code", "区划代码", synonyms=("村代码", "村级区划代码"), width=16,
            help="12 位村级区划代码；填了它可不填乡镇和村名"),
        Col("monthly_pay", "月补贴（元）", kind="int", required=True,
            synonyms=("月补贴", "岗位补贴", "月工资", "补贴标准")),
        Col("established", "开发日期", kind="date", required=True,
            synonyms=("设立日期", "开发时间", "设岗日期")),
    ]
    record_fields = ["name", "kind", "monthly_pay", "established"]
    instructions = [
        "每行一个公益性岗位，设在村（社区）：填 12 位区划代码，或乡镇和村名。",
        "有“岗位编号”的行更新该岗位；没有编号的行按“村 + 岗位名称”找到已有岗位，找不到则新增。",
        "同一个村的岗位名称不能重复（同类岗位请加编号，如“保洁员2”）。",
        "导入时先校验全部行，有任何错误都不会写入；同一文件重复导入不会产生变化。",
    ]

    def derive(self, rows, state) -> None:
        for row in rows:
            v = row.values
            area, message = resolve_village(state, code=v.get("area_code"),
                                             county=v.get("county"), township=v.get("township"),
                                             village=v.get("village"))
            if message:
                row.error(self.column("village").label, message)
            v["_area"] = area

    def check(self, rows, state) -> None:
        if self.refuse_all(rows, state):
            return
        actor = state["actor"]
        ids = {r.values["post_id"] for r in rows if r.values.get("post_id") is not None}
        by_id = {p.pk: p for p in WelfarePost.objects.visible_to(actor).active().filter(
            pk__in=ids)}
        pairs = {(r.values["_area"], r.values.get("name")) for r in rows if r.values["_area"]}
        named = defaultdict(list)
        for p in WelfarePost.objects.active().filter(
                area_code__in={a for a, _n in pairs}, name__in={n for _a, n in pairs}):
            named[(p.area_code, p.name)].append(p)
        first_start = dict(Placement.objects.active().filter(
            post_id__in=[p.pk for ps in named.values() for p in ps] + list(by_id))
            .values("post_id").annotate(first=Min("start_date")).values_list("post_id", "first"))
        for row in rows:
            v = row.values
            self.check_numbers(row)
            post = None
            if v.get("post_id") is not None:
                post = by_id.get(v["post_id"])
                if post is None:
                    row.error(self.column("post_id").label,
                              _("岗位编号 %(id)s 不存在、已停用或不在您的管辖范围内")
                              % {"id": v["post_id"]})
                    continue
            area, name = v["_area"], v.get("name")
            if area and name:
                others = [p for p in named.get((area, name), [])
                          if post is None or p.pk != post.pk]
                if post is None and others:
                    post = others[0]  # the row names an existing post by village and name
                elif others:
                    row.error(self.column("name").label,
                              _("本村已有名为“%(name)s”的岗位（编号 %(id)s）")
                              % {"name": name, "id": others[0].pk})
                if self.duplicate(row, ("name", area, name), state, _("村和岗位名称")):
                    continue
            if post is not None:
                if self.duplicate(row, ("post", post.pk), state, _("岗位")):
                    continue
                first = first_start.get(post.pk)
                established = v.get("established")
                if first is not None and established is not None and first < established:
                    row.error(self.column("established").label,
                              _("该岗位已有 %(day)s 上岗的安置记录，开发日期不能晚于这一天")
                              % {"day": first.isoformat()})

    def keyed_data(self, row, state) -> tuple:
        v = row.values
        key = ("id", v["post_id"]) if v.get("post_id") is not None else \
            ("name", v["_area"], v["name"])
        return key, {**self.values_of(v), "area_code": v["_area"]}

    def existing(self, keys, state) -> dict:
        # under the write transaction: only posts the uploader may see (DESIGN §1)
        posts = WelfarePost.objects.visible_to(state["actor"]).active()
        ids = [k[1] for k in keys if k[0] == "id"]
        names = [k for k in keys if k[0] == "name"]
        out = {("id", p.pk): p for p in posts.filter(pk__in=ids)}
        if names:
            for p in posts.filter(
                    area_code__in={k[1] for k in names}, name__in={k[2] for k in names}):
                out.setdefault(("name", p.area_code, p.name), p)
        return out

    def refuse_write(self, row, key, record, state):
        if key[0] == "id" and record is None:
            return _("岗位编号 %(id)s 不存在、已停用或不在您的管辖范围内") % {"id": key[1]}
        return None

    def export_ordering(self, queryset):
        return queryset.order_by("area_code", "name", "pk")

    def export_rows(self, queryset, *, reveal: bool):
        names = dict(Area.objects.filter(level__in=["county", "township", "village"])
                     .values_list("code", "name"))
        for post in queryset.iterator(chunk_size=2000):
            values = {"post_id": post.pk, "county": names.get(post.area_code[:6], ""),
                      "township": names.get(post.area_code[:9], ""),
                      "village": names.get(post.area_code, ""), "area_code": post.area_code,
                      **{f: getattr(post, f) for f in self.record_fields}}
            yield [col.format(values.get(col.key)) for col in self.columns]


posts_import = register(PostImport())
