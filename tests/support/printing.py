"""Printing a page to PDF in a real headless Chromium, and reading the PDF back."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple

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


class PrintedPage(NamedTuple):
    """One page of the printed PDF, as read back once: its size in points, its text,
    and where each piece of text starts (x and y in points from the bottom left)."""

    width: float
    height: float
    text: str
    chunks: list[tuple[float, float, str]]


def read_pdf(pdf: Path) -> list[PrintedPage]:
    """Every page of `pdf`, each parsed once: pypdf's text extraction is most of the
    printing tests' time, so their checks share one reading rather than each making its
    own."""
    from pypdf import PdfReader

    pages: list[PrintedPage] = []
    for page in PdfReader(str(pdf)).pages:
        chunks: list[tuple[float, float, str]] = []

        # pypdf's text visitor: the text, the current and the text matrix, the font
        # and its size (the last two unused here).
        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            font: object,
            size: object,
            chunks: list[tuple[float, float, str]] = chunks,
        ) -> None:
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                chunks.append((x, y, text))

        text = page.extract_text(visitor_text=visit)
        box = page.mediabox
        pages.append(PrintedPage(float(box.width), float(box.height), text, chunks))
    return pages
