"""Constants shared by the browser tests."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: A small phone (CSS pixels), the floor the public pages must fit.
PHONE = (360, 740)
DESKTOP = (1280, 900)
#: Screenshots and other outputs worth keeping from a run (git-ignored).
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
#: Upper bound for any wait on the page (navigation, an element, an htmx swap).
TIMEOUT_MS = 15_000
