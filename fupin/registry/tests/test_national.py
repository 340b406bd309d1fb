"""The national poverty information system's person exports import as they come (DESIGN §2,
issue 8 item 4): the 全国扶贫开发信息系统 person export and the later 防返贫监测信息系统 export,
written here as real .xlsx files with the systems' own headers and values, imported as
利州区's county officer without a mapping step."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from fupin.core.models import ImportJob
from fupin.core.tabular import importer
from fupin.registry.imports import persons_import
from fupin.registry.models import Household, NationalReport, Person
from fupin.registry.selectors import person_search
from fupin.registry.tests.factories import fake_id
from fupin.registry.tests.test_import import xlsx
from fupin.registry.tests.test_import_pages import upload

# 全国扶贫开发信息系统: 贫困人口明细（person-level export), headers as the system writes them
NATIONAL_HEADER = ["县(市、区、旗)", "乡(镇)", "行政村", "自然村", "户编号", "人编号", "姓名",
                   "证件号码", "人数", "与户主关系", "民族", "文化程度", "在校生状况", "健康状况",
                   "劳动技能", "务工状况", "务工时间（月）", "参加大病医疗", "脱贫属性",
                   "贫困户属性", "主要致贫原因", "危房户", "饮水", "人均纯收入", "联系电话",
                   "识别时间"]
# 防返贫监测信息系统: 人口信息 export
MONITOR_HEADER = ["省", "市", "县", "乡", "村", "户编号", "人口编号", "姓名", "证件号码",
                  "户主姓名", "户主证件号码", "与户主关系", "劳动技能", "务工时间（月）",
                  "务工所在地", "务工企业名称", "公益性岗位类型", "公益性岗位(月数)", "就业渠道",
                  "是否参加城乡居民基本医疗保险", "监测对象类别"]

HEAD_ID = fake_id(birth=datetime.date(1972, 3, 8))
WIFE_ID = fake_id(birth=datetime.date(1975, 6, 2), male=False)
GIRL_ID = fake_id(birth=datetime.date(2008, 9, 1), male=False)
WANG_ID = fake_id(birth=datetime.date(1950, 1, 20))


def national_rows():
    """Two households of 东坝街道: 翠屏社区 (the system's full name of the village) with a
    hamlet, and 陈家壕社区."""
    common = ["利州区", "东坝街道"]
    return [
        [*common, "翠屏社区居民委员会", "一组", "510802001001000101", "51080200100100010101",
         "张大山", HEAD_ID, 3, "户主", "汉族", "初中", "非在校生", "健康", "普通劳动力",
         "省外务工", 10, "是", "已脱贫", "一般贫困户", "缺技术", "否", "是", 3856.5,
         "13812345678", "2014-10"],
        [*common, "翠屏社区居民委员会", "一组", "510802001001000101", "51080200100100010102",
         "李秀英", WIFE_ID, 3, "配偶", "汉族", "小学", "非在校生", "长期慢性病",
         "弱劳动力或半劳动力", "未务工", 0, "是", "已脱贫", "一般贫困户", "缺技术", "否", "是",
         3856.5, "", "2014-10"],
        [*common, "翠屏社区居民委员会", "一组", "510802001001000101", "51080200100100010103",
         "张小花", GIRL_ID, 3, "之女", "汉族", "小学", "小学", "健康", "无劳动力", "", "",
         "是", "已脱贫", "一般贫困户", "缺技术", "否", "是", 3856.5, "", "2014-10"],
        [*common, "陈家壕社区", "", "510802001002000207", "51080200100200020701",
         "王建国", WANG_ID, 1, "户主", "羌族", "文盲或半文盲", "非在校生", "残疾",
         "丧失劳动力", "未务工", "", "是", "未脱贫", "低保贫困户", "因残", "是", "否", 2310,
         "13990001234", 2014],
    ]


def monitor_rows():
    common = ["四川省", "广元市", "利州区", "东坝街道", "翠屏社区"]
    return [
        [*common, "510802001001000101", "51080200100100010101", "张大山", HEAD_ID, "张大山",
         HEAD_ID, "户主", "普通劳动力", 11, "广东省深圳市宝安区", "深圳市华强电子有限公司", "",
         "", "劳务输出", "是", "脱贫户"],
        [*common, "510802001001000101", "51080200100100010102", "李秀英", WIFE_ID, "张大山",
         HEAD_ID, "配偶", "弱劳动力或半劳动力", 0, "", "", "保洁员", 12, "公益性岗位安置", "是",
         "脱贫户"],
        [*common, "510802001001000101", "51080200100100010103", "张小花", GIRL_ID, "张大山",
         HEAD_ID, "之女", "无劳动力", "", "", "", "", "", "", "是", "脱贫户"],
    ]


def national_file(rows=None):
    return xlsx([NATIONAL_HEADER, *(rows or national_rows())],
                title_rows=["贫困人口明细表（利州区）"])


def commit(actor, data, **kwargs):
    return importer.commit(persons_import, importer.load(data, "national.xlsx"), actor=actor,
                           **kwargs)


def test_national_person_export_imports_as_it_comes(demo_users):
    actor = demo_users["lizhou_county"]
    report = commit(actor, national_file(), as_of=datetime.date(2017, 10, 31))
    assert report.ok, report.errors
    assert report.outcome.created == 4
    # the system's columns the product does not use are ignored and said so
    assert set(report.ignored) >= {"参加大病医疗", "危房户", "饮水"}
    assert "县(市、区、旗)" not in report.ignored  # the county column helps find the village
    zhang = Household.objects.get(number="510802001001000101")
    assert zhang.area_code == "510802001001" and zhang.hamlet == "一组"
    assert zhang.head.name == "张大山" and zhang.national_size == 3
    assert zhang.poverty_status == "02" and zhang.identified_year == 2014  # 已脱贫, 2014-10
    assert str(zhang.income_per_capita) == "3856.50"
    assert zhang.national_reported_on == datetime.date(2017, 10, 31)
    wang = Household.objects.get(number="510802001002000207")
    assert wang.area_code == "510802001002" and wang.household_kind == "02"
    assert wang.poverty_cause == "02" and wang.poverty_status == "01"
    head = Person.objects.get(name="张大山")
    assert head.national_number == "51080200100100010101" and head.ethnicity == "01"
    assert Person.objects.get(name="王建国").ethnicity == "33"  # 羌族
    # what the system reports, beside (not instead of) the derived status
    r = head.national_report
    assert (r.work_status, r.work_months, r.working) == ("04", 10, True)
    assert r.reported_on == datetime.date(2017, 10, 31) and r.area_code == "510802001001"
    assert head.employment_status != "employed"
    wife = Person.objects.get(name="李秀英").national_report
    assert (wife.work_status, wife.working) == ("09", False)
    assert Person.objects.get(name="张小花").national_report.working is None


def test_reimporting_the_national_file_changes_nothing(demo_users):
    actor = demo_users["lizhou_county"]
    day = datetime.date(2017, 10, 31)
    commit(actor, national_file(), as_of=day)
    counts = (Person.history.count(), Household.history.count(),
              NationalReport.history.count())
    again = commit(actor, national_file(), as_of=day)
    assert again.outcome.as_dict() == {"created": 0, "updated": 0, "unchanged": 4}
    assert (Person.history.count(), Household.history.count(),
            NationalReport.history.count()) == counts
    # a later file that says another thing replaces the report, with history
    rows = national_rows()
    rows[1][15], rows[1][16] = "县内务工", 6
    later = commit(actor, national_file(rows), as_of=datetime.date(2018, 3, 31))
    assert later.ok and later.outcome.updated == 4  # every report is re-dated
    wife = NationalReport.objects.get(person__name="李秀英")
    assert (wife.work_status, wife.working, wife.reported_on) == ("05", True,
                                                                  datetime.date(2018, 3, 31))
    assert wife.history.count() == 2
    # an older file does not undo a newer report
    commit(actor, national_file(), as_of=day)
    wife.refresh_from_db()
    assert wife.work_status == "05"


def test_monitoring_system_export_imports_as_it_comes(demo_users):
    actor = demo_users["lizhou_county"]
    report = commit(actor, xlsx([MONITOR_HEADER, *monitor_rows()]))
    assert report.ok, report.errors
    assert {"省", "市", "是否参加城乡居民基本医疗保险", "监测对象类别"} <= set(report.ignored)
    head = Person.objects.get(name="张大山")
    assert head.national_number == "51080200100100010101"
    assert head.household.number == "510802001001000101"
    r = head.national_report
    assert (r.work_months, r.work_location, r.employer_name, r.job_channel) == (
        11, "广东省深圳市宝安区", "深圳市华强电子有限公司", "劳务输出")
    assert r.working is True and r.reported_on == datetime.date.today()
    wife = NationalReport.objects.get(person__name="李秀英")
    assert (wife.post_kind, wife.post_months, wife.working) == ("保洁员", 12, True)


def test_person_number_is_searchable(demo_users):
    actor = demo_users["lizhou_county"]
    commit(actor, national_file())
    found = person_search(Person.objects.visible_to(actor), "51080200100100010102",
                         user=actor)
    assert [p.name for p in found] == ["李秀英"]


def test_command_imports_the_national_file_with_its_date(demo_users, tmp_path):
    path = tmp_path / "贫困人口明细.xlsx"
    path.write_bytes(national_file())
    out = io.StringIO()
    call_command("import", "persons", str(path), "--as", "lizhou_county",
                 "--report-date", "2017-10-31", stdout=out)
    text = out.getvalue()
    assert "新增 4" in text and "已忽略" in text and "参加大病医疗" in text
    assert set(NationalReport.objects.values_list("reported_on", flat=True)) == {
        datetime.date(2017, 10, 31)}
    out = io.StringIO()
    call_command("import", "persons", str(path), "--as", "lizhou_county",
                 "--report-date", "2017-10-31", stdout=out)
    assert "未变 4" in out.getvalue()
    path = tmp_path / "monitor.xlsx"
    path.write_bytes(xlsx([MONITOR_HEADER, *monitor_rows()]))
    call_command("import", "persons", str(path), "--as", "lizhou_county", stdout=io.StringIO())
    assert NationalReport.objects.get(person__name="李秀英").post_kind == "保洁员"


def test_unknown_columns_never_block_an_import(demo_users):
    """Far more unknown columns than known ones: once the required columns are found, the
    rest are ignored, not a reason to ask for a mapping."""
    actor = demo_users["village_a"]
    header = ["姓名", "证件号码", "与户主关系", "劳动技能", "户编号", "行政村",
              "甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"]
    row = ["赵一", fake_id(), "户主", "普通劳动力", "X0001", "翠屏社区",
           *["?"] * 10]
    report = commit(actor, xlsx([header, row]))
    assert report.ok, report.errors
    assert report.ignored == ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"]


def test_command_names_unresolved_columns_and_takes_a_mapping(demo_users, tmp_path):
    header = ["姓名", "公民身份证", "与户主关系", "劳动技能", "户编号", "行政村", "备注栏"]
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx([header, ["赵一", fake_id(), "户主", "普通劳动力", "X0001",
                                    "翠屏社区", "无"]]))
    with pytest.raises(CommandError) as exc:
        call_command("import", "persons", str(path), "--as", "village_a")
    message = str(exc.value)
    assert "身份证号" in message and "“公民身份证”" in message and "“备注栏”" in message
    assert "--map" in message and not Person.objects.exists()
    with pytest.raises(CommandError, match="没有“身份证”这一列"):
        call_command("import", "persons", str(path), "--as", "village_a",
                     "--map", "身份证=身份证号")
    with pytest.raises(CommandError, match="不是可导入的字段"):
        call_command("import", "persons", str(path), "--as", "village_a",
                     "--map", "公民身份证=证号")
    out = io.StringIO()
    call_command("import", "persons", str(path), "--as", "village_a",
                 "--map", "公民身份证=身份证号", "--map", "备注栏=", stdout=out)
    assert "新增 1" in out.getvalue()
    assert Person.objects.get().name == "赵一"


def test_upload_page_and_error_report_list_ignored_columns(demo_users, client):
    client.force_login(demo_users["lizhou_county"])
    upload(client, national_file())
    job = ImportJob.objects.get()
    assert job.status == "ready", job.message
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "已忽略" in page and "参加大病医疗" in page and "危房户" in page
    rows = national_rows()
    rows[0][7] = "510802198505010011"  # a bad checksum
    upload(client, national_file(rows))
    job = ImportJob.objects.filter(status="invalid").get()
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(
        client.get(f"/imports/jobs/{job.pk}/errors/").streaming_content)))
    ignored = [r[0] for r in book.get_sheet_by_name("已忽略的列").to_python()[1:]]
    assert "参加大病医疗" in ignored and "饮水" in ignored


def test_template_leaves_the_systems_report_columns_out(demo_users):
    """What the national system reports is never typed into our template; the instructions
    still say which of its headers are recognised."""
    from fupin.core.tabular.template import build_template

    book = CalamineWorkbook.from_filelike(io.BytesIO(build_template(persons_import)))
    header = book.get_sheet_by_name("数据").to_python()[0]
    assert "务工状况" not in header and "民族" in header and "人编号" in header
    guide = " ".join(str(c) for row in book.get_sheet_by_name("填写说明").to_python()
                     for c in row)
    assert "务工状况" in guide and "识别时间" in guide


def test_a_roster_with_only_the_person_number_is_no_national_report(demo_users):
    """A file is a national report by its work columns, not by a row's 人编号: a roster that
    only carries the person number writes no report and leaves the real ones alone."""
    actor = demo_users["lizhou_county"]
    day = datetime.date(2017, 10, 31)
    commit(actor, national_file(), as_of=day)
    before = {r.person_id: (r.reported_on, r.work_status, r.listed, r.version)
              for r in NationalReport.objects.all()}
    work = {NATIONAL_HEADER.index("务工状况"), NATIONAL_HEADER.index("务工时间（月）")}
    header = [h for i, h in enumerate(NATIONAL_HEADER) if i not in work]
    rows = [[c for i, c in enumerate(row) if i not in work] for row in national_rows()[:2]]
    report = commit(actor, xlsx([header, *rows]))
    assert report.ok, report.errors
    after = {r.person_id: (r.reported_on, r.work_status, r.listed, r.version)
             for r in NationalReport.objects.all()}
    assert after == before


def test_the_same_national_file_on_a_later_day_changes_nothing(demo_users):
    """Without a date given, the import's day dates only what is new or changed: the same
    file imported again next month writes no history (DESIGN §7)."""
    actor = demo_users["lizhou_county"]
    commit(actor, national_file(), as_of=datetime.date(2017, 10, 31))
    counts = (Person.history.count(), Household.history.count(),
              NationalReport.history.count())
    again = commit(actor, national_file())  # dated today by default
    assert again.ok and again.outcome.as_dict() == {"created": 0, "updated": 0, "unchanged": 4}
    assert (Person.history.count(), Household.history.count(),
            NationalReport.history.count()) == counts
    assert set(NationalReport.objects.values_list("reported_on", flat=True)) == {
        datetime.date(2017, 10, 31)}
