"""转移就业 (transferred employment) as a spreadsheet."""

from __future__ import annotations

from fupin.core import codes
from fupin.core.tabular.spec import Col, register

from .. import rules
from ..models import Employment
from .base import (
    CHANNEL_SYNONYMS,
    PERSON_COLUMNS,
    PersonRecordImport,
    _code,
    channel_labels,
)


class EmploymentImport(PersonRecordImport):
    name = "employments"
    title = "转移就业花名册"
    model = Employment
    columns = [
        *PERSON_COLUMNS,
        Col("employer", "用人单位", required=True, max_length=200, width=24,
            synonyms=("就业单位", "务工单位", "工作单位", "单位名称")),
        Col("place", "务工地点", kind="choice", required=True, choices=_code("work_place"),
            choice_synonyms=codes.SYNONYMS["work_place"], synonyms=("就业地点", "务工地域")),
        Col("industry", "行业", max_length=100, synonyms=("从事行业", "所属行业", "工种")),
        Col("start_date", "开始日期", kind="date", required=True,
            synonyms=("就业日期", "就业时间", "务工时间", "入职日期", "开始时间")),
        Col("end_date", "结束日期", kind="date", synonyms=("离职日期", "结束时间"),
            help="仍在岗则留空"),
        Col("monthly_income", "月收入", kind="int",
            synonyms=("月收入（元）", "月工资", "月均收入", "月均工资")),
        Col("channel", "就业渠道", kind="choice", choices=channel_labels,
            choice_synonyms=CHANNEL_SYNONYMS, synonyms=("就业途径", "务工渠道")),
        Col("contract", "是否签订劳动合同", kind="bool",
            synonyms=("签订劳动合同", "劳动合同", "是否签订合同"), help="留空按“否”"),
        Col("full_time", "是否全职", kind="bool", synonyms=("全职",), help="留空按“是”"),
    ]
    record_fields = ["employer", "place", "industry", "start_date", "end_date",
                     "monthly_income", "channel", "contract", "full_time"]
    blank = {"end_date": None, "start_date": None, "monthly_income": None, "contract": False,
             "full_time": True}
    key_fields = ("employer", "start_date")
    key_words = "身份证号、用人单位、开始日期"
    instructions = [
        "每行一段务工经历。人员须已在实名制登记中登记，按身份证号找到；姓名用于核对。",
        "同一人、同一用人单位、同一开始日期的行是同一条记录：再次导入会更新它，不会重复。",
        "仍在岗的结束日期留空。日期可写 2017-03-05、2017/3/5、2017.3.5 或 2017年3月5日。",
        "导入后自动重新计算这些人员的就业状态（务工地点、稳定就业、记录冲突）。",
        "导入时先校验全部行，有任何错误都不会写入；同一文件重复导入不会产生变化。",
    ]

    def rules(self, data):
        return rules.employment_errors(data)


employments_import = register(EmploymentImport())
