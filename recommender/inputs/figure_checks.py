"""What the loader holds every figure to, beyond joint ranges (body.out_of_range):

- contacts: every part the pose data says touches something (a hand on the chair
  back, the back on the roller, the seat on the chair) is within TOUCH of it;
- nothing passes through anything: the floor, a solid prop, or the body itself (a
  leg through the trunk, a near arm through the head);
- the part that moves in the steps moves visibly: at least MIN_MOVE in the drawn view;
- the facts of the steps ("knees bent", "looking at the floor", "arms out to the
  sides") hold in the poses they are listed for.

All of it is measured on the drawn shapes (body.TAPER gives every part's thickness),
in the picture's plane, so what is checked is what a person sees.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from recommender.inputs.body import (
    FACING,
    HAND_RADIUS,
    HEAD_RADIUS,
    MAT,
    SEAT,
    SIDES,
    TAPER,
    WORKTOP,
    WORKTOP_LIP,
    Point,
    Skeleton,
    joint_angles,
    turn,
    unit,
)

if TYPE_CHECKING:
    from recommender.inputs.poses_file import Prop

TOUCH = 3.0  # cm: a part this close to a surface touches it
SINK = 1.5  # cm: a part may press this far into a surface (soft tissue, a mat)
BODY_SINK = 4.0  # cm: how far one part of the body may overlap another it lies against
MIN_MOVE = 6.0  # cm: the least movement a person can see in a printed figure
BELLY_PEAK = 0.45  # a breath pushes the tummy out most this far from the hip to the waist


# -- shapes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    x1: float
    y1: float
    x2: float
    y2: float
    solid: bool = True

    def distance(self, x: float, y: float) -> float:
        """Signed distance from (x, y) to the box: negative inside."""
        dx = max(self.x1 - x, 0.0, x - self.x2)
        dy = max(self.y1 - y, 0.0, y - self.y2)
        if dx == 0.0 and dy == 0.0:
            return -min(x - self.x1, self.x2 - x, y - self.y1, self.y2 - y)
        return math.hypot(dx, dy)


@dataclass(frozen=True)
class Disc:
    x: float
    y: float
    r: float
    solid: bool = True

    def distance(self, x: float, y: float) -> float:
        return math.dist((x, y), (self.x, self.y)) - self.r


Shape = Box | Disc

#: What a pose may say a part touches, besides another part of the body.
PLACES = (
    "floor",
    "chair",
    "chair_seat",
    "chair_back",
    "wall",
    "roller",
    "towel",
    "door",
    "worktop",
)


def prop_shapes(prop: Prop, view: str, floor: float) -> dict[str, list[Shape]]:
    """The surfaces of one prop by name (chair_seat, chair_back, ...), in the view."""
    x = prop.x
    if prop.kind == "chair":
        if view == "side":
            # A chair beside the person is behind them in the picture: it blocks
            # nothing, but a hand rests on it.
            solid = not prop.beside
            seat = Box(x - 16, SEAT - 4, x + 26, SEAT, solid=solid)
            back = Box(x - 19, SEAT, x - 16, SEAT + 42, solid=solid)
        elif prop.turned:
            # Seen side-on in a facing view: its back at one side of the person.
            sign = 1 if prop.turned == "right" else -1
            seat = Box(x - 22, SEAT - 4, x + 22, SEAT, solid=False)
            edge = x + 22 * sign
            back = Box(min(edge, edge + 3 * sign), SEAT, max(edge, edge + 3 * sign), SEAT + 42)
        else:
            # Facing us: the seat is under the person and the back behind them.
            seat = Box(x - 27, SEAT - 4, x + 27, SEAT, solid=False)
            back = Box(x - 25, SEAT, x + 25, SEAT + 44, solid=False)
        return {"chair_seat": [seat], "chair": [seat], "chair_back": [back]}
    if prop.kind == "wall":
        if prop.behind:  # behind a person seen from the front: their back is on it
            return {"wall": [Box(-500, -10, 500, 400, solid=False)]}
        span = (x - 500, x) if prop.side == "left" else (x, x + 500)
        return {"wall": [Box(span[0], -10, span[1], 400)]}
    if prop.kind == "roller":
        return {"roller": [Disc(x, MAT + prop.radius, prop.radius)]}
    if prop.kind == "towel":
        return {"towel": [Box(x - 11, floor, x + 11, floor + 4)]}
    if prop.kind == "worktop":
        # Side view only: a cupboard from the floor, reaching away from its front edge
        # (x) on its side, under a top that overhangs it by WORKTOP_LIP; hands rest on
        # the top.
        height, depth = WORKTOP
        sign = 1 if prop.side == "right" else -1
        far = x + depth * sign
        lip = x - WORKTOP_LIP * sign
        return {
            "worktop": [
                Box(min(x, far), 0, max(x, far), height - 4),
                Box(min(lip, far), height - 4, max(lip, far), height),
            ]
        }
    if prop.kind == "door":
        # A door frame stands beside the person: it never blocks the body in the
        # picture, but forearms rest on it.
        if view == "side" or prop.beside:  # a door frame, or a door seen edge-on
            return {"door": [Box(x - 4, 0, x + 4, 205, solid=False)]}
        w = x or 45.0
        return {"door": [Box(-w - 8, 0, -w, 205, solid=False), Box(w, 0, w + 8, 205, solid=False)]}
    return {}


def places(props: Iterable[Prop], view: str, floor: float) -> dict[str, list[Shape]]:
    found: dict[str, list[Shape]] = {"floor": [Box(-1000, floor - 100, 1000, floor)]}
    for prop in props:
        for name, shapes in prop_shapes(prop, view, floor).items():
            found.setdefault(name, []).extend(shapes)
    return found


# -- the body's parts as discs -----------------------------------------------------

#: Parts a pose may name, besides a side's hand, foot, knee, elbow, forearm, shin,
#: thigh or upper arm (near_hand, left_knee ...) and those words for both sides.
REGIONS = (
    "head",
    "back",
    "upper_back",
    "lower_back",
    "seat",
    "chest",
    "tummy",
    "shoulders",
    "hips",
)
_LIMB_PARTS = ("hand", "foot", "knee", "elbow", "forearm", "shin", "thigh", "upper_arm")
_PLURALS = {f"{p}s": p for p in _LIMB_PARTS if p != "foot"} | {"feet": "foot"}


def part_names(view: str) -> set[str]:
    names = set(REGIONS) | set(_PLURALS)
    names |= {f"{s}_{p}" for s in SIDES[view] for p in _LIMB_PARTS}
    return names


def discs(sk: Skeleton, part: str) -> list[tuple[Point, float]]:
    """The discs (centre, radius) that make up one named part of the drawn body."""
    p = sk.points
    side, _, limb = part.partition("_")
    if limb in _LIMB_PARTS and f"{side}_elbow" in p:
        if limb == "hand":
            return [(p[f"{side}_hand"], HAND_RADIUS)]
        if limb == "knee":
            return [(p[f"{side}_knee"], TAPER["thigh"][1] + 0.5)]
        if limb == "elbow":
            return [(p[f"{side}_elbow"], TAPER["upper"][1] + 0.5)]
        segment = {
            "foot": (f"{side}_heel", f"{side}_toe", "foot"),
            "forearm": (f"{side}_elbow", f"{side}_hand", "fore"),
            "shin": (f"{side}_knee", f"{side}_ankle", "shin"),
            "thigh": (f"{side}_hip", f"{side}_knee", "thigh"),
            "upper_arm": (f"{side}_shoulder", f"{side}_elbow", "upper"),
        }[limb]
        return _along(p[segment[0]], p[segment[1]], *TAPER[segment[2]])
    lumbar = _along(p["hip"], p["waist"], *TAPER["lumbar"])
    thoracic = _along(p["waist"], p["shoulder"], *TAPER["thoracic"])
    ends = [k for k in ("near_shoulder", "left_shoulder", "right_shoulder") if k in p]
    shoulders = thoracic[-3:] + [(p[k], TAPER["upper"][0] + 1.5) for k in ends]
    if sk.pose.view in FACING and part != "head":
        # Facing us, the trunk is as wide as the shoulders and the hips.
        corners = [(c, 0.0) for c in sk.torso()]
        lumbar += corners[1:5]
        thoracic += corners[:2] + corners[4:]
    regions = {
        "head": [(p["head"], HEAD_RADIUS)],
        "back": lumbar + thoracic,
        "upper_back": thoracic,
        "lower_back": lumbar,
        "seat": lumbar[:4],
        "hips": lumbar[:4],
        "chest": thoracic,
        "tummy": _belly(sk, lumbar)[3:] + thoracic[:3],
        "shoulders": shoulders,
    }
    return regions[part]


def belly_bulge(t: float, belly: float) -> float:
    """How far a breath pushes the tummy's front out, a fraction `t` of the way from
    the hip joint to the waist: most just below the navel (the drawn outline's shape)."""
    if t <= BELLY_PEAK:
        return belly * t / BELLY_PEAK
    return belly * (1 - 0.6 * (t - BELLY_PEAK) / (1 - BELLY_PEAK))


def _belly(sk: Skeleton, lumbar: list[tuple[Point, float]]) -> list[tuple[Point, float]]:
    """The lower back's discs with the tummy pushed out in front by a breath in."""
    if not sk.pose.belly or sk.pose.view != "side":
        return lumbar
    fx, fy = unit(sk.pose.lumbar - 90)  # seen from the side, the front of the body
    n = len(lumbar) - 1
    out = []
    for i, ((x, y), r) in enumerate(lumbar):
        push = belly_bulge(i / n, sk.pose.belly)
        out.append(((x + fx * push, y + fy * push), r))
    return out


def _along(a: Point, b: Point, w1: float, w2: float, n: int = 10) -> list[tuple[Point, float]]:
    return [
        ((a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n), w1 + (w2 - w1) * i / n)
        for i in range(n + 1)
    ]


def sides_of(part: str, view: str) -> list[str]:
    """A part name for both sides (hands) as one name per side (near_hand, far_hand)."""
    if part in _PLURALS:
        return [f"{s}_{_PLURALS[part]}" for s in SIDES[view]]
    return [part]


def gap(sk: Skeleton, part: str, target: str, surfaces: dict[str, list[Shape]]) -> float:
    """How far `part` is from `target` (a place or another part): 0 or less touches."""
    mine = discs(sk, part)
    if target in surfaces:
        return min(s.distance(*c) - r for c, r in mine for s in surfaces[target])
    theirs = discs(sk, target)
    return min(math.dist(c1, c2) - r1 - r2 for c1, r1 in mine for c2, r2 in theirs)


# -- the checks ----------------------------------------------------------------------


def contact_problems(
    sk: Skeleton, touches: dict[str, str], surfaces: dict[str, list[Shape]]
) -> list[str]:
    """Every declared contact is made: within TOUCH of its target."""
    problems = []
    for part, target in touches.items():
        for one in sides_of(part, sk.pose.view):
            for other in sides_of(target, sk.pose.view) if target not in surfaces else [target]:
                distance = gap(sk, one, other, surfaces)
                if distance > TOUCH:
                    what = other.replace("_", " ")
                    problems.append(
                        f"the {one.replace('_', ' ')} should touch the {what} "
                        f"but is {distance:.0f} cm away"
                    )
    return problems


def through_props(sk: Skeleton, surfaces: dict[str, list[Shape]]) -> list[str]:
    """No part of the body sinks into the floor or a solid prop. Arms are free of the
    chair: seen from the side, an arm hanging by the side is beside the seat."""
    problems = []
    for name, shapes in surfaces.items():
        for part, (x, y), half in sk.samples():
            if name.startswith("chair") and part.endswith(("arm", "hand")):
                continue
            depth = max((half - s.distance(x, y) for s in shapes if s.solid), default=0.0)
            if depth > SINK:
                where = "floor" if name == "floor" else name.split("_")[0]
                problems.append(f"the {part} goes {depth:.0f} cm into the {where}")
                break
    return problems


def through_body(sk: Skeleton, touches: dict[str, str]) -> list[str]:
    """No limb passes through the trunk or the head.

    A leg cannot pass through the trunk in any view. A near limb drawn across the face
    (side view), or any limb across the face (facing views), reads as passing through
    the head, unless the pose says that arm rests against the head (a hand behind it,
    the head hanging between the arms)."""
    pose, p = sk.pose, sk.points
    problems: list[str] = []
    # an arm that touches the head (a hand behind it, the head between the arms)
    holding_head = {part for part, target in touches.items() if target == "head"}
    holding_head = {one.split("_")[0] for part in holding_head for one in sides_of(part, pose.view)}
    trunk = discs(sk, "back")
    head = discs(sk, "head")
    # Seen from the feet or from above, a leg lies over the body, not through it.
    for side in pose.legs if pose.view not in ("angled", "above") else ():
        if pose.short.get(f"{side}_thigh", 1.0) < 0.5:
            continue  # a thigh pointing at us: it is in front of the trunk, not in it
        hip, knee = p[f"{side}_hip"], p[f"{side}_knee"]
        leg = _along(hip, knee, *TAPER["thigh"])[5:]  # the hip joint itself overlaps
        leg += discs(sk, f"{side}_shin") + discs(sk, f"{side}_foot")
        depth = _overlap(leg, trunk)
        if depth > BODY_SINK:
            problems.append(f"the {side} leg goes {depth:.0f} cm into the body")
    near = [s for s in (pose.arms if pose.view in FACING else ("near",)) if s in pose.arms]
    for side in near:
        if side in holding_head:
            continue
        arm = _along(p[f"{side}_shoulder"], p[f"{side}_elbow"], *TAPER["upper"])[4:]
        arm += discs(sk, f"{side}_forearm") + discs(sk, f"{side}_hand")
        depth = _overlap(_over_face(sk, arm, head), head)
        if depth > SINK + 1:
            problems.append(f"the {side} arm passes through the head ({depth:.0f} cm)")
    for side in near:
        if side in pose.legs:
            leg = discs(sk, f"{side}_shin") + discs(sk, f"{side}_foot")
            depth = _overlap(_over_face(sk, leg, head), head)
            if depth > SINK + 1:
                problems.append(f"the {side} leg passes through the head ({depth:.0f} cm)")
    return problems


def _over_face(
    sk: Skeleton, limb: list[tuple[Point, float]], head: list[tuple[Point, float]]
) -> list[tuple[Point, float]]:
    """The parts of a limb that reach over the face half of the head. An arm raised
    beside the head covers the ear and reads as beside it; one across the face (the
    reaching arm of a bird dog in line with the head) reads as through the head."""
    (hx, hy), radius = head[0]
    nx, ny = sk.points["nose"]
    length = math.hypot(nx - hx, ny - hy) or 1.0
    ux, uy = (nx - hx) / length, (ny - hy) / length
    return [(c, r) for c, r in limb if (c[0] - hx) * ux + (c[1] - hy) * uy + r > 0.25 * radius]


def _overlap(these: list[tuple[Point, float]], those: list[tuple[Point, float]]) -> float:
    return max((r1 + r2 - math.dist(c1, c2) for c1, r1 in these for c2, r2 in those), default=0.0)


def movement_problems(placed: tuple[Skeleton, ...], movers: tuple[str, ...]) -> list[str]:
    """Each pose differs visibly from the one before, and each part the steps move
    (`movers`) moves at least MIN_MOVE somewhere in the figure."""
    problems = []
    for first, second in zip(placed, placed[1:], strict=False):
        moved = _moved(first, second)
        if moved < 3.0:
            problems.append(f"the {first.pose.name} and {second.pose.name} poses are the same")
        elif moved < MIN_MOVE:
            problems.append(
                f"nothing moves more than {moved:.0f} cm from the {first.pose.name} to the "
                f"{second.pose.name} pose: too little to see (at least {MIN_MOVE:.0f} cm)"
            )
    for mover in movers:
        most = max(
            (
                math.dist(a.points[mover], b.points[mover])
                for a, b in zip(placed, placed[1:], strict=False)
            ),
            default=0.0,
        )
        if most < MIN_MOVE:
            problems.append(
                f"the {mover.replace('_', ' ')} moves only {most:.0f} cm: too little to see "
                f"(at least {MIN_MOVE:.0f} cm)"
            )
    return problems


def _moved(a: Skeleton, b: Skeleton) -> float:
    return max(math.dist(a.points[k], b.points[k]) for k in a.points if k in b.points)


# -- the facts of the steps ----------------------------------------------------------


@dataclass(frozen=True)
class Scene:
    """What a fact may look at besides the pose: the surfaces and the floor."""

    surfaces: dict[str, list[Shape]]
    floor: float
    props: tuple[Prop, ...]


Fact = Callable[[Skeleton, Scene], Optional[str]]
#: Each fact a figure may state, and its test: None when it holds, else what is wrong.
FACTS: dict[str, Fact] = {}


def fact(*names: str) -> Callable[[Fact], Fact]:
    def register(test: Fact) -> Fact:
        for name in names:
            FACTS[name] = test
        return test

    return register


def face_direction(sk: Skeleton) -> float:
    """Where the face points in the picture, in degrees (from the head's centre to the
    nose). In a facing view the face points at us; this is then the head's tilt."""
    (hx, hy), (nx, ny) = sk.points["head"], sk.points["nose"]
    if sk.pose.view in FACING and abs(sk.pose.turn) < 0.5:
        return math.degrees(
            math.atan2(hy - sk.points["neck_top"][1], hx - sk.points["neck_top"][0])
        )
    return math.degrees(math.atan2(ny - hy, nx - hx))


def _knees(sk: Skeleton) -> list[tuple[str, float]]:
    """Each leg's knee bend as seen (a thigh pointing at us counts as bent)."""
    pose = sk.pose
    angles = joint_angles(pose)
    out = []
    for side in pose.legs:
        if pose.view == "side":
            bend = angles[f"{side} knee"]
        else:
            bend = abs(angles[f"{side} side_knee"])
            if min(pose.short.get(f"{side}_thigh", 1), pose.short.get(f"{side}_shin", 1)) < 0.8:
                bend = max(bend, 90.0)
        out.append((side, bend))
    return out


@fact("knees bent")
def _knees_bent(sk: Skeleton, scene: Scene) -> Optional[str]:
    straight = [f"{s} knee {b:.0f}" for s, b in _knees(sk) if b < 35]
    return f"the knees are not bent ({', '.join(straight)} degrees)" if straight else None


@fact("knees slightly bent", "knees soft")
def _knees_soft(sk: Skeleton, scene: Scene) -> Optional[str]:
    wrong = [f"{s} knee {b:.0f}" for s, b in _knees(sk) if not 4 <= b <= 40]
    return f"the knees are not softly bent ({', '.join(wrong)} degrees)" if wrong else None


@fact("legs straight")
def _legs_straight(sk: Skeleton, scene: Scene) -> Optional[str]:
    bent = [f"{s} knee {b:.0f}" for s, b in _knees(sk) if b > 12]
    return f"the legs are not straight ({', '.join(bent)} degrees)" if bent else None


@fact("one leg straight")
def _one_leg_straight(sk: Skeleton, scene: Scene) -> Optional[str]:
    knees = _knees(sk)
    return None if any(b <= 12 for _, b in knees) else "no leg is straight"


@fact("one knee bent")
def _one_knee_bent(sk: Skeleton, scene: Scene) -> Optional[str]:
    knees = _knees(sk)
    return None if any(b >= 35 for _, b in knees) else "no knee is bent"


def _support(wanted: str, words: str) -> Fact:
    def test(sk: Skeleton, scene: Scene) -> Optional[str]:
        return None if sk.pose.support == wanted else f"the figure is not {words}"

    return test


for _name, (_wanted, _words) in {
    "sitting": ("sitting", "sitting"),
    "standing": ("standing", "standing"),
    "kneeling": ("kneeling", "kneeling"),
    "on hands and knees": ("all_fours", "on hands and knees"),
}.items():
    FACTS[_name] = _support(_wanted, _words)


@fact("sitting sideways on the chair")
def _sideways(sk: Skeleton, scene: Scene) -> Optional[str]:
    if sk.pose.support != "sitting" or not any(p.kind == "chair" and p.turned for p in scene.props):
        return "the figure does not sit sideways on a chair seen side-on"
    return None


@fact("lying on the back")
def _on_back(sk: Skeleton, scene: Scene) -> Optional[str]:
    if sk.pose.support != "lying":
        return "the figure is not lying down"
    if sk.pose.view == "side" and not 30 <= turn(face_direction(sk), 0) <= 150:
        return "the face does not point up"
    return None


@fact("lying face down")
def _face_down(sk: Skeleton, scene: Scene) -> Optional[str]:
    if sk.pose.support != "lying":
        return "the figure is not lying down"
    if sk.pose.view != "side" or not 200 <= turn(face_direction(sk), 0) <= 340:
        return "the face does not point at the floor"
    return None


@fact("lying on the side")
def _on_side(sk: Skeleton, scene: Scene) -> Optional[str]:
    if sk.pose.support != "lying" or sk.pose.view not in ("front", "angled"):
        return "the figure is not lying on its side seen from the front"
    return None


@fact("looking at the floor")
def _looking_down(sk: Skeleton, scene: Scene) -> Optional[str]:
    if sk.pose.view in FACING:
        return None if sk.pose.nod >= 0.5 else "the face is not tipped toward the floor"
    off = abs(turn(face_direction(sk) + 90))
    return None if off <= 35 else f"the face points {off:.0f} degrees away from the floor"


@fact("looking forward", "eyes level", "chin level")
def _looking_ahead(sk: Skeleton, scene: Scene) -> Optional[str]:
    face = face_direction(sk)
    if sk.pose.view in FACING:
        tilt = abs(turn(face - 90))
        if abs(sk.pose.turn) > 0.3 or abs(sk.pose.nod) > 0.3 or tilt > 15:
            return "the head is not facing forward and level"
        return None
    off = min(abs(turn(face)), abs(turn(face - 180)))
    return None if off <= 22 else f"the face points {off:.0f} degrees off level"


@fact("looking down")
def _looking_lower(sk: Skeleton, scene: Scene) -> Optional[str]:
    """The face tipped down, short of the floor (looking at the knees)."""
    if sk.pose.view in FACING:
        return None if sk.pose.nod >= 0.4 else "the face is not tipped down"
    face = turn(face_direction(sk), 0)
    return None if 195 <= face <= 345 else "the face does not point downward"


@fact("looking up")
def _looking_up(sk: Skeleton, scene: Scene) -> Optional[str]:
    face = turn(face_direction(sk), 0)
    return None if 12 <= face <= 168 else "the face does not point upward"


@fact("head turned to the right")
def _turned_right(sk: Skeleton, scene: Scene) -> Optional[str]:
    return None if sk.pose.turn <= -0.7 else "the head is not turned to the right"


@fact("head turned to the left")
def _turned_left(sk: Skeleton, scene: Scene) -> Optional[str]:
    return None if sk.pose.turn >= 0.7 else "the head is not turned to the left"


@fact("head turned a little to the right")
def _turned_right_a_little(sk: Skeleton, scene: Scene) -> Optional[str]:
    return None if sk.pose.turn <= -0.25 else "the head is not turned to the right"


@fact("head turned a little to the left")
def _turned_left_a_little(sk: Skeleton, scene: Scene) -> Optional[str]:
    return None if sk.pose.turn >= 0.25 else "the head is not turned to the left"


def _tipped(sk: Skeleton) -> float:
    """A facing view's head tilt: + toward the person's right shoulder."""
    return turn(sk.pose.head - 90) if sk.pose.view in FACING else 0.0


@fact("head tipped to the right")
def _tipped_right(sk: Skeleton, scene: Scene) -> Optional[str]:
    return None if _tipped(sk) >= 20 else "the head is not tipped toward the right shoulder"


@fact("head tipped to the left")
def _tipped_left(sk: Skeleton, scene: Scene) -> Optional[str]:
    return None if _tipped(sk) <= -20 else "the head is not tipped toward the left shoulder"


@fact("chest turned to the right")
def _chest_right(sk: Skeleton, scene: Scene) -> Optional[str]:
    return None if sk.pose.twist >= 25 else "the chest is not turned to the right"


@fact("shoulders lifted")
def _shrugged(sk: Skeleton, scene: Scene) -> Optional[str]:
    return None if sk.pose.shrug[0] >= 4 else "the shoulders are not lifted"


@fact("shoulders drawn back")
def _shoulders_back(sk: Skeleton, scene: Scene) -> Optional[str]:
    return None if sk.pose.shrug[1] >= 2 else "the shoulders are not drawn back"


def _arm_hangs(sk: Skeleton, side: str) -> Optional[str]:
    """An arm by the side: the upper arm within 30 degrees of the trunk's line downward,
    the hand below the elbow."""
    pose = sk.pose
    arm = pose.arms[side]
    if pose.view == "side":
        off = abs(turn(arm.a - (pose.thoracic - 180)))
    else:
        off = abs(joint_angles(pose)[f"{side} abduction"])
    if off > 30:
        return f"the {side} upper arm is {off:.0f} degrees from the side"
    if sk.points[f"{side}_hand"][1] > sk.points[f"{side}_elbow"][1] + 2:
        return f"the {side} hand is raised above the elbow"
    return None


@fact("arms by the sides")
def _arms_by_sides(sk: Skeleton, scene: Scene) -> Optional[str]:
    for side in sk.pose.arms:
        found = _arm_hangs(sk, side)
        if found:
            return found
    return None


@fact("arms out to the sides")
def _arms_out(sk: Skeleton, scene: Scene) -> Optional[str]:
    if sk.pose.view not in FACING:
        return "arms out to the sides cannot be seen in a side view"
    angles = joint_angles(sk.pose)
    for side in sk.pose.arms:
        if not 60 <= angles[f"{side} abduction"] <= 120:
            return f"the {side} arm is not out to the side"
    return None


def _elbow_bends(sk: Skeleton) -> list[tuple[str, float]]:
    """Each arm's elbow bend as seen (a forearm seen end-on counts as unknown: 0)."""
    angles = joint_angles(sk.pose)
    out = []
    for side in sk.pose.arms:
        bend = abs(angles.get(f"{side} elbow", angles.get(f"{side} side_elbow", 0.0)))
        out.append((side, bend))
    return out


@fact("arms straight", "elbows straight")
def _arms_straight(sk: Skeleton, scene: Scene) -> Optional[str]:
    bent = [f"{s} elbow {b:.0f}" for s, b in _elbow_bends(sk) if b > 15]
    return f"the arms are not straight ({', '.join(bent)} degrees)" if bent else None


@fact("arms straight out in front")
def _arms_in_front(sk: Skeleton, scene: Scene) -> Optional[str]:
    """Seen from the front, arms pointing at us look short, the hands in front of the
    chest; seen from the side, they point ahead at about shoulder height."""
    pose, p = sk.pose, sk.points
    for side in pose.arms:
        if pose.view in FACING:
            short = max(pose.short.get(f"{side}_upper", 1), pose.short.get(f"{side}_fore", 1))
            if short > 0.6:
                return f"the {side} arm does not point at us"
        else:
            arm = pose.arms[side]
            if abs(turn(arm.a - (pose.thoracic - 90))) > 25 or abs(turn(arm.b - arm.a)) > 15:
                return f"the {side} arm is not straight out in front"
        shoulder = p[f"{side}_shoulder"][1]
        if not shoulder - 30 <= p[f"{side}_hand"][1] <= shoulder + 8:
            return f"the {side} hand is not at about shoulder height"
    return None


def _one_elbow(side: str, bent: bool) -> Fact:
    def test(sk: Skeleton, scene: Scene) -> Optional[str]:
        found = dict(_elbow_bends(sk))
        if side not in found:
            return f"the figure has no {side} arm in this view"
        if bent:
            return None if found[side] >= 40 else f"the {side} elbow is not bent"
        return None if found[side] <= 15 else f"the {side} arm is not straight"

    return test


for _side in ("near", "far", "left", "right"):
    FACTS[f"{_side} elbow bent"] = _one_elbow(_side, True)
    FACTS[f"{_side} arm straight"] = _one_elbow(_side, False)


@fact("on the balls of the feet", "on the ball of the foot")
def _on_toes(sk: Skeleton, scene: Scene) -> Optional[str]:
    """Every foot that carries weight stands on its toes, its heel off the floor."""
    for side in sk.pose.legs:
        if f"{side}_foot" in sk.pose.lifted:
            continue
        heel, toe = sk.points[f"{side}_heel"], sk.points[f"{side}_toe"]
        if toe[1] - TAPER["foot"][1] > scene.floor + TOUCH:
            return f"the {side} toes are off the floor"
        if heel[1] - toe[1] < 5:
            return f"the {side} heel is not lifted"
    return None


@fact("arms crossed over the chest")
def _arms_crossed(sk: Skeleton, scene: Scene) -> Optional[str]:
    for side in sk.pose.arms:
        if gap(sk, f"{side}_hand", "chest", scene.surfaces) > TOUCH:
            return f"the {side} hand is not on the chest"
    return None


@fact("hands behind the head")
def _hands_behind_head(sk: Skeleton, scene: Scene) -> Optional[str]:
    for side in sk.pose.arms:
        if gap(sk, f"{side}_hand", "head", scene.surfaces) > TOUCH:
            return f"the {side} hand is not at the head"
    return None


@fact("back upright")
def _upright(sk: Skeleton, scene: Scene) -> Optional[str]:
    pose = sk.pose
    off = max(abs(turn(pose.lumbar - 90)), abs(turn(pose.thoracic - 90)))
    if pose.view != "side":
        off = max(off, (1 - min(pose.short.get("lumbar", 1), pose.short.get("thoracic", 1))) * 90)
    return None if off <= 12 else f"the back leans {off:.0f} degrees from upright"


@fact("body straight")
def _body_straight(sk: Skeleton, scene: Scene) -> Optional[str]:
    """Shoulders, hips and knees in one line (a plank, a bridge, a side plank)."""
    p = sk.points
    knees = [p[f"{s}_knee"] for s in sk.pose.legs]
    knee = (sum(k[0] for k in knees) / len(knees), sum(k[1] for k in knees) / len(knees))
    (sx, sy), (hx, hy) = p["shoulder"], p["hip"]
    trunk = math.degrees(math.atan2(sy - hy, sx - hx))
    thigh = math.degrees(math.atan2(hy - knee[1], hx - knee[0]))
    bend = abs(turn(trunk - thigh))
    return None if bend <= 15 else f"the body bends {bend:.0f} degrees at the hips"


@fact("back flat")
def _back_flat(sk: Skeleton, scene: Scene) -> Optional[str]:
    bend = abs(turn(sk.pose.lumbar - sk.pose.thoracic))
    return None if bend <= 12 else f"the back bends {bend:.0f} degrees"


@fact("back rounded")
def _back_rounded(sk: Skeleton, scene: Scene) -> Optional[str]:
    flexion = joint_angles(sk.pose).get("spine", 0.0)
    if sk.pose.support == "lying" and sk.pose.view == "side" and _face_up(sk):
        flexion = -flexion  # lying on the back, the spine curls the other way round
    return None if flexion >= 15 else "the back is not rounded"


@fact("back arched")
def _back_arched(sk: Skeleton, scene: Scene) -> Optional[str]:
    flexion = joint_angles(sk.pose).get("spine", 0.0)
    return None if flexion <= -10 else "the back is not arched"


def _face_up(sk: Skeleton) -> bool:
    return 0 < turn(face_direction(sk), 0) < 180


@fact("leaning forward")
def _leaning(sk: Skeleton, scene: Scene) -> Optional[str]:
    if sk.pose.view != "side":
        return None if sk.pose.short.get("thoracic", 1.0) < 0.9 else "the trunk is not leaning"
    lean = 90 - sk.pose.lumbar
    return None if 15 <= lean <= 80 else "the trunk is not leaning forward from the hips"


@fact("upper body halfway to the floor")
def _halfway(sk: Skeleton, scene: Scene) -> Optional[str]:
    if sk.pose.view != "side":
        factor = sk.pose.short.get("thoracic", 1.0)
        return None if factor <= 0.75 else "the trunk is not tipped forward"
    return None if 20 <= sk.pose.thoracic <= 60 else "the trunk is not about halfway to the floor"


@fact("hips lifted")
def _hips_lifted(sk: Skeleton, scene: Scene) -> Optional[str]:
    hip = sk.points["hip"][1] - TAPER["lumbar"][0]
    # With no floor line (a view from the feet), the floor is where the body rests.
    floor = scene.floor if sk.pose.view not in ("angled", "above") else sk.lowest()
    return None if hip >= floor + 8 else "the hips are not lifted off the floor"


@fact("head lifted")
def _head_lifted(sk: Skeleton, scene: Scene) -> Optional[str]:
    low = sk.points["head"][1] - HEAD_RADIUS
    return None if low >= scene.floor + 2 else "the head is not lifted"


@fact("shoulders on the floor")
def _shoulders_down(sk: Skeleton, scene: Scene) -> Optional[str]:
    return (
        None
        if gap(sk, "shoulders", "floor", scene.surfaces) <= TOUCH
        else "the shoulders are off the floor"
    )


@fact("elbows bent")
def _elbows_bent(sk: Skeleton, scene: Scene) -> Optional[str]:
    angles = joint_angles(sk.pose)
    for side in sk.pose.arms:
        bend = angles.get(f"{side} elbow", angles.get(f"{side} side_elbow", 0.0))
        short = min(sk.pose.short.get(f"{side}_upper", 1), sk.pose.short.get(f"{side}_fore", 1))
        if abs(bend) < 40 and short > 0.6:
            return f"the {side} elbow is not bent"
    return None


@fact("feet flat")
def _feet_flat(sk: Skeleton, scene: Scene) -> Optional[str]:
    for side in sk.pose.legs:
        if side + "_foot" in sk.pose.lifted:
            continue
        if gap(sk, f"{side}_foot", "floor", scene.surfaces) > TOUCH:
            return f"the {side} foot is off the floor"
        if sk.pose.view == "side":
            (x1, y1), (x2, y2) = sk.points[f"{side}_heel"], sk.points[f"{side}_toe"]
            slope = abs(math.degrees(math.atan2(y2 - y1, abs(x2 - x1))))
            if slope > 15:
                return f"the {side} foot is not flat ({slope:.0f} degrees)"
    return None


@fact("one knee lifted", "one foot lifted")
def _knee_lifted(sk: Skeleton, scene: Scene) -> Optional[str]:
    feet = [s for s in sk.pose.legs if f"{s}_foot" in sk.pose.lifted]
    return None if len(feet) == 1 else "not exactly one foot is lifted"


@fact("knees lowered to one side")
def _knees_to_side(sk: Skeleton, scene: Scene) -> Optional[str]:
    if sk.pose.view not in ("angled", "above"):
        return "a sideways lowering of the knees needs a view from the feet or above"
    for side in sk.pose.legs:
        knee, hip = sk.points[f"{side}_knee"], sk.points["hip"]
        if abs(knee[0] - hip[0]) < 25:
            return f"the {side} knee has not moved to the side"
    return None


@fact("arm reaching forward")
def _arm_forward(sk: Skeleton, scene: Scene) -> Optional[str]:
    arm = sk.pose.arms.get("near")
    if arm is None or abs(turn(arm.a)) > 20 or abs(turn(arm.b)) > 20:
        return "the near arm is not reaching straight forward"
    return None


@fact("leg reaching back")
def _leg_back(sk: Skeleton, scene: Scene) -> Optional[str]:
    legs = sk.pose.legs
    if not any(
        abs(turn(leg.a - 180)) <= 20 and abs(turn(leg.b - 180)) <= 20 for leg in legs.values()
    ):
        return "no leg reaches straight back"
    return None


#: A fact in the pattern "<part> on <place or part>" is a contact ("back on the
#: roller", "hands on the chair back", "forearms on the floor").
_CONTACT = re.compile(
    r"^(?P<part>[a-z_ ]+?) (?:on|against|touching) (?:the )?(?P<target>[a-z_ ]+)$"
)


#: Facts said as the steps say them that are contacts underneath.
ALIASES = {
    "holding the chair back": "hands on the chair back",
    "sitting on the chair": "seat on the chair",
    "back on the roller": "back on the roller",
}


def contact_fact(text: str, view: str) -> Optional[tuple[str, str]]:
    """("hands", "chair_back") for "hands on the chair back"; None for other facts."""
    found = _CONTACT.match(ALIASES.get(text, text))
    if not found:
        return None
    part = found["part"].replace(" ", "_")
    target = found["target"].replace(" ", "_")
    names = part_names(view)
    if part in names and (target in PLACES or target in names):
        return part, target
    return None


def known_fact(text: str, view: str) -> bool:
    return text in FACTS or contact_fact(text, view) is not None


def fact_problem(sk: Skeleton, text: str, scene: Scene) -> Optional[str]:
    contact = contact_fact(text, sk.pose.view)
    if contact is not None:
        problems = contact_problems(sk, {contact[0]: contact[1]}, scene.surfaces)
        return problems[0] if problems else None
    return FACTS[text](sk, scene)
