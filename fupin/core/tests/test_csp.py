"""Content-Security-Policy (issue 8): scripts and styles from the site itself only, so no
template may carry an inline script, style or event handler (the browser test,
tests/browser/test_csp.py, proves the pages run under the policy)."""

import re
from pathlib import Path

import pytest

FUPIN = Path(__file__).resolve().parents[2]
POLICY = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
    "img-src": "'self' data:", "object-src": "'none'", "frame-ancestors": "'none'",
    "base-uri": "'self'", "form-action": "'self'",
}
INLINE = [
    (re.compile(r"\sstyle\s*="), "style attribute"),
    (re.compile(r"<style\b"), "<style> element"),
    (re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")"),
     "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\shx-on[:-]"), "hx-on handler (evaluated code)"),
]


def parse(header: str) -> dict:
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in header.split(";")
                if part.strip())


def templates():
    for path in FUPIN.rglob("templates/**/*.html"):
        if "static" not in path.parts:
            yield path


def test_no_template_has_inline_script_style_or_handler():
    found = []
    for path in templates():
        text = path.read_text("utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(FUPIN)}:{line}: {what}")
    assert found == []


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/registry/persons/",
                                 "/reports/indicators/", "/api/docs/", "/api/v1/me/"])
def test_every_answer_carries_the_policy(client, demo_users, url):
    if url != "/accounts/login/":
        client.force_login(demo_users["village_a"])
    resp = client.get(url)
    assert resp.status_code == 200
    assert parse(resp["Content-Security-Policy"]) == POLICY


def test_api_docs_load_their_script_from_the_site(client, demo_users):
    client.force_login(demo_users["village_a"])
    html = client.get("/api/docs/").content.decode()
    assert "<style" not in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all("src=" in s for s in scripts)
    src = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1)
    js = client.get(src.replace("&amp;", "&"))
    assert js.status_code == 200 and js["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in js.content
