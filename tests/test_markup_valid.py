"""Every page type the build writes is valid HTML to the Nu HTML Checker (vnu-jar, pinned in package.json).

The checker is a Java jar from the npm registry: `npm ci` puts it in node_modules/, and
.ci/run installs it (and a JRE when `java` is missing). Without java or the jar the test is
skipped, and fails instead when REQUIRE_BROWSER=1, as in CI.

Errors fail the test. So do warnings, but for one kind the checker cannot judge from a
file on disk: the Content-Security-Policy warnings. Checked as file: URLs, the pages'
own stylesheets and scripts are not 'self' to the checker (a file: URL has an opaque
origin), and it counts the JSON-LD <script type="application/ld+json"> data block as an
inline script, which browsers never run and so never block. Served over HTTP (the browser
tests load the pages under the same CSP) none of that is blocked.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# each page type the build writes, by a file of the bundled site that has it
PAGE_TYPES = {
    "home": "index.html",
    "explainer": "contract-soldiers/index.html",
    "page (about)": "about/index.html",
    "page (methods)": "methods/index.html",
    "ledger": "claims/index.html",
    "404": "404.html",
    "search": "search/index.html",
}
# warnings that only say the checker read the pages from disk (see the module's docstring)
FROM_DISK = ("Resource violates Content Security Policy", "Inline script violates Content Security Policy")


def checker_or_skip() -> list[str]:
    """The command that runs the Nu checker; skip when java or the jar is missing (fail in CI)."""
    java = shutil.which("java")
    missing = [what for what, there in (("java (apt-get install default-jre-headless)", java), ("node_modules/vnu-jar (npm ci)", JAR.is_file())) if not there]
    if missing:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"the Nu HTML checker needs {' and '.join(missing)}")
        pytest.skip(f"the Nu HTML checker needs {' and '.join(missing)}")
    return [java, "-Xss4m", "-jar", str(JAR), "--format", "json", "--stdout"]


def checked(out: Path) -> dict[str, list[dict]]:
    """The checker's messages for every HTML file of a built site, by path under its output folder."""
    command = checker_or_skip()
    files = sorted(out.rglob("*.html"))
    proc = subprocess.run(command + [str(f) for f in files], capture_output=True, text=True, timeout=300)
    found: dict[str, list[dict]] = {f.relative_to(out).as_posix(): [] for f in files}
    for message in json.loads(proc.stdout)["messages"]:
        path = Path(message["url"].removeprefix("file:")).resolve()
        found.setdefault(path.relative_to(out.resolve()).as_posix(), []).append(message)
    return found


@pytest.fixture(scope="module")
def messages(bundled_site) -> dict[str, list[dict]]:
    """The checker's messages for every HTML file of the bundled site, by path under the output folder."""
    return checked(bundled_site)


def shown(message: dict) -> str:
    return f"{message.get('lastLine', '?')}:{message.get('firstColumn', '?')}: {message['type']}: {message['message']} [{message.get('extract', '').strip()[:120]}]"


def test_every_page_type_is_there(messages):
    assert set(PAGE_TYPES.values()) <= set(messages), sorted(messages)


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_is_valid_html(messages, kind):
    problems = [m for m in messages[PAGE_TYPES[kind]]
                if m["type"] != "info" or m.get("subType") == "warning"]
    problems = [m for m in problems if not (m.get("subType") == "warning" and m["message"].startswith(FROM_DISK))]
    assert [shown(m) for m in problems] == []


def test_every_other_page_is_valid_html(messages):
    """Whatever else the build writes (more pages of a type) holds to the same rule."""
    others = {path: ms for path, ms in messages.items() if path not in PAGE_TYPES.values()}
    bad = [f"{path} {shown(m)}" for path, ms in others.items() for m in ms
           if m["type"] == "error" or (m.get("subType") == "warning" and not m["message"].startswith(FROM_DISK))]
    assert bad == []


def test_every_page_of_both_languages_is_valid_html(bilingual_site):
    """The two-language fixture site (English at the root, Russian under ru/): every page, with its hreflang links and switcher."""
    found = checked(bilingual_site)
    assert "ru/contract-soldiers/index.html" in found and "ru/claims/index.html" in found
    bad = [f"{path} {shown(m)}" for path, ms in found.items() for m in ms
           if m["type"] == "error" or (m.get("subType") == "warning" and not m["message"].startswith(FROM_DISK))]
    assert bad == []
