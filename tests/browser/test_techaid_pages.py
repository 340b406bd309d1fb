"""Every technology-aid page on a 375 px phone, in Chinese and in English, for the roles that
use them on phones and the county officer (issue 11 item 7): the demo's wangcang_county,
expert, technician and wangcang_village open the lists, a record of each list, the queue,
the raise form, coverage, ranking, the proposal, my households, loads and the settings; no
page scrolls sideways and none logs a console error or a CSP violation."""

from __future__ import annotations

import pytest

from tests.browser.test_csp import WATCH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

USERS = ["wangcang_county", "expert", "technician", "wangcang_village"]
PAGES = ["/techaid/consultations/", "/techaid/consultations/queue/",
         "/techaid/consultations/routing/", "/techaid/consultations/raise/",
         "/techaid/onsite-visits/", "/techaid/industries/", "/techaid/household-industries/",
         "/techaid/experts/", "/techaid/groups/", "/techaid/technicians/",
         "/techaid/missions/", "/techaid/prescriptions/", "/techaid/coverage/",
         "/techaid/ranking/", "/techaid/pairings/", "/techaid/pairings/propose/",
         "/techaid/pairings/mine/", "/techaid/pairings/loads/", "/techaid/service-visits/",
         "/techaid/settings/", "/techaid/settings/history/"]


def details(username: str) -> list[str]:
    """One record of each list the user sees (the first in scope)."""
    from django.contrib.auth import get_user_model

    from fupin.techaid import models as m

    user = get_user_model().objects.get(username=username)
    out = []
    for model, prefix in [(m.Consultation, "consultations"), (m.OnsiteVisit, "onsite-visits"),
                          (m.Expert, "experts"), (m.ExpertGroup, "groups"),
                          (m.Technician, "technicians"), (m.Mission, "missions"),
                          (m.Prescription, "prescriptions"), (m.Pairing, "pairings"),
                          (m.ServiceVisit, "service-visits"),
                          (m.HouseholdIndustry, "household-industries")]:
        obj = model.objects.visible_to(user).order_by("pk").first()
        if obj is not None:
            out.append(f"/techaid/{prefix}/{obj.pk}/")
    household = m.Pairing.objects.visible_to(user).order_by("pk").first()
    if household is not None:
        out.append(f"/registry/households/{household.household_id}/")
    return out


def test_every_techaid_page_fits_a_phone_in_both_languages(page, live_server, demo):
    from fupin.core.demo import DEMO_PASSWORD

    errors: list[str] = []
    page.add_init_script(WATCH)
    page.on("console", lambda msg: errors.append(f"{page.url}: {msg.text}")
            if msg.type == "error" or "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    problems: list[str] = []
    seen = 0
    for language in ("zh-hans", "en"):
        for username in USERS:
            page.context.clear_cookies()
            page.context.add_cookies([{"name": "django_language", "value": language,
                                       "url": live_server.url}])
            page.goto(live_server.url + "/accounts/login/")
            page.locator('input[name="username"]').fill(username)
            page.locator('input[name="password"]').fill(DEMO_PASSWORD)
            page.locator('form button[type="submit"]').click()
            page.wait_for_url(live_server.url + "/")
            for path in [*PAGES, *details(username)]:
                errors.clear()
                response = page.goto(live_server.url + path)
                if response.status in (403, 404):
                    continue  # not this role's page (the browser logs the refusal)
                if response.status != 200:
                    problems.append(f"{username} {language} {path}: HTTP {response.status}")
                    continue
                seen += 1
                page.wait_for_load_state("load")
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > 376:
                    from tests.browser.nav import WIDEST

                    problems.append(f"{username} {language} {path}: {width}px "
                                    f"{page.evaluate(WIDEST)}")
                csp = page.evaluate("window.__csp || []")
                if csp:
                    problems.append(f"{username} {language} {path}: CSP {csp}")
                problems += [f"{username} {language} {e}" for e in errors]
    assert seen > 60
    assert not problems, "\n".join(problems)
