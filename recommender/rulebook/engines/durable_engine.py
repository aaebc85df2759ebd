"""The durable-rules engine (durable-rules 2.0.28), the only module that imports it.

The conditions are compiled once into one JSON ruleset, registered in durable-rules'
rule engine (its C library). Each evaluation asserts the answers as a single fact in
the engine's one session, steps through the actions the engine starts (one per rule
that holds, as its own dispatcher does), notes each rule's name, and retracts the fact,
which leaves the session as empty as a new one: setting up a session for every
evaluation cost a fifth of the engine's time (benchmarks/bench.py (b), warm
throughput). The engine's traps (docs/architecture.md) are handled here:

- facts, not events, so that every rule sees the answers; one fact at a time, with an
  explicit id, retracted before the next is asserted, so no fact is asserted twice and
  no evaluation sees another's answers (no rule joins two facts or waits for one to
  be missing, so a retraction starts no action);
- a heartbeat rule that always matches, so no batch of facts goes unhandled and an
  engine that silently did nothing is caught;
- when anything fails, or the fact does not retract cleanly, the session is deleted
  with whatever it holds and the next evaluation starts a new one, so the
  1,024-session limit is never reached and nothing half-done is seen again;
- no Python action runs inside the engine, so none can fail silently into the state
  (durable-rules swallows an action's exception there), and no host starts the
  background timer threads that would race our calls; a lock serialises evaluations,
  since the engine has no locks of its own.

Why the C library's calls rather than `durable.engine.Host`: the host wraps every
action in a closure, writes the state back as JSON and parses each action's message
(the whole fact) again in Python, which took three quarters of an evaluation; a rule
that holds needs none of that, only its name. Nor is the `durable` package imported
(its logging, inspect and threads): a cold `plan` starts sooner.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Mapping
from typing import Any, Optional

# durable-rules' engine, in C (no type information either way). It is not built on
# Python 3.13, where CI's type checks run: pyright is told not to look for it there.
import durable_rules_engine as _LIBRARY  # pyright: ignore[reportMissingImports]

from recommender.core import jsonline
from recommender.core.errors import EngineError
from recommender.core.paths import get_path, set_path
from recommender.rulebook.conditions import All, AnyOf, AtLeast, Condition, Test, fields

RULESET = "backplan"
#: Each engine's ruleset gets a name of its own: the C library keeps rulesets in one
#: table per process, and a second live ruleset of the same name (the plan's and the
#: adaptation rules' engines side by side) was refused now and then with error 102.
_NUMBERS = itertools.count(1)
REGISTER_ATTEMPTS = 3
HEARTBEAT = "__heartbeat__"
FACT_KIND = "answers"
#: assert_fact's and retract_fact's status codes (durable-rules' `durable.engine` module,
#: `_handle_result`).
_DONE, _NOT_HANDLED, _OBSERVED, _QUEUED = 0, 1, 2, 3


class DurableEngine:
    """RuleEngine backed by durable-rules."""

    name = "durable"

    def __init__(self, conditions: Mapping[str, Condition]) -> None:
        # Only the answers some rule reads are asserted: fewer, smaller facts.
        self._paths = sorted(set().union(*(fields(c) for c in conditions.values())))
        self._shape = _shape(self._paths)
        self._lock = threading.Lock()
        self._sessions = itertools.count(1)
        self._sid = str(next(self._sessions))  # the session every evaluation uses
        ruleset: dict[str, Any] = {}
        #: The engine rule an action comes from -> the rule it reports: a counted
        #: condition is several engine rules with one name.
        self._reports: dict[str, str] = {}
        for name, condition in conditions.items():
            alternatives = _alternatives(condition)
            for number, alternative in enumerate(alternatives, 1):
                key = name if len(alternatives) == 1 else f"{name}#{number}"
                ruleset[key] = {"all": [{"m": _match(alternative)}]}
                self._reports[key] = name
        ruleset[HEARTBEAT] = {"all": [{"m": {"kind": FACT_KIND}}]}
        definition = json.dumps(ruleset, ensure_ascii=False)
        # The C library now and then refuses a valid ruleset ("error code: 102"),
        # depending on its memory (seen when several engines live in one process):
        # a fresh name almost always takes it. A ruleset that is really wrong fails
        # every time, and is reported.
        for attempt in range(REGISTER_ATTEMPTS):
            self._ruleset = f"{RULESET}-{next(_NUMBERS)}"
            try:
                self._handle = _LIBRARY.create_ruleset(self._ruleset, definition)
                break
            except Exception as exc:  # the C extension raises plain Exceptions
                if attempt + 1 == REGISTER_ATTEMPTS:
                    raise EngineError(f"durable-rules refused the compiled ruleset: {exc}") from exc

    def evaluate(self, answers: Mapping[str, Any]) -> frozenset[str]:
        fact = _pick(answers, self._paths, self._shape)
        with self._lock:
            fact.update(id=FACT_KIND, sid=self._sid, kind=FACT_KIND)
            text = jsonline.dumps(fact)
            try:
                actions = self._actions(text)
            except EngineError:
                self._new_session()
                raise
            except Exception as exc:  # the C extension raises plain Exceptions
                self._new_session()
                raise EngineError(f"durable-rules failed: {exc}") from exc
            try:
                retracted = _LIBRARY.retract_fact(self._handle, text)[0] == _DONE
            except Exception:  # the answers were read; only the session is in doubt
                retracted = False
            if not retracted:
                self._new_session()
        if HEARTBEAT not in actions:
            raise EngineError("durable-rules did not process the answers")
        try:
            return frozenset(self._reports[action] for action in actions if action != HEARTBEAT)
        except KeyError as exc:
            raise EngineError(f"durable-rules ran an action of no rule: {exc}") from None

    def _new_session(self) -> None:
        """Delete the session, whatever it holds; the next evaluation starts another."""
        _LIBRARY.delete_state(self._handle, self._sid)
        self._sid = str(next(self._sessions))

    def _actions(self, fact: str) -> list[str]:
        """The engine rule of every action the fact starts, in the engine's order."""
        status, state = _LIBRARY.assert_fact(self._handle, fact)
        if status == _NOT_HANDLED:
            raise EngineError("durable-rules did not process the answers")
        if status == _OBSERVED:
            raise EngineError("durable-rules had seen these answers already")
        if status == _QUEUED:
            state = 0
        actions: list[str] = []
        started = _LIBRARY.start_action_for_state(self._handle, state)
        message: Optional[str] = started[1] if started else None
        # An action left unfinished by a failure here goes with its session, which
        # `evaluate` then deletes.
        while message:
            actions.append(_rule_of(message))
            # Nothing is written back: the rules only read the answers.
            message = _LIBRARY.complete_and_start_action(self._handle, state)
        return actions


