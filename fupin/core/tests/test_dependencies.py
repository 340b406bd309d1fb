"""Apps depend downwards only (docs/architecture.md, "Dependencies"):
core ← areas ← accounts ← registry ← training / employment ← followups ← reports. core imports
no domain app: the apps register what core shows (places, demo steps, indicators, sections,
timelines, listeners)."""

import re
from pathlib import Path

import pytest

import fupin

ROOT = Path(fupin.__file__).parent
# what each app must not import: the apps above it (training and employment stand side by side
# and do not need each other today; a later module may use the registry and the lists)
FORBIDDEN = {
    "core": ["areas", "accounts", "registry", "training", "employment", "followups",
             "techaid", "reports"],
    "areas": ["accounts", "registry", "training", "employment", "followups", "techaid",
              "reports"],
    "accounts": ["registry", "training", "employment", "followups", "techaid", "reports"],
    "registry": ["training", "employment", "followups", "techaid", "reports"],
    "training": ["employment", "followups", "techaid", "reports"],
    "employment": ["training", "followups", "techaid", "reports"],
    # follow-up visits use the registry and the lists' services (a visit ends a job)
    "followups": ["techaid", "reports"],
    # technology aid stands on the registry (households) and the areas only
    "techaid": ["training", "employment", "followups", "reports"],
}


def pattern(apps: list[str]) -> re.Pattern:
    """An import of one of `apps` at any indentation (function-level imports too), or a
    module named by string (import_module("fupin.areas…"), files("fupin.areas"))."""
    names = rf"fupin\.({'|'.join(apps)})\b"
    return re.compile(rf"^\s*(from\s+{names}|import\s+{names})"
                      rf"|(import_module|files|import_string)\(\s*[\"']{names}", re.M)


def offending(app: str) -> list[str]:
    forbidden = pattern(FORBIDDEN[app])
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        rel = path.relative_to(ROOT)
        if {"migrations", "tests"} & set(rel.parts):
            continue
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if forbidden.search(line):
                found.append(f"fupin/{rel}:{n}: {line.strip()}")
    return found


def test_core_imports_no_domain_app():
    assert offending("core") == []


@pytest.mark.parametrize("app", [a for a in FORBIDDEN if a != "core"])
def test_apps_depend_downwards_only(app):
    assert offending(app) == []


def test_the_check_sees_every_form_of_import():
    """The rule must fail on what it forbids: module-level, function-level and by-name."""
    core = pattern(FORBIDDEN["core"])
    for line in ["from fupin.areas.models import Area", "    from fupin.accounts import demo",
                 "import fupin.registry.models", '    x = files("fupin.areas")',
                 'import_module("fupin.reports.selectors")']:
        assert core.search(line), line
    for line in ["from fupin.core import places", "from .places import area_name",
                 "# fupin.areas implements the port", "from fupin.areasx import y"]:
        assert not core.search(line), line
