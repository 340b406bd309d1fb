"""core imports no domain app (docs/architecture.md, "Dependencies"): the apps register what
core shows (places, demo steps, indicators, sections, timelines), core never reaches up."""

import re
from pathlib import Path

import fupin.core

CORE = Path(fupin.core.__file__).parent
DOMAIN = r"fupin\.(areas|accounts|registry|training|employment|reports)\b"
# an import statement at any indentation (function-level imports too), or a module named by
# string (import_module("fupin.areas…"), importlib.resources.files("fupin.areas"))
IMPORT = re.compile(rf"^\s*(from\s+{DOMAIN}|import\s+{DOMAIN})"
                    rf"|(import_module|files|import_string)\(\s*[\"']{DOMAIN}", re.M)
# the home view is being rewritten on another branch (the workbench); its imports of the
# area tree go when that lands
PENDING = {Path("views/pages.py")}


def offending() -> list[str]:
    found = []
    for path in sorted(CORE.rglob("*.py")):
        rel = path.relative_to(CORE)
        if {"migrations", "tests"} & set(rel.parts) or rel in PENDING:
            continue
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if IMPORT.search(line):
                found.append(f"fupin/core/{rel}:{n}: {line.strip()}")
    return found


def test_core_imports_no_domain_app():
    assert offending() == []


def test_the_check_sees_every_form_of_import():
    """The rule must fail on what it forbids: module-level, function-level and by-name."""
    for line in ["from fupin.areas.models import Area", "    from fupin.accounts import demo",
                 "import fupin.registry.models", '    x = files("fupin.areas")',
                 'import_module("fupin.reports.selectors")']:
        assert IMPORT.search(line), line
    for line in ["from fupin.core import places", "from .places import area_name",
                 "# fupin.areas implements the port", "from fupin.areasx import y"]:
        assert not IMPORT.search(line), line
