"""Reading an answers file, and saying exactly what is wrong with a bad one.

Every problem is reported at once, each naming its field. Files are
size-checked before they are parsed so that a huge or hostile file is refused quickly.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, BinaryIO, Optional, Union

from recommender.core.answers import Answers, repeated_items
from recommender.core.errors import AnswersError
from recommender.inputs.validation import ValidationError, validate

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

#: An answers file is about 2 KB; anything past this is not one.
MAX_BYTES = 256 * 1024

Problem = str


def read_answers_bytes(stream: BinaryIO, source: str) -> bytes:
    """Read at most MAX_BYTES (+1 to notice more) from an open binary stream."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise AnswersError(
            [f"is larger than {MAX_BYTES // 1024} KB; an answers file is a few KB"], source
        )
    return data


def parse_answers(data: Union[bytes, str], source: str = "the answers file") -> Answers:
    """Validate raw answers-file content; raise AnswersError naming every bad field.

    A FHIR R4 QuestionnaireResponse to backplan's Questionnaire is accepted too, and
    read into the same answers.
    """
    raw = parse_json(data, source)
    if isinstance(raw, dict) and "resourceType" in raw:
        from recommender.inputs.fhir_response import answers_from_response

        raw = answers_from_response(raw, source)
    return validate_answers(raw, source)


def parse_json(data: Union[bytes, str], source: str) -> Any:
    """JSON text to Python data, refusing what JSON parsers usually let through."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise AnswersError([f"is larger than {MAX_BYTES // 1024} KB"], source)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise AnswersError(
                [f"is not UTF-8 text (bad byte at position {exc.start})"], source
            ) from None
    else:
        text = data
    if not text.strip():
        raise AnswersError(["is empty; expected a JSON object of answers"], source)
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise AnswersError(
            [f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"], source
        ) from None
    except _DuplicateKey as exc:
        raise AnswersError([f"{exc.key}: given more than once"], source) from None
    except RecursionError:
        raise AnswersError(["is nested too deeply to be an answers file"], source) from None
    except ValueError as exc:  # NaN / Infinity
        raise AnswersError([str(exc)], source) from None


def validate_answers(raw: Any, source: str = "the answers") -> Answers:
    """Plain data (as parsed from JSON) checked against the Answers model."""
    if not isinstance(raw, dict):
        raise AnswersError([f"must be a JSON object of answers, not {_json_kind(raw)}"], source)
    try:
        return validate(Answers, raw)
    except ValidationError as exc:
        problems = describe_errors(exc)
        fields = error_fields(exc)
        # Checks that pydantic runs only once every field is valid are run here too,
        # so that one message names every problem.
        repeated = repeated_items(raw.get("pain_areas"))
        line = f"pain_areas: {', '.join(repeated)} listed more than once"
        if repeated and line not in problems:
            problems.append(line)
        if repeated and "pain_areas" not in fields:
            fields.append("pain_areas")
        raise AnswersError(problems, source, fields) from None
    except (TypeError, ValueError) as exc:  # values JSON cannot hold
        raise AnswersError([f"holds a value that is not plain JSON ({exc})"], source) from None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in an answers file")


def describe_errors(exc: ValidationError) -> list[Problem]:
    """One plain line per problem, each naming the dotted field it concerns.

    Missing answers share one line, so that a half-filled file gets a short message
    that still names every field.
    """
    problems: list[Problem] = []
    missing: list[str] = []
    for err in exc.errors(include_url=False):
        field = _field(err["loc"])
        if err["type"] == "missing":
            missing.append(field)
        elif not err["loc"]:  # a whole-object check, whose message names its field
            problems.append(_explain(err))
        else:
            problems.append(f"{field}: {_explain(err)}")
    if missing:
        line = "missing: " + ", ".join(missing)
        if any(field.split(".")[0] in _REQUIRED_SECTIONS for field in missing):
            line += " (every red-flag and history answer is required, true or false)"
        problems.insert(0, line)
    return problems


def error_fields(exc: ValidationError) -> list[str]:
    """The dotted answers keys the errors concern, each once, in order."""
    fields: list[str] = []
    for err in exc.errors(include_url=False):
        loc = tuple(part for part in err["loc"] if not isinstance(part, int))
        field = _field(loc) if loc else ""
        if not loc and str(err.get("msg", "")).find("pain_areas") >= 0:
            field = "pain_areas"
        if field and field not in fields:
            fields.append(field)
    return fields


def _field(loc: tuple) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "answers"


_REQUIRED_SECTIONS = ("red_flags", "history")


def _explain(err: ErrorDetails) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = _show(err.get("input"))
    loc = err["loc"]
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        return "unknown key (check the spelling; `backplan schema` lists every key)"
    if kind == "bool_type":
        return f"must be true or false, got {got}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number, got {got}"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"must be between {_bounds(loc)}, got {got}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}, got {got}"
    if kind in ("list_type", "tuple_type"):
        return f"must be a list, got {got}"
    if kind == "too_short" and loc == ("pain_areas",):
        return "must name at least one pain area"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "string_type":
        return f"must be text, got {got}"
    if kind in ("model_type", "dataclass_type", "dataclass_exact_type", "dict_type"):
        return f"must be an object of true/false answers, got {got}"
    if kind.startswith("date_"):
        return f"must be a real date written YYYY-MM-DD, got {got}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return f"{err['msg']}, got {got}"


def _bounds(loc: tuple) -> str:
    from recommender.core.answers import answer_fields

    field = answer_fields().get(_field(loc))
    if field and field.minimum is not None:
        return f"{field.minimum} and {field.maximum}"
    return "the allowed limits"


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _json_kind(value: Any) -> str:
    return {list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )


#: The bundled example answers (`backplan plan --example`).
EXAMPLE_ANSWERS = "example-answers.json"


def read_answers(source: str, stdin: Optional[BinaryIO] = None) -> Answers:
    """The answers in the file `source` ('-': `stdin`), validated, or AnswersError."""
    if source == "-":
        assert stdin is not None
        return parse_answers(read_answers_bytes(stdin, "standard input"), "standard input")
    with open_input(source, "an answers file") as stream:
        data = read_answers_bytes(stream, source)
    return parse_answers(data, source)


def example_answers() -> Answers:
    from recommender.inputs.datafiles import bundled_dir

    path = bundled_dir("data") / EXAMPLE_ANSWERS
    return parse_answers(path.read_bytes(), str(path))


def open_input(source: str, what: str) -> BinaryIO:
    """`source` opened for binary reading, or an AnswersError that says why not."""
    try:
        return open(source, "rb")
    except FileNotFoundError:
        raise AnswersError(["no such file"], source) from None
    except IsADirectoryError:
        raise AnswersError([f"is a directory, not {what}"], source) from None
    except OSError as exc:
        raise AnswersError([f"cannot be read ({exc.strerror})"], source) from None
