"""Finding a real browser for the tests that print or drive pages (Debian's chromium)."""

from __future__ import annotations

import os
import shutil

import pytest

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    message = f"no headless browser found (looked for {', '.join(BROWSERS)} on PATH)"
    if os.environ.get("BACKPLAN_REQUIRE_BROWSER") == "1":
        pytest.fail(message + "; BACKPLAN_REQUIRE_BROWSER=1 requires one")
    pytest.skip(message + "; install chromium, or set BACKPLAN_REQUIRE_BROWSER=1 to fail")
