"""The result object as JSON: the machine-readable form other tools read
(docs/result.md)."""

from __future__ import annotations

from recommender.core import jsonline
from recommender.pipeline.recommend import Result
from recommender.render import RenderOptions, to_json


def render(result: Result, options: RenderOptions) -> str:
    return to_json(result.to_dict())


def compact(result: Result) -> str:
    """The result as one line of JSON (`batch`), byte for byte what
    `json.dumps(result.to_dict(), ensure_ascii=False, separators=(",", ":"))` gives."""
    return jsonline.dumps(result.to_dict())


def compact_utf8(result: Result) -> bytes:
    """compact(result) encoded as UTF-8 (a batch's output block, jsonline.dumps_utf8)."""
    return jsonline.dumps_utf8(result.to_dict())
