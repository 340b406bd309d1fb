import io

import pytest
from django.core.management import call_command

from fupin.accounts.models import User
from fupin.areas.models import Area
from fupin.core.roles import Role


@pytest.mark.django_db
def test_demo_creates_one_user_per_role_and_is_idempotent():
    out = io.StringIO()
    call_command("demo", password="Test-Pass-2017", scale=0.005, stdout=out)
    text = out.getvalue()
    names = ["admin", "lizhou_county", "wangcang_county", "lizhou_township", "village_a",
             "village_b", "leader", "inspector", "expert", "technician"]
    # technology aid's demo adds a Wangcang village worker (techaid/demo.py)
    assert set(User.objects.values_list("username", flat=True)) == {*names, "wangcang_village"}
    for name in names:
        assert name in text
    assert {u.role for u in User.objects.all()} == set(Role.values)
    a, b = User.objects.get(username="village_a"), User.objects.get(username="village_b")
    assert a.scope_code != b.scope_code and len(a.scope_code) == len(b.scope_code) == 12
    assert a.scope_code.startswith("510802") and b.scope_code.startswith("510802")
    assert User.objects.get(username="wangcang_county").scope_code == "510821"
    counts = (Area.objects.count(), User.history.count(), Area.history.count())
    call_command("demo", password="Test-Pass-2017", scale=0.005, stdout=io.StringIO())
    assert (Area.objects.count(), User.history.count(), Area.history.count()) == counts


@pytest.mark.django_db
def test_demo_refuses_weak_password():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="密码"):
        call_command("demo", password="short", stdout=io.StringIO())
    assert not User.objects.exists() and not Area.objects.exists()