def _rule_of(message: str) -> str:
    """The rule an action is for. The engine sends {"RULE": {"m": FACT}}; the name is
    read off the front, which spares parsing the whole fact again."""
    if message.startswith('{"'):
        name, end = _DECODER.raw_decode(message, 1)
        if isinstance(name, str) and message[end : end + 1] == ":":
            return name
    rule: str = next(iter(json.loads(message)))
    return rule


_DECODER = json.JSONDecoder()


def _pick(answers: Mapping[str, Any], paths: list[str], shape: Optional[_Shape]) -> dict[str, Any]:
    """A copy of `answers` holding only the dotted `paths` (nested as in the answers).

    `shape` (from `_shape`) is the quick way for paths one or two keys deep; anything
    missing or unusual takes the general walk, path by path."""
    if shape is not None:
        try:
            fact: dict[str, Any] = {}
            for top, leaves in shape:
                value = answers[top]
                fact[top] = value if leaves is None else {leaf: value[leaf] for leaf in leaves}
            return fact
        except (KeyError, TypeError):
            pass
    fact = {}
    for path in paths:
        set_path(fact, path, get_path(answers, path))
    return fact


_Shape = tuple[tuple[str, Optional[tuple[str, ...]]], ...]


def _shape(paths: list[str]) -> Optional[_Shape]:
    """The paths grouped by their first key, ("age", None), ("red_flags", ("fever",
    ...)), or None when some path is deeper than two keys."""
    groups: dict[str, Optional[list[str]]] = {}
    for path in paths:
        top, dot, rest = path.partition(".")
        if "." in rest or (dot and groups.get(top, []) is None):
            return None
        if not dot:
            groups[top] = None
        else:
            leaves = groups.setdefault(top, [])
            assert leaves is not None
            leaves.append(rest)
    return tuple((top, None if leaves is None else tuple(leaves)) for top, leaves in groups.items())


def _alternatives(condition: Condition) -> list[Condition]:
    """A condition with a count ("at least 2 of ...") as a list of alternatives, any of
    which makes it hold; any other condition as itself.

    durable-rules cannot count, and refuses a rule with more than a few dozen
    expressions (its error 113). So "at least n of a, b, c, ..." becomes one engine
    rule per first item that holds: "a and at least n-1 of (b, c, ...)", "b and at
    least n-1 of (c, ...)", and so on: k-n+1 small rules rather than every choice of n.
    """
    if not _counts(condition):
        return [condition]
    if isinstance(condition, AnyOf):
        return [alt for item in condition.items for alt in _alternatives(item)]
    if isinstance(condition, AtLeast):
        items, minimum = condition.items, condition.minimum
        if minimum == 1:
            return _alternatives(AnyOf(items))
        alternatives: list[Condition] = []
        for first in range(len(items) - minimum + 1):
            rest = items[first + 1 :]
            later = AtLeast(minimum - 1, rest) if minimum > 2 else AnyOf(rest)
            alternatives += _alternatives(All((items[first], later)))
        return alternatives
    assert isinstance(condition, All)
    return [
        All(parts)
        for parts in itertools.product(*(_alternatives(item) for item in condition.items))
    ]


def _counts(condition: Condition) -> bool:
    if isinstance(condition, AtLeast):
        return True
    return not isinstance(condition, Test) and any(_counts(i) for i in condition.items)


def _match(condition: Condition) -> dict[str, Any]:
    """The durable-rules JSON form of a condition, restricted to the answers fact."""
    return {"$and": [{"kind": FACT_KIND}, _compile(condition)]}


_COMPARISONS = {"at_least": "$gte", "at_most": "$lte", "below": "$lt", "above": "$gt"}


def _compile(condition: Condition) -> dict[str, Any]:
    if isinstance(condition, All):
        return {"$and": [_compile(item) for item in condition.items]}
    if isinstance(condition, AnyOf):
        return {"$or": [_compile(item) for item in condition.items]}
    assert isinstance(condition, Test)
    field, op, value = condition.field, condition.op, condition.value
    if op == "is":
        return {field: value}
    if op == "is_not":
        return {"$neq": {field: value}}
    if op == "one_of":
        return {"$or": [{field: item} for item in value]}
    if op in _COMPARISONS:
        return {_COMPARISONS[op]: {field: value}}
    if op == "includes_any":
        return {"$iany": {field: {"$or": [{"$i": item} for item in value]}}}
    raise EngineError(f"no durable-rules form for operator {op!r}")
