"""The durable-rules engine (durable-rules 2.0.28), the only module that imports it.

The conditions are compiled once into one JSON ruleset and registered on a host of our
own. Each evaluation asserts the answers as a single fact in a fresh session, collects
the actions that ran, and deletes the session. The engine's traps (docs/architecture.md) are
handled here:

- facts, not events, so that every rule sees the answers; one fact per session with an
  explicit id, so the same fact is never asserted twice;
- a heartbeat rule that always matches, so no batch of facts goes unhandled and an
  engine that silently did nothing is caught;
- the session is deleted in `finally`, so the 1,024-session limit is never reached;
- an exception inside an action comes back in the state, and is raised from here;
- no background timer threads (the host's `_run` is not started) and a lock around
  each evaluation, since the engine has no locks of its own.
"""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Callable, Mapping
from typing import Any, Optional

from durable import engine as durable

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


class _Host(durable.Host):
    """A private host: actions are bound by name, and no timer threads run."""

    def __init__(self, actions: Mapping[str, Callable[[Any], None]]) -> None:
        self._actions = dict(actions)
        super().__init__()

    def _run(self) -> None:
        # The base host starts two self-rescheduling timer threads that dispatch
        # actions and timers in the background, racing our own calls. Rules here use
        # no timers and every action completes within assert_fact, so none are needed.
        pass

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        try:
            return self._actions[action_name]
        except KeyError:
            raise EngineError(f"no action named {action_name!r}") from None


class DurableEngine:
    """RuleEngine backed by durable-rules."""

    name = "durable"

    def __init__(self, conditions: Mapping[str, Condition]) -> None:
        self._names = tuple(conditions)
        # Only the answers some rule reads are asserted: fewer, smaller facts.
        self._paths = sorted(set().union(*(fields(c) for c in conditions.values())))
        self._shape = _shape(self._paths)
        self._fired: list[str] = []
        self._lock = threading.Lock()
        self._sessions = itertools.count(1)
        ruleset: dict[str, Any] = {}
        for name, condition in conditions.items():
            alternatives = _alternatives(condition)
            if len(alternatives) == 1:
                ruleset[name] = {"all": [{"m": _match(alternatives[0])}], "run": name}
                continue
            # Several engine rules, one per alternative, all recording the same name.
            for number, alternative in enumerate(alternatives, 1):
                ruleset[f"{name}#{number}"] = {"all": [{"m": _match(alternative)}], "run": name}
        ruleset[HEARTBEAT] = {"all": [{"m": {"kind": FACT_KIND}}], "run": HEARTBEAT}
        actions = {name: self._recorder(name) for name in (*self._names, HEARTBEAT)}
        # The C library now and then refuses a valid ruleset ("error code: 102"),
        # depending on its memory (seen when several engines live in one process):
        # a fresh host and name almost always take it. A ruleset that is really wrong
        # fails every time, and is reported.
        for attempt in range(REGISTER_ATTEMPTS):
            self._ruleset = f"{RULESET}-{next(_NUMBERS)}"
            self._host = _Host(actions)
            try:
                # The engine pops "run" out of the dicts it is given: give it a copy.
                self._host.register_rulesets({self._ruleset: copy.deepcopy(ruleset)})
                break
            except Exception as exc:  # the C extension raises plain Exceptions
                if attempt + 1 == REGISTER_ATTEMPTS:
                    raise EngineError(f"durable-rules refused the compiled ruleset: {exc}") from exc

    def _recorder(self, name: str) -> Callable[[Any], None]:
        def record(closure: Any) -> None:
            self._fired.append(name)

        return record

    def evaluate(self, answers: Mapping) -> frozenset[str]:
        fact = _pick(answers, self._paths, self._shape)
        with self._lock:
            sid = str(next(self._sessions))
            fact.update(id=FACT_KIND, sid=sid, kind=FACT_KIND)
            self._fired = []
            try:
                state = self._host.assert_fact(self._ruleset, fact)
            except Exception as exc:
                raise EngineError(f"durable-rules failed: {exc}") from exc
            finally:
                self._host.delete_state(self._ruleset, sid)
            fired = self._fired
        if state and state.get("exception"):
            raise EngineError(f"a rule action failed inside durable-rules: {state['exception']}")
        if HEARTBEAT not in fired:
            raise EngineError("durable-rules did not process the answers")
        return frozenset(name for name in fired if name != HEARTBEAT)


def _pick(answers: Mapping, paths: list[str], shape: Optional[_Shape]) -> dict:
    """A copy of `answers` holding only the dotted `paths` (nested as in the answers).

    `shape` (from `_shape`) is the quick way for paths one or two keys deep; anything
    missing or unusual takes the general walk, path by path."""
    if shape is not None:
        try:
            fact: dict = {}
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


def _match(condition: Condition) -> dict:
    """The durable-rules JSON form of a condition, restricted to the answers fact."""
    return {"$and": [{"kind": FACT_KIND}, _compile(condition)]}


_COMPARISONS = {"at_least": "$gte", "at_most": "$lte", "below": "$lt", "above": "$gt"}


def _compile(condition: Condition) -> dict:
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
