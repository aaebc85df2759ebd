"""Reading data/poses.yaml: each exercise's start, (middle) and end pose, its props,
arrows and target area, what it touches, which part moves and the facts of its steps,
validated so that no figure shows what a body cannot do or what its steps do not say.

A figure is refused, naming the exercise and the pose, when a joint is outside a
human range (body.RANGES), when a foot that should carry weight is off the floor or
the seat (unless the pose is lying down), when a contact it declares is not made,
when any part of the body passes through the floor, a prop or the body itself (in
its poses or on the way between them), when the part that moves does not move
visibly, or when a fact of its steps does not hold (inputs/figure_checks.py). Bones
keep their lengths by construction (body.BONES).

Every key added since the first figures is optional: `touch`, `facts` and `moves`
(figure), `touch`, `facts`, `shrug`, `nod` and `belly` (pose), `turned` and `beside`
(chair), `beside` (door), `around` (band), and the `angled` view. A figure without
them is still held to everything that needs no declaration.

Only the figure renderer reads this file (render/figures.py, imported for HTML and
Markdown), so a JSON or text plan never parses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from recommender.core.errors import DataFileError
from recommender.inputs import body
from recommender.inputs import figure_checks as checks
from recommender.inputs.body import (
    FACING,
    MAT,
    SEAT,
    SIDES,
    SUPPORTS,
    TAPER,
    VIEWS,
    Limb,
    Point,
    Pose,
    Skeleton,
    between,
    out_of_range,
    skeleton,
)
from recommender.inputs.cache import cached, source_of
from recommender.inputs.datafiles import bundled_dir, read_yaml

POSE_NAMES = ("start", "middle", "end")
PROPS = ("chair", "wall", "door", "band", "dumbbells", "roller", "towel", "worktop")
AREAS = ("neck", "shoulders", "upper_back", "mid_back", "lower_back", "hips", "legs", "chest")
_POSE_KEYS = {"base", "view", "support", "says", "trunk", "neck", "head", "turn", "twist", "nod"}
_POSE_KEYS |= {"belly"}
_POSE_KEYS |= {"short", "lifted", "at", "x", "arms", "legs", "shrug", "touch", "facts"}
_POSE_KEYS |= {f"{s}_{limb}" for s in ("near", "far", "left", "right") for limb in ("arm", "leg")}
#: Pose keys that describe the moment, not the body: never taken from a base.
_OWN_KEYS = {"touch", "facts"}
_FIGURE_KEYS = {*POSE_NAMES, "props", "highlight", "arrows", "touch", "facts", "moves"}
TOLERANCE = 4.0  # cm: a foot this close to the floor stands on it
#: Poses checked on the way from one pose to the next (the animation shows them).
BETWEEN = (0.25, 0.5, 0.75)


@dataclass(frozen=True)
class Prop:
    kind: str
    x: float = 0.0
    y: float = 0.0
    side: str = "left"  # wall: which side of its face is solid
    behind: bool = False  # front view: a wall or chair back behind the person
    #: side view: a chair beside the person, on their far side; facing views: a door
    #: seen edge-on beside the person (a band fixed to it pulls sideways)
    beside: bool = False
    hands: tuple[str, ...] = ()  # band and dumbbells: which hands hold them
    radius: float = 7.5  # roller
    turned: str = ""  # chair, facing views: seen side-on, its back on this side
    around: str = ""  # band with no fixed end: around the knees, or between the hands


@dataclass(frozen=True)
class Arrow:
    """The movement from one pose to the next, drawn on the earlier pose."""

    joint: Optional[str] = None  # follows this joint from pose to pose
    start: Optional[Point] = None  # or a drawn path of its own
    end: Optional[Point] = None
    bend: float = 0.0  # how far the path bows out, in cm (+ to the left of travel)


@dataclass(frozen=True)
class Figure:
    exercise: str
    view: str
    poses: tuple[Pose, ...]
    placed: tuple[Skeleton, ...]
    props: tuple[Prop, ...]
    highlight: tuple[str, ...]
    arrows: tuple[Arrow, ...]
    on_mat: bool = field(default=False)
    #: for each pose: the contacts it makes, part to place or part
    touches: tuple[dict[str, str], ...] = ()
    #: for each pose: the facts of the steps that hold in it
    facts: tuple[tuple[str, ...], ...] = ()
    #: the points that must move visibly
    movers: tuple[str, ...] = ()

    @property
    def floor(self) -> float:
        return MAT if self.on_mat else 0.0

    def frame(self, index: int, t: float) -> Skeleton:
        """The body a fraction `t` of the way from pose `index` to the next, placed as
        the two poses are: on the floor, on the seat, or between the two."""
        if t <= 0 or index + 1 >= len(self.poses):
            return self.placed[index]
        first, second = self.poses[index], self.poses[index + 1]
        return place_between(
            between(first, second, t),
            self.placed[index],
            self.placed[index + 1],
            t,
            self.props,
            self.floor,
        )


def poses_path() -> Path:
    return bundled_dir("data") / "poses.yaml"


@lru_cache(maxsize=4)
def load_figures(path: Optional[Path] = None) -> dict[str, Figure]:
    """Every figure in `path` (default: the bundled poses.yaml), validated.

    The bundled figures are kept in the start-up cache (inputs/cache.py), keyed by the
    file and the code that reads it: an HTML or Markdown plan need not parse and check
    them every time."""
    if path is None:
        bundled = poses_path()
        key = [bundled, *source_of(body), Path(__file__)]
        return cached("figures", key, lambda: _read(bundled), kind=dict)
    return _read(path)


def _read(path: Path) -> dict[str, Figure]:
    raw = read_yaml(path)
    if not isinstance(raw, dict) or set(raw) != {"bases", "figures"}:
        raise DataFileError(f"{path}: expected exactly the keys 'bases' and 'figures'")
    bases, figures = raw["bases"], raw["figures"]
    if not isinstance(bases, dict) or not isinstance(figures, dict):
        raise DataFileError(f"{path}: 'bases' and 'figures' must be mappings")
    out: dict[str, Figure] = {}
    for exercise, spec in figures.items():
        try:
            out[exercise] = _figure(str(exercise), spec, bases)
        except (ValueError, TypeError, KeyError) as exc:
            raise DataFileError(f"{path}: figure {exercise}: {exc}") from None
    return out


def figure_key(exercise_id: str, position: str, usual: str) -> str:
    """The figure of an exercise in one of its positions: `id` in the usual position,
    `id@position` in another (a seated neck stretch done standing, say)."""
    return exercise_id if position == usual else f"{exercise_id}@{position}"


def check_against(figures: dict[str, Figure], wanted: set[str]) -> list[str]:
    """What does not match the catalog: a figure missing for an exercise in one of its
    positions (`wanted`, keys as figure_key gives), or a figure of no exercise."""
    problems = [f"exercise {e} has no figure" for e in sorted(wanted - set(figures))]
    stray = set(figures) - wanted
    problems += [f"figure {f} is of no exercise in the catalog" for f in sorted(stray)]
    return problems


# -- building ----------------------------------------------------------------------


def _figure(exercise: str, spec: Any, bases: dict[Any, Any]) -> Figure:
    _check_figure_keys(spec)
    own = [(n, spec[n]) for n in POSE_NAMES if n in spec]  # the poses in their order
    poses = tuple(_pose(n, p, bases) for n, p in own)
    views = {p.view for p in poses}
    if len(views) != 1:
        raise ValueError(f"every pose must share one view, not {sorted(views)}")
    view = views.pop()
    props = tuple(_prop(p, view) for p in spec.get("props", []))
    highlight = _highlight(spec.get("highlight", ()))
    arrows = tuple(_arrow(a) for a in spec.get("arrows", []))
    on_mat = any(p.support in ("lying", "kneeling", "all_fours") for p in poses)
    floor = MAT if on_mat else 0.0
    placed = tuple(_place(p, props, floor) for p in poses)
    for arrow in arrows:
        if arrow.joint is not None and arrow.joint not in placed[0].points:
            raise ValueError(f"arrow follows unknown joint {arrow.joint!r}")
    touches = tuple(
        {**_touch(spec.get("touch"), view, "figure"), **_touch(p.get("touch"), view, n)}
        for n, p in own
    )
    facts = tuple(
        (*_facts(spec.get("facts"), view, "figure"), *_facts(p.get("facts"), view, n))
        for n, p in own
    )
    movers = _movers(spec.get("moves"), arrows, placed[0])
    _check_stills(poses, placed, props, floor, touches, facts)
    movement = checks.movement_problems(placed, movers)
    if movement:
        raise ValueError("; ".join(movement))
    figure = Figure(
        exercise, view, poses, placed, props, highlight, arrows, on_mat, touches, facts, movers
    )
    _check_motion(figure, floor)
    return figure


def _check_figure_keys(spec: Any) -> None:
    if not isinstance(spec, dict):
        raise ValueError("must be a mapping")
    unknown = set(spec) - _FIGURE_KEYS
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)}")
    if "start" not in spec or "end" not in spec:
        raise ValueError("needs a start and an end pose")


def _highlight(value: Any) -> tuple[str, ...]:
    """`highlight: [neck, upper_back]`: the painful areas the figure shades."""
    for area in value:
        if area not in AREAS:
            raise ValueError(f"highlight {area!r}: use one of {', '.join(AREAS)}")
    return tuple(value)


def _check_stills(
    poses: tuple[Pose, ...],
    placed: tuple[Skeleton, ...],
    props: tuple[Prop, ...],
    floor: float,
    touches: tuple[dict[str, str], ...],
    facts: tuple[tuple[str, ...], ...],
) -> None:
    """Each pose as drawn: joints in range, resting on something, touching what it
    says, nothing through the body, and the facts of its steps true."""
    surfaces = checks.places(props, poses[0].view, floor)
    scene = checks.Scene(surfaces, floor, props)
    for pose, sk, touch, said in zip(poses, placed, touches, facts, strict=True):
        problems = out_of_range(pose) + _contacts(sk, props, floor)
        problems += checks.contact_problems(sk, touch, surfaces)
        problems += checks.through_body(sk, touch)
        problems += [p for p in (checks.fact_problem(sk, f, scene) for f in said) if p]
        if problems:
            raise ValueError(f"{pose.name} pose: {'; '.join(sorted(set(problems)))}")


def _check_motion(figure: Figure, floor: float) -> None:
    """The frames between poses: nothing passes through the body or a prop."""
    poses = figure.poses
    for i in range(len(poses) - 1):
        for t in BETWEEN:
            problems = _through(figure.frame(i, t), figure.props, floor)
            if problems:
                way = f"on the way from the {poses[i].name} to the {poses[i + 1].name} pose"
                raise ValueError(f"{way}: {'; '.join(sorted(set(problems)))}")


def _touch(value: Any, view: str, where: str) -> dict[str, str]:
    """`touch: {near_hand: chair_back, back: roller}`: parts and what they rest on."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{where} touch: give a mapping of body part to what it touches")
    names = checks.part_names(view)
    out = {}
    for part, target in value.items():
        if part not in names:
            raise ValueError(
                f"{where} touch: {part!r} is not a body part ({', '.join(sorted(names))})"
            )
        if target not in checks.PLACES and target not in names:
            raise ValueError(
                f"{where} touch: {part} on {target!r}: use a body part or one of "
                f"{', '.join(checks.PLACES)}"
            )
        out[str(part)] = str(target)
    return out


