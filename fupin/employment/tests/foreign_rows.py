"""Foreign rows of the employment lists for the generic import scope test
(core/testing/foreign.py): village_a's files reaching village_b's people and posts."""

from fupin.core.testing.foreign import ForeignCase, foreign_rows
from fupin.employment.tests.factories import make_post
from fupin.registry.tests.factories import make_person


def _people(users):
    actor = users["village_a"]
    mine = make_person(area_code=actor.scope_code, name="张三")
    theirs = make_person(area_code=users["village_b"].scope_code, name="李四")
    return actor, mine, theirs


def _person(p) -> dict:
    return {"id_number": p.reveal("id_number"), "name": p.name}


@foreign_rows("employments")
def employments_foreign(users):
    actor, _mine, theirs = _people(users)
    return [ForeignCase("person of village_b", actor, [
        {**_person(theirs), "employer": "广元某建筑公司", "place": "省外",
         "start_date": "2017-03-01"}])]


@foreign_rows("ventures")
def ventures_foreign(users):
    actor, _mine, theirs = _people(users)
    return [ForeignCase("person of village_b", actor, [
        {**_person(theirs), "business": "养殖场", "start_date": "2017-03-01"}])]


@foreign_rows("posts")
def posts_foreign(users):
    actor = users["village_a"]
    post = make_post(area_code=users["village_b"].scope_code, name="保洁员")
    row = {"name": "保洁员", "kind": "保洁员", "monthly_pay": "500", "established": "2017-01-01"}
    return [
        ForeignCase("post of village_b by its number", actor,
                    [{**row, "post_id": post.pk, "area_code": actor.scope_code}]),
        ForeignCase("post in village_b by names", actor,
                    [{**row, "township": "东坝街道", "village": "陈家壕社区居民委员会"}]),
        ForeignCase("post in village_b by code", actor,
                    [{**row, "area_code": users["village_b"].scope_code}]),
    ]


@foreign_rows("placements")
def placements_foreign(users):
    actor, mine, theirs = _people(users)
    own_post = make_post(area_code=actor.scope_code, name="护林员")
    their_post = make_post(area_code=users["village_b"].scope_code, name="保洁员")
    day = {"start_date": "2017-03-01"}
    return [
        ForeignCase("person of village_b on an own post", actor,
                    [{**_person(theirs), "post_id": own_post.pk, **day}]),
        ForeignCase("post of village_b by its number", actor,
                    [{**_person(mine), "post_id": their_post.pk, **day}]),
        ForeignCase("post of village_b by name and village", actor,
                    [{**_person(mine), "post_name": "保洁员",
                      "post_village": "陈家壕社区居民委员会", **day}]),
    ]
