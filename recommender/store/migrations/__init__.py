"""Alembic migrations, shipped inside the package so that any install can migrate."""