def _facts(value: Any, view: str, where: str) -> tuple[str, ...]:
    """`facts: [knees bent, looking at the floor]`: what the steps say, as checks."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(f, str) for f in value):
        raise ValueError(f"{where} facts: give a list of facts in words")
    for said in value:
        if not checks.known_fact(said, view):
            known = ", ".join(sorted(checks.FACTS))
            raise ValueError(
                f"{where} facts: {said!r} is not a fact the loader can check; use one of "
                f"{known}, or '<part> on <place>' (hands on the chair back)"
            )
    return tuple(value)


def _movers(value: Any, arrows: tuple[Arrow, ...], first: Skeleton) -> tuple[str, ...]:
    """The points that must move visibly: `moves`, else the points the arrows follow."""
    if value is None:
        return tuple(a.joint for a in arrows if a.joint is not None)
    if not isinstance(value, list) or not all(v in first.points for v in value):
        raise ValueError(f"moves: name body points ({', '.join(sorted(first.points))})")
    return tuple(value)


def _pose(name: str, spec: Any, bases: dict[Any, Any]) -> Pose:
    merged = _merged(name, spec, bases)
    view = merged.get("view", "side")
    if view not in VIEWS:
        raise ValueError(f"{name} pose: view {view!r} is not one of {', '.join(VIEWS)}")
    support = merged.get("support")
    if support not in SUPPORTS:
        raise ValueError(f"{name} pose: support {support!r} is not one of {', '.join(SUPPORTS)}")
    says = merged.get("says")
    if not isinstance(says, str) or not says.strip():
        raise ValueError(f"{name} pose: 'says' must describe the pose in words")
    trunk = merged.get("trunk", 90)
    lumbar, thoracic = (trunk, trunk) if isinstance(trunk, (int, float)) else trunk
    at = merged.get("at")
    return Pose(
        name=name,
        view=view,
        support=support,
        says=" ".join(says.split()),
        lumbar=float(lumbar),
        thoracic=float(thoracic),
        neck=float(merged.get("neck", thoracic)),
        head=float(merged.get("head", merged.get("neck", thoracic))),
        **_limbs(name, merged, view),
        turn=float(merged.get("turn", 0.0)),
        twist=float(merged.get("twist", 0.0)),
        nod=float(merged.get("nod", 0.0)),
        shrug=_shrug(name, merged.get("shrug", (0.0, 0.0))),
        belly=_belly(name, merged, view),
        short=_short(name, merged.get("short") or {}),
        lifted=tuple(merged.get("lifted", ())),
        at=(float(at[0]), float(at[1])) if at is not None else None,
        x=float(merged.get("x", 0.0)),
    )


def _merged(name: str, spec: Any, bases: dict[Any, Any]) -> dict[str, Any]:
    """The pose's own keys over its base's: `arms` or `legs` in the pose replace the
    base's arms or legs, sides too; `short` of both apply."""
    if not isinstance(spec, dict):
        raise ValueError(f"{name} pose must be a mapping")
    merged: dict[str, Any] = {}
    if "base" in spec:
        if spec["base"] not in bases:
            raise ValueError(f"{name} pose: unknown base {spec['base']!r}")
        merged.update(bases[spec["base"]])
        for both in ("arm", "leg"):
            if f"{both}s" in spec:
                merged = {k: v for k, v in merged.items() if not k.endswith(f"_{both}")}
    short = {**(merged.get("short") or {}), **(spec.get("short") or {})}
    merged = {k: v for k, v in merged.items() if k not in _OWN_KEYS}
    merged.update({k: v for k, v in spec.items() if k not in ("base", *_OWN_KEYS)})
    if short:
        merged["short"] = short
    unknown = set(merged) - _POSE_KEYS
    if unknown:
        raise ValueError(f"{name} pose: unknown keys {sorted(unknown)}")
    return merged


