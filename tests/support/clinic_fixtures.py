"""Fixtures for the clinic's tests (tests/clinic/; a plugin of tests/conftest.py): a
clinic on a fresh SQLite database for each test, its app in this process (Starlette's
TestClient), and people to use it."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from recommender.app.web.app import create_app
from recommender.clinic.db import ClinicDB
from recommender.pipeline.recommend import Recommender

from support.clinic import Browser, Clinic

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's note that it prefers httpx2
    from fastapi.testclient import TestClient


@pytest.fixture
def clinic_db(tmp_path: Path) -> Iterator[ClinicDB]:
    db = ClinicDB.open(str(tmp_path / "clinic" / "clinic.sqlite3"))
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def clinic_app(clinic_db: ClinicDB, recommender: Recommender) -> FastAPI:
    return create_app(recommender, clinic=clinic_db)


@pytest.fixture
def clinic(clinic_db: ClinicDB, clinic_app: FastAPI) -> Clinic:
    return Clinic(clinic_db, lambda: TestClient(clinic_app, follow_redirects=True))


@pytest.fixture
def doctor(clinic: Clinic) -> Browser:
    """A clinician, signed in."""
    return clinic.staff("doctor@example.org")


@pytest.fixture
def admin(clinic: Clinic) -> Browser:
    return clinic.staff("admin@example.org", "admin")


@pytest.fixture
def ann(clinic: Clinic, doctor: Browser) -> Browser:
    """A patient of the doctor's, signed in: she will answer calmly."""
    return clinic.patient(doctor, "Ann Calm", "ann@example.org")


@pytest.fixture
def uma(clinic: Clinic, doctor: Browser) -> Browser:
    """A patient of the doctor's, signed in: her answers will be urgent."""
    return clinic.patient(doctor, "Uma Urgent", "uma@example.org")
