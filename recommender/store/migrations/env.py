"""Alembic's entry point: runs the migrations on the connection backplan hands over
(config.attributes["connection"]), inside backplan's own transaction."""

from __future__ import annotations

from alembic import context

from recommender.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    version_table="backplan_alembic_version",
)
with context.begin_transaction():
    context.run_migrations()