def _limbs(name: str, merged: dict[str, Any], view: str) -> dict[str, dict[str, Limb]]:
    """The arms and legs a view shows (near and far, or left and right)."""
    sides = SIDES[view]
    for key in merged:
        if key.endswith(("_arm", "_leg")) and key.split("_")[0] not in sides:
            raise ValueError(f"{name} pose: {key} has no place in a {view} view")
    return {
        "arms": {s: _limb(merged.get(f"{s}_arm", merged.get("arms")), f"{s} arm") for s in sides},
        "legs": {s: _limb(merged.get(f"{s}_leg", merged.get("legs")), f"{s} leg") for s in sides},
    }


def _short(name: str, value: dict[Any, Any]) -> dict[str, float]:
    """`short: {left_fore: 0.6}`: bones drawn shorter, being seen end-on."""
    short = {str(k): float(v) for k, v in value.items()}
    for segment, factor in short.items():
        if not 0.1 <= factor <= 1.0:
            raise ValueError(f"{name} pose: short {segment} must be 0.1 to 1 (a bone seen end-on)")
    return short


def _shrug(name: str, value: Any) -> tuple[float, float]:
    """`shrug: [cm up, cm back]`, or one number (cm up)."""
    if isinstance(value, (int, float)):
        value = (value, 0.0)
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ValueError(f"{name} pose: shrug is [cm up, cm back] or one number (cm up)")
    return (float(value[0]), float(value[1]))


