"""The menu (issue 9 item 4): groups declared once in core, entries by role, the current page
highlighted and its group open, groups with nothing for the user left out."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import resolve

from fupin.core.sections import NAV_GROUPS, NavEntry, NavRegistry, nav

pytestmark = pytest.mark.django_db


def menu_for(registry, user, path):
    request = RequestFactory().get(path)
    request.user = user
    try:
        request.resolver_match = resolve(path)
    except Exception:  # noqa: BLE001 — a path no route matches
        request.resolver_match = None
    return registry.menu(request)


def flat(menu):
    return [e for item in menu for e in (item["entries"] if "group" in item else [item])]


def test_groups_are_declared_once_with_their_names():
    assert [g.label for g in sorted(NAV_GROUPS.values(), key=lambda g: g.order)] == [
        "登记", "培训就业", "回访", "科技扶贫", "督查考核", "系统"]


def test_an_entry_naming_an_unknown_group_is_refused():
    with pytest.raises(ImproperlyConfigured, match="unknown group"):
        NavRegistry().register(NavEntry(key="x", label="x", url="/x/", group="nosuch"))


def test_every_registered_entry_names_a_group_except_home():
    assert {e.key for e in nav.all() if not e.group} == {"home"}


def test_entries_by_role_and_empty_groups_hidden(demo_users):
    registry = NavRegistry()
    registry.register(NavEntry(key="home", label="首页", url="/", order=0))
    registry.register(NavEntry(key="a", label="A", url="/a/", group="registration"))
    registry.register(NavEntry(key="b", label="B", url="/b/", group="system",
                               roles=["county_officer"]))
    registry.register(NavEntry(key="c", label="C", url="/c/", group="system",
                               visible=lambda user: False))
    worker = menu_for(registry, demo_users["village_a"], "/a/")
    assert [item.get("group", item.get("entry")).key for item in worker] == [
        "home", "registration"]  # 系统 has nothing for a village worker: not shown
    county = menu_for(registry, demo_users["lizhou_county"], "/a/")
    assert [e["entry"].key for e in flat(county)] == ["home", "a", "b"]
    # a superuser sees entries of every role (the predicate still applies)
    admin = menu_for(registry, demo_users["admin"], "/a/")
    assert [e["entry"].key for e in flat(admin)] == ["home", "a", "b"]


def test_the_current_page_is_the_longest_match_and_its_group_is_open(demo_users):
    registry = NavRegistry()
    registry.register(NavEntry(key="home", label="首页", url="/", order=0))
    registry.register(NavEntry(key="list", label="L", url="/registry/", group="registration"))
    registry.register(NavEntry(key="sub", label="S", url="/registry/persons/",
                               group="registration"))
    registry.register(NavEntry(key="other", label="O", url="/o/", group="system",
                               match=("core:notifications", "/imports/")))
    user = demo_users["village_a"]

    def active(path):
        menu = menu_for(registry, user, path)
        return ([e["entry"].key for e in flat(menu) if e["active"]],
                [i["group"].key for i in menu if "group" in i and i["open"]])

    assert active("/") == (["home"], [])
    assert active("/registry/persons/5/") == (["sub"], ["registration"])
    assert active("/registry/households/") == (["list"], ["registration"])
    assert active("/notifications/") == (["other"], ["system"])  # by URL name
    assert active("/imports/persons/upload/") == (["other"], ["system"])  # by path prefix
    assert active("/nowhere/") == ([], [])


def test_the_side_menu_shows_groups_the_current_page_marked(demo_users, login):
    page = login(demo_users["village_a"]).get("/registry/persons/").content.decode()
    assert 'data-group="registration"' in page and 'data-group="employment"' in page
    # a group without entries the user may see is not shown
    user = demo_users["village_a"]
    for key in NAV_GROUPS:
        shown = any(e.group == key and e.shown_to(user) for e in nav.all())
        assert (f'data-group="{key}"' in page) == shown, key
    # village workers raise consultations (the village's 信息员, DESIGN §5)
    assert 'data-group="techaid"' in page
    link = re.search(r'<a class="nav-link active"[^>]*data-nav="persons"[^>]*>', page)
    assert link and 'aria-current="page"' in link.group(0)
    assert page.count('aria-current="page"') == 1
    # the group of the current page is open, the others closed
    assert 'class="nav flex-column collapse fupin-nav-sub show" id="fupin-nav-registration"' \
        in page
    assert 'id="fupin-nav-employment"' in page
    assert 'fupin-nav-sub show" id="fupin-nav-employment"' not in page


def test_the_system_group_is_for_whoever_may_use_it(demo_users, login):
    worker = login(demo_users["village_a"]).get("/").content.decode()
    assert 'data-nav="login_events"' not in worker
    assert 'data-nav="areas"' in worker  # 行政区划 stays open to everyone
    leader = login(demo_users["leader"]).get("/").content.decode()
    assert 'data-nav="imports"' not in leader  # a reader imports nothing
    admin = login(demo_users["admin"]).get("/").content.decode()
    assert 'data-nav="login_events"' in admin and 'data-nav="imports"' in admin
