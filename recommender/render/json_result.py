"""The result object as JSON: the machine-readable form other tools read (README, "The
result")."""

from __future__ import annotations

from recommender.pipeline.recommend import Result
from recommender.render import RenderOptions, to_json


def render(result: Result, options: RenderOptions) -> str:
    return to_json(result.to_dict())