def _belly(name: str, merged: dict[str, Any], view: str) -> float:
    belly = float(merged.get("belly", 0.0))
    if belly and view != "side":
        # facing us, a tummy that rises comes toward us: nothing to draw
        raise ValueError(f"{name} pose: belly (the tummy rising) is drawn in a side view only")
    return belly


def _limb(value: Any, what: str) -> Limb:
    if not isinstance(value, list) or len(value) not in (2, 3):
        raise ValueError(f"{what}: give [first, second] or [thigh, shin, foot] directions")
    return Limb(float(value[0]), float(value[1]), float(value[2]) if len(value) == 3 else None)


def _prop(spec: Any, view: str) -> Prop:
    if not isinstance(spec, dict) or spec.get("kind") not in PROPS:
        raise ValueError(f"a prop needs a kind, one of {', '.join(PROPS)}")
    known = {"kind", "x", "y", "side", "behind", "beside", "hands", "radius", "turned", "around"}
    if set(spec) - known:
        raise ValueError(f"prop {spec['kind']}: unknown keys {sorted(set(spec) - known)}")
    prop = Prop(
        kind=spec["kind"],
        x=float(spec.get("x", 0.0)),
        y=float(spec.get("y", 0.0)),
        side=spec.get("side", "left"),
        behind=bool(spec.get("behind", False)),
        beside=bool(spec.get("beside", False)),
        hands=tuple(spec.get("hands", ())),
        radius=float(spec.get("radius", 7.5)),
        turned=str(spec.get("turned", "")),
        around=str(spec.get("around", "")),
    )
    _check_placing(prop, view)
    _check_holding(prop)
    return prop


