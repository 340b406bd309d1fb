import io

import pytest
from django.core.management import CommandError, call_command

from fupin.areas.models import Area, Level
from fupin.areas.services import AreaFileError, areas_load
from fupin.areas.testing import small_area_csv

HEAD = "code,name,level,parent_code\n"
GOOD = HEAD + "51,四川省,province,\n5108,广元市,city,51\n510802,利州区,county,5108\n"


@pytest.mark.django_db
def test_load_creates_tree_and_second_load_changes_nothing():
    first = areas_load(text=small_area_csv())
    assert first.created > 10 and first.updated == 0
    history_rows = Area.history.count()
    again = areas_load(text=small_area_csv())
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == first.created
    assert Area.history.count() == history_rows  # idempotent: no new history
    lizhou = Area.objects.get(pk="510802")
    assert lizhou.level == Level.COUNTY and lizhou.parent_id == "5108"


@pytest.mark.django_db
def test_rename_updates_with_history():
    areas_load(text=GOOD)
    areas_load(text=GOOD.replace("利州区", "利州新区"))
    lizhou = Area.objects.get(pk="510802")
    assert lizhou.name == "利州新区"
    assert lizhou.history.count() == 2


@pytest.mark.django_db
def test_parent_may_come_after_child():
    text = HEAD + "510802,利州区,county,5108\n5108,广元市,city,51\n51,四川省,province,\n"
    assert areas_load(text=text).created == 3


@pytest.mark.django_db
@pytest.mark.parametrize("row, message", [
    ("510802001,东坝街道,township,510899", "上级区划“510899”不存在"),
    ("5108020011,东坝街道,township,510802", "长度或格式不对"),
    ("510821001,某镇,township,510802", "不在上级“510802”之下"),
    ("510802001,东坝街道,village,510802", "位数与级别"),
    ("510802001,,township,510802", "名称为空"),
    ("510802001001,某村,village,510802", "不是紧邻的上一级"),
    ("51080200x,东坝街道,township,510802", "长度或格式不对"),
])
def test_bad_row_reported_with_line_number_and_nothing_written(row, message):
    text = GOOD + "510802002,嘉陵街道,township,510802\n" + row + "\n"
    with pytest.raises(AreaFileError) as err:
        areas_load(text=text)
    line, msg = err.value.errors[0]
    assert line == 6 and message in msg
    assert Area.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_code_and_missing_columns():
    with pytest.raises(AreaFileError, match="与第 4 行重复"):
        areas_load(text=GOOD + "510802,利州区,county,5108\n")
    with pytest.raises(AreaFileError, match="缺少列"):
        areas_load(text="code,name\n51,四川省\n")
    assert Area.objects.count() == 0


@pytest.mark.django_db
def test_command_loads_file_and_reports_errors(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("load_areas", str(good), stdout=out)
    assert "新增 3" in out.getvalue()
    call_command("load_areas", str(good), stdout=out)
    assert "新增 0，更新 0，未变 3" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "510802001,东坝街道,township,999999\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 5 行"):
        call_command("load_areas", str(bad))
    with pytest.raises(CommandError, match="不存在"):
        call_command("load_areas", str(tmp_path / "missing.csv"))


@pytest.mark.django_db
def test_shipped_guangyuan_file_loads():
    from importlib.resources import files

    text = files("fupin.areas").joinpath("data/guangyuan-2023.csv").read_text("utf-8-sig")
    result = areas_load(text=text)
    assert result.created == 1890
    assert Area.objects.filter(parent_id="510821", level=Level.TOWNSHIP).exists()
