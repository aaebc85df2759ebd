"""Reading data/poses.yaml: each exercise's start, (middle) and end pose, its props,
arrows and target area, validated so that no figure shows what a body cannot do.

A pose is refused, naming the exercise and the pose, when a joint is outside a human
range (body.RANGES), when a foot that should carry weight is off the floor or the
seat (unless the pose is lying down), when any part of the body passes through the
floor or a prop, or when the start and end poses are the same. Bones keep their
lengths by construction (body.BONES).

Only the figure renderer reads this file (render/figures.py, imported for HTML and
Markdown), so a JSON or text plan never parses it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from recommender.core.errors import DataFileError
from recommender.inputs.body import (
    HALF_WIDTH,
    MAT,
    SEAT,
    SIDES,
    SUPPORTS,
    VIEWS,
    Limb,
    Point,
    Pose,
    Skeleton,
    out_of_range,
    skeleton,
)
from recommender.inputs.datafiles import bundled_dir, read_yaml

POSE_NAMES = ("start", "middle", "end")
PROPS = ("chair", "wall", "door", "band", "dumbbells", "roller", "towel", "worktop")
WORKTOP = (90.0, 60.0)  # cm: a kitchen worktop's height and depth
AREAS = ("neck", "shoulders", "upper_back", "mid_back", "lower_back", "hips", "legs", "chest")
_POSE_KEYS = {"base", "view", "support", "says", "trunk", "neck", "head", "turn", "twist"}
_POSE_KEYS |= {"short", "lifted", "at", "x", "arms", "legs"}
_POSE_KEYS |= {f"{s}_{limb}" for s in ("near", "far", "left", "right") for limb in ("arm", "leg")}
_FIGURE_KEYS = {*POSE_NAMES, "props", "highlight", "arrows"}
TOLERANCE = 4.0  # cm: a foot this close to the floor stands on it


@dataclass(frozen=True)
class Prop:
    kind: str
    x: float = 0.0
    y: float = 0.0
    side: str = "left"  # wall: which side of its face is solid
    behind: bool = False  # front view: a wall or chair back behind the person
    hands: tuple[str, ...] = ()  # band and dumbbells: which hands hold them
    radius: float = 7.5  # roller


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

    @property
    def floor(self) -> float:
        return MAT if self.on_mat else 0.0


def poses_path() -> Path:
    return bundled_dir("data") / "poses.yaml"


@lru_cache(maxsize=4)
def load_figures(path: Optional[Path] = None) -> dict[str, Figure]:
    """Every figure in `path` (default: the bundled poses.yaml), validated.

    The bundled figures are kept in the start-up cache (inputs/cache.py), keyed by the
    file and the code that reads it: an HTML or Markdown plan need not parse and check
    them every time."""
    if path is None:
        from recommender.inputs import body
        from recommender.inputs.cache import cached, source_of

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


def _figure(exercise: str, spec: Any, bases: dict) -> Figure:
    if not isinstance(spec, dict):
        raise ValueError("must be a mapping")
    unknown = set(spec) - _FIGURE_KEYS
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)}")
    if "start" not in spec or "end" not in spec:
        raise ValueError("needs a start and an end pose")
    poses = tuple(_pose(n, spec[n], bases) for n in POSE_NAMES if n in spec)
    views = {p.view for p in poses}
    if len(views) != 1:
        raise ValueError(f"every pose must share one view, not {sorted(views)}")
    view = views.pop()
    props = tuple(_prop(p, view) for p in spec.get("props", []))
    highlight = tuple(spec.get("highlight", ()))
    for area in highlight:
        if area not in AREAS:
            raise ValueError(f"highlight {area!r}: use one of {', '.join(AREAS)}")
    arrows = tuple(_arrow(a) for a in spec.get("arrows", []))
    on_mat = any(p.support in ("lying", "kneeling", "all_fours") for p in poses)
    placed = tuple(_place(p, props, MAT if on_mat else 0.0) for p in poses)
    for pose, sk in zip(poses, placed, strict=True):
        problems = out_of_range(pose) + _contacts(sk, props, MAT if on_mat else 0.0)
        if problems:
            raise ValueError(f"{pose.name} pose: {'; '.join(problems)}")
    for first, second in zip(placed, placed[1:], strict=False):
        if _moved(first, second) < 3.0:
            raise ValueError(f"the {first.pose.name} and {second.pose.name} poses are the same")
    for arrow in arrows:
        if arrow.joint is not None and arrow.joint not in placed[0].points:
            raise ValueError(f"arrow follows unknown joint {arrow.joint!r}")
    return Figure(exercise, view, poses, placed, props, highlight, arrows, on_mat)


def _pose(name: str, spec: Any, bases: dict) -> Pose:
    if not isinstance(spec, dict):
        raise ValueError(f"{name} pose must be a mapping")
    merged: dict[str, Any] = {}
    if "base" in spec:
        if spec["base"] not in bases:
            raise ValueError(f"{name} pose: unknown base {spec['base']!r}")
        merged.update(bases[spec["base"]])
        # `arms` or `legs` in the pose itself replaces the base's arms or legs, sides too
        for both in ("arm", "leg"):
            if f"{both}s" in spec:
                merged = {k: v for k, v in merged.items() if not k.endswith(f"_{both}")}
    short = {**(merged.get("short") or {}), **(spec.get("short") or {})}  # both apply
    merged.update({k: v for k, v in spec.items() if k != "base"})
    if short:
        merged["short"] = short
    unknown = set(merged) - _POSE_KEYS
    if unknown:
        raise ValueError(f"{name} pose: unknown keys {sorted(unknown)}")
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
    sides = SIDES[view]
    arms = {s: _limb(merged.get(f"{s}_arm", merged.get("arms")), f"{s} arm") for s in sides}
    legs = {s: _limb(merged.get(f"{s}_leg", merged.get("legs")), f"{s} leg") for s in sides}
    for key in merged:
        if key.endswith(("_arm", "_leg")) and key.split("_")[0] not in sides:
            raise ValueError(f"{name} pose: {key} has no place in a {view} view")
    short = {str(k): float(v) for k, v in (merged.get("short") or {}).items()}
    for segment, factor in short.items():
        if not 0.1 <= factor <= 1.0:
            raise ValueError(f"{name} pose: short {segment} must be 0.1 to 1 (a bone seen end-on)")
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
        arms=arms,
        legs=legs,
        turn=float(merged.get("turn", 0.0)),
        twist=float(merged.get("twist", 0.0)),
        short=short,
        lifted=tuple(merged.get("lifted", ())),
        at=(float(at[0]), float(at[1])) if at is not None else None,
        x=float(merged.get("x", 0.0)),
    )


def _limb(value: Any, what: str) -> Limb:
    if not isinstance(value, list) or len(value) not in (2, 3):
        raise ValueError(f"{what}: give [first, second] or [thigh, shin, foot] directions")
    return Limb(float(value[0]), float(value[1]), float(value[2]) if len(value) == 3 else None)


def _prop(spec: Any, view: str) -> Prop:
    if not isinstance(spec, dict) or spec.get("kind") not in PROPS:
        raise ValueError(f"a prop needs a kind, one of {', '.join(PROPS)}")
    known = {"kind", "x", "y", "side", "behind", "hands", "radius"}
    if set(spec) - known:
        raise ValueError(f"prop {spec['kind']}: unknown keys {sorted(set(spec) - known)}")
    prop = Prop(
        kind=spec["kind"],
        x=float(spec.get("x", 0.0)),
        y=float(spec.get("y", 0.0)),
        side=spec.get("side", "left"),
        behind=bool(spec.get("behind", False)),
        hands=tuple(spec.get("hands", ())),
        radius=float(spec.get("radius", 7.5)),
    )
    if prop.kind in ("band", "dumbbells") and not prop.hands:
        raise ValueError(f"prop {prop.kind}: name the hands that hold it")
    if prop.side not in ("left", "right"):
        raise ValueError("prop side must be left or right")
    if prop.kind == "worktop" and view != "side":
        raise ValueError("prop worktop: drawn in side view only")
    return prop


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
        return sk.shifted(pose.x, SEAT + HALF_WIDTH["trunk"])
    if pose.view == "above":
        return sk.shifted(pose.x, 0.0)
    return sk.shifted(pose.x, floor - sk.lowest())


def _contacts(sk: Skeleton, props: tuple[Prop, ...], floor: float) -> list[str]:
    pose, pts = sk.pose, sk.points
    problems: list[str] = []
    if pose.view == "above":
        return problems
    if sk.lowest() < floor - 1.5:
        problems.append("the body goes below the floor")
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
            low = min(pts[f"{side}_heel"][1], pts[f"{side}_toe"][1]) - HALF_WIDTH["foot"]
        else:
            low = pts[contact][1] - HALF_WIDTH["limb"]
        if low > floor + TOLERANCE:
            problems.append(f"the {side} {joint} is {low - floor:.0f} cm off the floor")
    if len([c for c in bearing if c not in pose.lifted]) < 1 and pose.support != "lying":
        problems.append("nothing carries the weight")
    for part, (x, y), half in sk.samples():
        for prop in props:
            depth = _inside(prop, pose.view, x, y, half)
            if depth > 1.5:
                problems.append(f"the {part} goes {depth:.0f} cm into the {prop.kind}")
                break
    return sorted(set(problems))


def _inside(prop: Prop, view: str, x: float, y: float, half: float) -> float:
    """How far a body point (with its thickness) sinks into a solid prop (cm)."""
    boxes: list[tuple[float, float, float, float]] = []
    if prop.kind == "chair" and view == "side":
        boxes = [(prop.x - 16, SEAT - 4, prop.x + 26, SEAT)]  # seat
        boxes.append((prop.x - 19, SEAT, prop.x - 16, SEAT + 42))  # back rest
    elif prop.kind == "wall" and not prop.behind:
        solid = (prop.x - 500, prop.x) if prop.side == "left" else (prop.x, prop.x + 500)
        boxes = [(solid[0], -10, solid[1], 400)]
    elif prop.kind == "worktop":
        height, depth = WORKTOP
        far = prop.x + depth if prop.side == "right" else prop.x - depth
        boxes = [(min(prop.x, far), 0.0, max(prop.x, far), height)]
    elif prop.kind == "roller":
        centre = (prop.x, MAT + prop.radius)
        return max(0.0, prop.radius + half - math.dist((x, y), centre))
    depth = 0.0
    for x1, y1, x2, y2 in boxes:
        inner = min(x - (x1 - half), (x2 + half) - x, y - (y1 - half), (y2 + half) - y)
        depth = max(depth, inner)
    return depth


def _moved(a: Skeleton, b: Skeleton) -> float:
    return max(math.dist(a.points[k], b.points[k]) for k in a.points if k in b.points)