def _check_placing(prop: Prop, view: str) -> None:
    """Where a prop stands must be one the figure can show from its view."""
    if prop.turned not in ("", "left", "right") or (prop.turned and prop.kind != "chair"):
        raise ValueError("turned: a chair seen side-on has its back on the left or right")
    if prop.beside and not (
        (prop.kind == "chair" and view == "side") or (prop.kind == "door" and view in FACING)
    ):
        raise ValueError(
            "beside: a chair seen from the side, or a door seen from the front, stands"
            " beside the person"
        )
    if prop.turned and view not in FACING:
        raise ValueError("turned: only a chair in a front or angled view is seen side-on")
    if prop.kind == "worktop" and view != "side":
        raise ValueError("prop worktop: drawn in side view only")


def _check_holding(prop: Prop) -> None:
    """What holds a band or dumbbells, and on which side a prop is."""
    if prop.around not in ("", "knees", "hands") or (prop.around and prop.kind != "band"):
        raise ValueError("around: a band is looped around the knees or held between the hands")
    if prop.kind in ("band", "dumbbells") and not prop.hands and prop.around != "knees":
        raise ValueError(f"prop {prop.kind}: name the hands that hold it")
    if prop.around == "hands" and len(prop.hands) != 2:
        raise ValueError("around: a band held between the hands needs both hands")
    if prop.side not in ("left", "right"):
        raise ValueError("prop side must be left or right")


