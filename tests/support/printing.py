"""Printing a page to PDF in a real headless Chromium, and reading the PDF back."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

PAPER_POINTS = {"a4": (595.3, 841.9), "letter": (612.0, 792.0)}
MARGIN_POINTS = 15 / 25.4 * 72


def print_to_pdf(browser: str, html: str, where: Path) -> Path:
    page = where / "page.html"
    page.write_text(html, encoding="utf-8")
    pdf = where / "page.pdf"
    profile = tempfile.mkdtemp(prefix="backplan-chromium-", dir=where)
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        f"--print-to-pdf={pdf}",
        "--no-pdf-header-footer",
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert pdf.exists() and pdf.stat().st_size > 0, (
        f"{browser} made no PDF (exit {done.returncode}): {done.stderr[-2000:]}"
    )
    return pdf


def read_pdf(pdf: Path) -> tuple[list, list[str], list[tuple[float, str]]]:
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    texts: list[str] = []
    starts: list[tuple[float, str]] = []
    for page in reader.pages:

        def visit(text, cm, tm, font, size):
            if text.strip():
                starts.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], text))

        texts.append(page.extract_text(visitor_text=visit))
    return list(reader.pages), texts, starts
