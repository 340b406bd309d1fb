"""Stub (visits helper): the plans helper writes the real module; the lead drops this at merge."""


def plan_visited(*, person, visited_on, actor):
    return None