def _arrow(spec: Any) -> Arrow:
    if not isinstance(spec, dict) or set(spec) - {"joint", "from", "to", "bend"}:
        raise ValueError("an arrow is {joint, bend} or {from, to, bend}")
    if "joint" in spec:
        return Arrow(joint=str(spec["joint"]), bend=float(spec.get("bend", 0.0)))
    start, end = spec["from"], spec["to"]
    return Arrow(
        start=(float(start[0]), float(start[1])),
        end=(float(end[0]), float(end[1])),
        bend=float(spec.get("bend", 0.0)),
    )


# -- placing and checking ---------------------------------------------------------


def _place(pose: Pose, props: tuple[Prop, ...], floor: float) -> Skeleton:
    """The pose set down: on the seat when sitting, otherwise on the floor or mat."""
    sk = skeleton(pose)
    if pose.at is not None:
        return sk.shifted(*pose.at)
    if pose.support == "sitting":
        if not any(p.kind == "chair" for p in props):
            raise ValueError(f"{pose.name} pose sits, but there is no chair")
        # The hip joint sits a little less than the buttock's depth above the seat.
        return sk.shifted(pose.x, SEAT + TAPER["lumbar"][0] - 1.0)
    if pose.view in ("above", "angled"):
        return sk.shifted(pose.x, 0.0)
    return sk.shifted(pose.x, floor - sk.lowest())


def place_between(
    pose: Pose,
    first: Skeleton,
    second: Skeleton,
    t: float,
    props: tuple[Prop, ...],
    floor: float,
) -> Skeleton:
    """A pose on the way between two placed ones: set down as both are when they rest
    the same way, else carried between their two places and kept off the floor."""
    a, b = first.pose, second.pose
    same = a.support == b.support and a.at is None and b.at is None
    if same and (a.support != "sitting" or any(p.kind == "chair" for p in props)):
        return _place(pose, props, floor)
    sk = skeleton(pose)
    (x1, y1), (x2, y2) = first.root, second.root
    sk = sk.shifted(x1 + (x2 - x1) * t, y1 + (y2 - y1) * t)
    if pose.view not in ("above", "angled") and sk.lowest() < floor:
        sk = sk.shifted(0.0, floor - sk.lowest())
    return sk


def _contacts(sk: Skeleton, props: tuple[Prop, ...], floor: float) -> list[str]:
    """What carries the weight is on the floor, and nothing passes through anything."""
    pose, pts = sk.pose, sk.points
    problems: list[str] = []
    if pose.view in ("above", "angled"):
        return problems
    sides = SIDES[pose.view]
    bearing: list[str] = []
    if pose.support in ("standing", "sitting"):
        bearing = [f"{s}_foot" for s in sides]
    elif pose.support == "kneeling":
        bearing = [f"{s}_{j}" for s in sides for j in ("knee", "foot")]
    elif pose.support == "all_fours":
        bearing = [f"{s}_{j}" for s in sides for j in ("knee", "hand")]
    for contact in bearing:
        if contact in pose.lifted:
            continue
        side, joint = contact.split("_")
        if joint == "foot":
            low = min(pts[f"{side}_heel"][1], pts[f"{side}_toe"][1]) - TAPER["foot"][0]
        else:
            low = pts[contact][1] - TAPER["shin"][0]
        if low > floor + TOLERANCE:
            problems.append(f"the {side} {joint} is {low - floor:.0f} cm off the floor")
    if len([c for c in bearing if c not in pose.lifted]) < 1 and pose.support != "lying":
        problems.append("nothing carries the weight")
    return problems + _through(sk, props, floor)


def _through(sk: Skeleton, props: tuple[Prop, ...], floor: float) -> list[str]:
    """No part of the body passes through the floor or a solid prop."""
    if sk.pose.view in ("above", "angled"):
        return []
    return checks.through_props(sk, checks.places(props, sk.pose.view, floor))
