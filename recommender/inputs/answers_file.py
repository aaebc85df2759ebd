"""Reading an answers file, and saying exactly what is wrong with a bad one.

Every problem is reported at once, each naming its field. Files are
size-checked before they are parsed so that a huge or hostile file is refused quickly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO, Optional, Union

from recommender.core.answers import COUNTRY_CODE, Answers, answer_fields, late_problems
from recommender.core.errors import AnswersError
from recommender.core.typed import quoted, shown
from recommender.inputs.countries import normalise
from recommender.inputs.datafiles import bundled_dir
from recommender.inputs.validation import ValidationError, validate, validate_parsed

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

#: An answers file is about 2 KB; anything past this is not one.
MAX_BYTES = 256 * 1024
#: At most this many problems are listed; a file with more is told how many more.
MAX_PROBLEMS = 20
#: No answer is a number with more digits than this (ages have 3).
MAX_DIGITS = 20

Problem = str


def read_answers_bytes(stream: BinaryIO, source: str) -> bytes:
    """Read at most MAX_BYTES (+1 to notice more) from an open binary stream."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise AnswersError(
            [f"is larger than {MAX_BYTES // 1024} KB; an answers file is a few KB"], source
        )
    return data


#: The key that marks an unfinished intake (inputs/intake_draft.py).
DRAFT_MARK = "backplan_intake_draft"


def parse_answers(data: Union[bytes, str], source: str = "the answers file") -> Answers:
    """Validate raw answers-file content; raise AnswersError naming every bad field.

    A FHIR R4 QuestionnaireResponse to backplan's Questionnaire is accepted too, and
    read into the same answers.
    """
    made = _UNUSABLE_MADE[0]
    raw = parse_json(data, source)
    # Valid UTF-8 cannot hold half a character, so only an escape can bring one; with
    # neither that nor an unusable number met while parsing, there is nothing to look
    # for (this runs on every line of a batch).
    clean = (
        isinstance(data, bytes) and _UNUSABLE_MADE[0] == made and not _SURROGATE_ESCAPE.search(data)
    )
    if isinstance(raw, dict) and DRAFT_MARK in raw:
        # An unfinished intake is never read as answers, even when it happens to hold
        # every required one: the person has not reviewed and confirmed them.
        raise AnswersError(
            [
                "is an unfinished intake (a draft), not an answers file; finish it with "
                f"`backplan intake --resume {source}`"
            ],
            source,
        )
    if isinstance(raw, dict) and "resourceType" in raw:
        # lazy: off the cold `backplan plan` path (benchmarks/bench.py (a))
        from recommender.inputs.fhir_response import answers_from_response

        raw = answers_from_response(raw, source)
    return validate_answers(raw, source, clean=clean)


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
        return json.loads(
            text,
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_no_constants,
            parse_int=_whole_number,
            parse_float=_number,
        )
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


def validate_answers(raw: Any, source: str = "the answers", clean: bool = False) -> Answers:
    """Plain data (as parsed from JSON) checked against the Answers model; `clean`
    says the parser met no unusable number and no half character."""
    if not isinstance(raw, dict):
        raise AnswersError([f"must be a JSON object of answers, not {_json_kind(raw)}"], source)
    unusable = {} if clean else dict(_unusable_numbers(raw))
    unusable.update(_overlong_lists(raw))
    try:
        if unusable:
            raw = _without(raw, unusable)
        answers = validate_parsed(Answers, raw) if clean else validate(Answers, raw)
    except ValidationError as exc:
        problems = _number_problems(unusable) + describe_errors(exc, skip=set(unusable))
        fields = [*unusable, *(f for f in error_fields(exc) if f not in unusable)]
        # The checks pydantic runs only once every field is valid are run here too, so
        # that one message names every problem, each with its field.
        late = [(field, f"{field}: {message}") for field, message in _late_problems(raw)]
        late_lines = {line for _, line in late}
        # pydantic's own message for these (when every other field was valid) joins
        # them in one line; they are listed one by one, with their fields, instead.
        problems = [p for p in problems if not _joins_only(p, late_lines)]
        for field, line in late:
            if field not in fields:
                fields.append(field)
            if line not in problems:
                problems.append(line)
        raise AnswersError(_capped(problems), source, fields[:MAX_PROBLEMS]) from None
    except (TypeError, ValueError) as exc:  # values JSON cannot hold
        raise AnswersError([f"holds a value that is not plain JSON ({exc})"], source) from None
    late = _unknown_country(answers.country)
    if unusable or late:
        problems = _number_problems(unusable) + [f"{f}: {m}" for f, m in late]
        raise AnswersError(problems, source, [*unusable, *(f for f, _ in late)])
    return answers


