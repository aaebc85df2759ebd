"""Compact JSON lines (recommender/core/jsonline.py): orjson where it is installed, the
standard library elsewhere, and the same bytes either way."""

from __future__ import annotations

import json
import platform
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recommender.core import jsonline
from recommender.inputs.answers_file import validate_answers
from recommender.pipeline.recommend import Recommender
from recommender.render.json_result import compact, compact_utf8

from support.strategies import answers

BOOK = Recommender.load(engine="reference")

#: What a result can hold, and more: any text (quotes, backslashes, control
#: characters, non-ASCII), whole numbers small and beyond 64 bits, true, false, null.
scalars = st.one_of(
    st.text(),
    st.integers(),
    st.integers(-(2**70), 2**70),
    st.booleans(),
    st.none(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner), st.dictionaries(st.text(), inner)),
    max_leaves=40,
)


def standard(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.skipif(
    platform.python_implementation() != "CPython", reason="orjson is built for CPython"
)
def test_orjson_is_installed_with_backplan_on_cpython() -> None:
    # the module's optional import, which it does not re-export: read here all the same
    assert jsonline.orjson is not None  # type: ignore[attr-defined]


@given(values)
def test_any_json_value_gives_the_standard_librarys_bytes(value: Any) -> None:
    assert jsonline.dumps(value) == standard(value)


@given(answers())
def test_a_result_line_is_the_standard_librarys_bytes(raw: dict[str, Any]) -> None:
    result = BOOK.recommend(validate_answers(raw))
    assert compact(result) == standard(result.to_dict())


@given(values)
def test_any_json_value_as_utf8_is_the_standard_librarys_text_encoded(value: Any) -> None:
    assert jsonline.dumps_utf8(value) == standard(value).encode("utf-8")


@given(answers())
def test_a_batch_line_is_the_standard_librarys_text_encoded(raw: dict[str, Any]) -> None:
    result = BOOK.recommend(validate_answers(raw))
    assert compact_utf8(result) == standard(result.to_dict()).encode("utf-8")


def test_keys_that_are_not_text_are_written_as_the_standard_library_does() -> None:
    value = {1: "one", None: [True], "x": {2: 3}}
    assert jsonline.dumps(value) == standard(value) == '{"1":"one","null":[true],"x":{"2":3}}'


def test_without_orjson_the_standard_library_writes_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    value = {"name": 'Zoë "Z" \\ \u2603', "weeks": [1, 2**65], "held": None}
    with_orjson = jsonline.dumps(value)
    monkeypatch.setattr(jsonline, "orjson", None)
    assert jsonline.dumps(value) == with_orjson == standard(value)
