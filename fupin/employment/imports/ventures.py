"""自主创业 (ventures) as a spreadsheet."""

from __future__ import annotations

from fupin.core.tabular.spec import Col, register

from .. import rules
from ..models import Venture
from .base import (
    PERSON_COLUMNS,
    PersonRecordImport,
)


class VentureImport(PersonRecordImport):
    name = "ventures"
    title = "自主创业花名册"
    model = Venture
    columns = [
        *PERSON_COLUMNS,
        Col("business", "项目名称", required=True, max_length=200, width=24,
            synonyms=("项目（经营实体）名称", "经营实体名称", "经营实体", "创业项目", "企业名称")),
        Col("industry", "行业", max_length=100, synonyms=("所属行业", "创业行业")),
        Col("start_date", "创业日期", kind="date", required=True,
            synonyms=("创业时间", "开业日期", "成立日期")),
        Col("end_date", "停业日期", kind="date", synonyms=("歇业日期", "停业时间"),
            help="仍在经营则留空"),
        Col("college_student", "贫困家庭大学生创业", kind="bool",
            synonyms=("是否大学生创业", "大学生创业"), help="留空按“否”"),
        Col("employees", "带动就业人数", kind="int", synonyms=("带动就业", "吸纳就业人数")),
        Col("poor_employees", "其中贫困劳动力", kind="int",
            synonyms=("其中贫困劳动力人数", "带动贫困劳动力", "吸纳贫困劳动力人数")),
        Col("loan_amount", "创业担保贷款（元）", kind="decimal",
            synonyms=("创业担保贷款", "贷款金额", "贷款金额（元）")),
        Col("loan_bank", "贷款银行", max_length=100, synonyms=("放贷银行", "经办银行")),
        Col("loan_start", "贷款发放日期", kind="date", synonyms=("放款日期", "贷款日期")),
        Col("loan_end", "贷款到期日期", kind="date", synonyms=("到期日期",)),
        Col("interest_subsidy", "贴息金额（元）", kind="decimal",
            synonyms=("贴息金额", "财政贴息")),
    ]
    record_fields = ["business", "industry", "start_date", "end_date", "college_student",
                     "employees", "poor_employees", "loan_amount", "loan_bank", "loan_start",
                     "loan_end", "interest_subsidy"]
    blank = {"start_date": None, "end_date": None, "college_student": False, "employees": 0,
             "poor_employees": 0, "loan_amount": None, "loan_start": None, "loan_end": None,
             "interest_subsidy": None}
    key_fields = ("business", "start_date")
    key_words = "身份证号、项目名称、创业日期"
    instructions = [
        "每行一个创业项目。人员须已在实名制登记中登记，按身份证号找到；姓名用于核对。",
        "同一人、同一项目名称、同一创业日期的行是同一条记录：再次导入会更新它，不会重复。",
        "“其中贫困劳动力”不能多于“带动就业人数”；贷款到期日期不能早于发放日期。",
        "金额填数字（元），不要写“万”。日期可写 2017-03-05、2017/3/5 或 2017年3月5日。",
        "导入时先校验全部行，有任何错误都不会写入；同一文件重复导入不会产生变化。",
    ]

    def rules(self, data):
        return rules.venture_errors(data)


ventures_import = register(VentureImport())