def _late_problems(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for the checks of the model that types alone cannot make."""
    found = late_problems(
        raw.get("pain_areas"), raw.get("start_date"), raw.get("name"), raw.get("country")
    )
    return found + _unknown_country(raw.get("country"))


def _unknown_country(code: Any) -> list[tuple[str, str]]:
    """A well-formed country code that names no country (the model checks the form;
    which codes exist is the country list's)."""
    if isinstance(code, str) and COUNTRY_CODE.fullmatch(code) and normalise(code) != code:
        return [("country", f"{code} is not a country code (ISO 3166-1, such as GB or CH)")]
    return []


def _joins_only(problem: str, lines: set[str]) -> bool:
    """`problem` is one of `lines`, or several of them joined by "; "."""
    return bool(lines) and all(part in lines for part in problem.split("; "))


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Built in C, and looked through only when a key repeats: this runs for every
    # object of every line of a batch (benchmarks/bench.py (b)).
    result = dict(pairs)
    if len(result) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in an answers file")


_SURROGATE = re.compile(r"[\ud800-\udfff]")


class _Unusable(str):
    """A number in the file that no answer can be (1e400, or thousands of digits),
    kept as its text so that the problem names its field rather than crashing."""


def _whole_number(text: str) -> Any:
    # Python refuses to read more than 4,300 digits, with a message about its own
    # settings; a person should hear which answer is wrong instead.
    return int(text) if len(text) <= MAX_DIGITS else _unusable(text)


def _number(text: str) -> Any:
    value = float(text)
    return value if value not in (float("inf"), float("-inf")) else _unusable(text)


#: How many unusable numbers parsing has met so far (see parse_answers).
_UNUSABLE_MADE = [0]


def _unusable(text: str) -> _Unusable:
    _UNUSABLE_MADE[0] += 1
    return _Unusable(text)


#: A JSON escape for half a character (a surrogate), the only way one can reach us.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abAB]")


def _unusable_numbers(data: Any) -> list[tuple[str, str]]:
    """(dotted field, text) for every unusable value in the parsed answers, in document
    order: numbers no answer can be, and text with unpaired surrogates (half a
    character, which JSON can spell but no file or terminal can hold).

    A loop rather than recursion: it runs on every line of a batch."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        kind = type(value)
        if kind is bool or kind is int or kind is float or value is None:
            continue
        if isinstance(value, _Unusable):
            found.append((path or "answers", str(value)))
        elif isinstance(value, str):
            if _SURROGATE.search(value):
                found.append((path or "answers", _SURROGATE.sub("\ufffd", value)))
        elif isinstance(value, dict):
            children = []
            for key, item in value.items():
                where = f"{path}.{key}" if path else str(key)
                if _SURROGATE.search(key):
                    children.append((_SURROGATE.sub("\ufffd", where), _Surrogate()))
                else:
                    children.append((where, item))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{path}[{i}]", item) for i, item in enumerate(value)]))
        elif isinstance(value, _Surrogate):
            found.append((path, "\ufffd"))
    return found


class _Surrogate:
    """A key holding half a character: reported by its (cleaned) path alone."""


def _without(data: Any, unusable: dict[str, str]) -> Any:
    """The answers with each unusable value replaced by null (reported separately)."""
    if isinstance(data, _Unusable) or (isinstance(data, str) and _SURROGATE.search(data)):
        return None
    if isinstance(data, dict):
        return {
            key: None if key in unusable else _without(value, unusable)
            for key, value in data.items()
            if not _SURROGATE.search(key)
        }
    if isinstance(data, list):
        return [_without(value, unusable) for value in data]
    return data


#: No answer is a list longer than this (there are 5 pain areas and 6 kinds of kit).
MAX_LIST_ITEMS = 50


class _Overlong(str):
    """The problem with a list far longer than any answer, said once for the list."""


def _overlong_lists(raw: dict[str, Any]) -> Iterator[tuple[str, str]]:
    # Said once, before pydantic would check (and explain) every one of its items.
    for key, value in raw.items():
        if isinstance(value, list) and len(value) > MAX_LIST_ITEMS:
            yield key, _Overlong(f"has {len(value):,} items; no answer is that long")


def _number_problems(unusable: dict[str, str]) -> list[Problem]:
    return [
        f"{_plain_field(field)}: {text}"
        if isinstance(text, _Overlong)
        else f"{_plain_field(field)}: {_show_text(text)} is not a number any answer can be"
        if "\ufffd" not in text
        else f"{_plain_field(field)}: holds half a character (an unpaired surrogate)"
        for field, text in unusable.items()
    ]


def _capped(problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], f"and {more} more problem{'s' if more > 1 else ''}"]


def describe_errors(
    exc: ValidationError, skip: frozenset[str] | set[str] = frozenset()
) -> list[Problem]:
    """One plain line per problem, each naming the dotted field it concerns.

    Missing answers share one line, so that a half-filled file gets a short message
    that still names every field. Fields in `skip` were reported already.
    """
    problems: list[Problem] = []
    missing: list[str] = []
    for err in exc.errors(include_url=False):
        field = _field(err["loc"])
        if field in skip:
            continue
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
    fields: dict[str, None] = {}  # a dict keeps the order and finds repeats at once
    for err in exc.errors(include_url=False):
        loc = tuple(part for part in err["loc"] if not isinstance(part, int))
        field = _field(loc) if loc else ""
        if not loc and str(err.get("msg", "")).find("pain_areas") >= 0:
            field = "pain_areas"
        if field:
            fields.setdefault(field)
    return list(fields)


#: A key that can be shown as it is; any other is quoted with its escapes shown.
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_]{1,60}")


def _field(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            key = str(part)
            shown = key if _PLAIN_KEY.fullmatch(key) else _quoted(key)
            text += ("." if text else "") + shown
    return text or "answers"


def _plain_field(field: str) -> str:
    return (
        field
        if all(_PLAIN_KEY.fullmatch(p) for p in re.split(r"\.|\[\d+\]", field) if p)
        else _quoted(field)
    )


def _quoted(key: str) -> str:
    """`key` in quotes with anything unprintable escaped, never longer than 60."""
    return quoted(key, 60)


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


def _bounds(loc: tuple[int | str, ...]) -> str:
    field = answer_fields().get(_field(loc))
    if field and field.minimum is not None:
        return f"{field.minimum} and {field.maximum}"
    return "the allowed limits"


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return _show_text(text)


def _show_text(text: str) -> str:
    """Echoed input, short and with anything a terminal would act on escaped."""
    return shown(text, 40)


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
