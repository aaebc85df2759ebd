"""A drawn body: bone lengths, the thickness of each part, joint ranges, and where each
joint lands for a pose.

A pose (data/poses.yaml) gives the direction of each body segment in degrees, in the
picture's own plane: 0 points right, 90 up, counter-clockwise positive. Bone lengths
are fixed here, so every pose of one figure has bones of the same length by
construction; a limb seen end-on may only look shorter (`short`, a factor up to 1).

The body is a tree of segments (`Node`): each starts at its parent's joint, points in
its own direction and has its own length. The renderer draws each segment in a group
turned about the joint it hangs from, so the same tree gives the still pictures and
the movement between them; the checks read the same tree as points.

Views:
- side: the person faces right; `near` limbs are drawn dark, `far` limbs light.
- front: the person faces us; their `left` limbs are on the picture's right.
- angled: seen from the feet and a little above, for movements on the floor that
  neither side nor front shows (knees lowered to one side); limbs as in the front view,
  the floor a plane under the body rather than a line.
- above: a person lying on their back seen from the ceiling; drawn as the front view
  turned a quarter, so the head is on the left.

Everything is in centimetres with y up; the floor is y = 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

Point = tuple[float, float]

#: Bone lengths (cm), the same for every figure.
BONES = {
    "lumbar": 24.0,  # hip joint to waist
    "thoracic": 28.0,  # waist to the base of the neck
    "neck": 9.0,
    "head": 11.0,  # top of the neck to the centre of the head
    "upper": 29.0,  # shoulder to elbow
    "fore": 31.0,  # elbow to the middle of the hand
    "thigh": 44.0,
    "shin": 45.0,  # knee to ankle
    "foot": 17.0,  # ankle to toes
}
HEAD_RADIUS = 10.0
HAND_RADIUS = 4.2
#: Half the drawn thickness of each part at its two ends (cm): limbs taper from the
#: body outwards. The drawing and every check (the floor, props, contacts, the body's
#: own parts) use these same widths.
TAPER = {
    "lumbar": (10.5, 9.0),
    "thoracic": (9.0, 10.0),
    "neck": (4.2, 4.2),
    "upper": (4.6, 3.6),
    "fore": (3.5, 2.6),
    "thigh": (7.4, 5.2),
    "shin": (5.0, 3.4),
    "foot": (3.4, 2.2),
}
#: The widest half-thickness of each kind of part, for callers that need one number.
HALF_WIDTH = {"trunk": 10.5, "limb": 3.5, "foot": 3.4}
HIP_HALF = 9.0  # front view: the hip joints either side of the middle
SHOULDER_HALF = 16.0
WAIST_HALF = 12.5  # front view: half the width of the waist
SEAT = 44.0  # chair seat height
WORKTOP = (90.0, 60.0)  # a kitchen worktop's height and depth
WORKTOP_LIP = 3.0  # how far its top overhangs the cupboard
MAT = 1.5  # mat thickness

VIEWS = ("side", "front", "angled", "above")
#: Views drawn square to the person's front: their own left and right limbs.
FACING = ("front", "angled", "above")
SIDES = {
    "side": ("near", "far"),
    "front": ("left", "right"),
    "angled": ("left", "right"),
    "above": ("left", "right"),
}
SUPPORTS = ("standing", "sitting", "kneeling", "all_fours", "lying")


def unit(degrees: float) -> Point:
    rad = math.radians(degrees)
    return math.cos(rad), math.sin(rad)


def step(start: Point, degrees: float, length: float) -> Point:
    dx, dy = unit(degrees)
    return start[0] + dx * length, start[1] + dy * length


def turn(degrees: float, low: float = -180.0) -> float:
    """An angle brought into [low, low + 360)."""
    return (degrees - low) % 360.0 + low


def polar(dx: float, dy: float) -> tuple[float, float]:
    """(direction, length) of an offset; a zero offset points nowhere in particular."""
    length = math.hypot(dx, dy)
    return (math.degrees(math.atan2(dy, dx)) if length > 1e-9 else 0.0), length


@dataclass(frozen=True)
class Limb:
    """One arm (upper, fore) or leg (thigh, shin, foot) as segment directions."""

    a: float
    b: float
    foot: float | None = None


@dataclass(frozen=True)
class Pose:
    """One moment of an exercise, as segment directions."""

    name: str  # start, middle or end
    view: str
    support: str  # what carries the weight: see SUPPORTS
    says: str  # the pose in words, for the figure's description
    lumbar: float
    thoracic: float
    neck: float
    head: float
    arms: dict[str, Limb]
    legs: dict[str, Limb]
    turn: float = 0.0  # facing views: the head turned, -1 (to their right) to 1 (left)
    nod: float = 0.0  # facing views: the face tipped down (to 1) or up (to -1)
    twist: float = 0.0  # facing views: shoulders turned, in degrees
    shrug: Point = (0.0, 0.0)  # the shoulders lifted (cm up) and drawn back (cm back)
    belly: float = 0.0  # side view: the tummy pushed out by a breath in (cm)
    short: dict[str, float] = field(default_factory=dict)  # foreshortened segments
    lifted: tuple[str, ...] = ()  # feet deliberately off the floor while sitting
    at: Point | None = None  # the hip, when the pose places itself
    x: float = 0.0  # moved sideways from the others (a step, a shift of the hips)


@dataclass(frozen=True)
class Node:
    """One segment of the body tree: from its parent's joint to its own."""

    joint: str
    parent: str  # "" for the root (the middle of the hips)
    direction: float  # degrees in the picture
    length: float
    part: str = ""  # what is drawn along it: a key of TAPER, or "" for nothing
    side: str = ""  # near, far, left, right, or "" for the middle of the body


@dataclass
class Skeleton:
    """A pose's joints as points, its segment tree, and the body's drawn parts."""

    pose: Pose
    points: dict[str, Point]
    #: (part, first joint, second joint, side) for every straight part drawn
    bones: list[tuple[str, str, str, str]]
    nodes: tuple[Node, ...] = ()

    def shifted(self, dx: float, dy: float) -> Skeleton:
        moved = {k: (x + dx, y + dy) for k, (x, y) in self.points.items()}
        return Skeleton(self.pose, moved, self.bones, self.nodes)

    @property
    def root(self) -> Point:
        return self.points["hip"]

    def lowest(self) -> float:
        """The lowest edge of the drawn body."""
        return min(y - half for _, (_, y), half in self.samples())

    def samples(self, per_bone: int = 12) -> list[tuple[str, Point, float]]:
        """Points along every part with their half-thickness, for contact checks."""
        out: list[tuple[str, Point, float]] = []
        for part, a, b, side in self.bones:
            (x1, y1), (x2, y2) = self.points[a], self.points[b]
            w1, w2 = TAPER[_kind(part)]
            for i in range(per_bone + 1):
                t = i / per_bone
                at = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t)
                out.append((f"{side} {part}".strip(), at, w1 + (w2 - w1) * t))
        for side in SIDES[self.pose.view]:
            if f"{side}_hand" in self.points:
                out.append((f"{side} hand", self.points[f"{side}_hand"], HAND_RADIUS))
        out.append(("head", self.points["head"], HEAD_RADIUS))
        if self.pose.view in FACING:
            out += [("trunk", p, 0.0) for p in self.torso()]
        return out

    def torso(self) -> list[Point]:
        """Facing views: the outline of the chest and hips (shoulders to waist to hips)."""
        p, pose = self.points, self.pose
        waist_l = step(p["waist"], pose.thoracic - 90, WAIST_HALF)
        waist_r = step(p["waist"], pose.thoracic + 90, WAIST_HALF)
        reach = TAPER["upper"][0]
        shoulder_l = step(p["left_shoulder"], pose.thoracic - 90, reach * 0.6)
        shoulder_r = step(p["right_shoulder"], pose.thoracic + 90, reach * 0.6)
        hip_l = step(p["left_hip"], pose.lumbar - 90, TAPER["thigh"][0] * 0.8)
        hip_r = step(p["right_hip"], pose.lumbar + 90, TAPER["thigh"][0] * 0.8)
        return [shoulder_l, waist_l, hip_l, hip_r, waist_r, shoulder_r]


def _kind(part: str) -> str:
    """The TAPER key of a drawn part ('upper arm' -> 'upper')."""
    return {
        "trunk": "lumbar",
        "lower back": "lumbar",
        "upper back": "thoracic",
        "upper arm": "upper",
        "forearm": "fore",
    }.get(part, part)


def _length(pose: Pose, segment: str) -> float:
    return BONES[segment.split("_")[-1]] * pose.short.get(segment, 1.0)


def nose_offset(pose: Pose) -> Point:
    """Where the tip of the nose is from the centre of the head, as (along the head,
    across it to the face): side views see it in profile; facing views see it in the
    middle of the face, swinging out past the cheek as the head turns."""
    if pose.view == "side":
        return 0.0, -(HEAD_RADIUS + 1.5)
    across = math.sin(math.radians(90 * pose.turn)) * (HEAD_RADIUS * 0.82 + 2.2)
    return -2.5 * math.cos(math.radians(90 * pose.turn)) - 4.5 * pose.nod, -across


def rig(pose: Pose) -> tuple[Node, ...]:
    """The pose as a tree of segments, parents before children."""
    nodes: list[Node] = [Node("hip", "", 0.0, 0.0)]

    def add(
        joint: str, parent: str, direction: float, length: float, part: str = "", side: str = ""
    ) -> None:
        nodes.append(Node(joint, parent, direction, length, part, side))

    add("waist", "hip", pose.lumbar, _length(pose, "lumbar"), "lumbar")
    add("shoulder", "waist", pose.thoracic, _length(pose, "thoracic"), "thoracic")
    add("neck_top", "shoulder", pose.neck, _length(pose, "neck"), "neck")
    add("head", "neck_top", pose.head, _length(pose, "head"))
    along, across = nose_offset(pose)
    direction, length = polar(along, across)
    add("nose", "head", pose.head + direction, length)
    up, back = pose.shrug
    if pose.view == "side":
        # The arms hang from the shoulders, which a shrug lifts and draws back.
        lift = (unit(pose.thoracic)[0] * up, unit(pose.thoracic)[1] * up)
        backward = unit(pose.thoracic + 90)
        direction, length = polar(lift[0] + backward[0] * back, lift[1] + backward[1] * back)
        for side in ("near", "far"):
            add(f"{side}_shoulder", "shoulder", direction, length)
            add(f"{side}_hip", "hip", pose.lumbar, 0.0)
    else:
        width = SHOULDER_HALF * math.cos(math.radians(pose.twist))
        for side, sign in (("left", -1), ("right", 1)):
            across_dir = unit(pose.thoracic + 90 * sign)
            lift = unit(pose.thoracic)
            dx = across_dir[0] * width + lift[0] * up
            dy = across_dir[1] * width + lift[1] * up
            add(f"{side}_shoulder", "shoulder", *polar(dx, dy))
            add(f"{side}_hip", "hip", pose.lumbar + 90 * sign, HIP_HALF)
    for side, limb in pose.arms.items():
        add(
            f"{side}_elbow",
            f"{side}_shoulder",
            limb.a,
            _length(pose, f"{side}_upper"),
            "upper",
            side,
        )
        add(f"{side}_hand", f"{side}_elbow", limb.b, _length(pose, f"{side}_fore"), "fore", side)
    for side, limb in pose.legs.items():
        add(f"{side}_knee", f"{side}_hip", limb.a, _length(pose, f"{side}_thigh"), "thigh", side)
        add(f"{side}_ankle", f"{side}_knee", limb.b, _length(pose, f"{side}_shin"), "shin", side)
        foot = limb.foot if limb.foot is not None else default_foot(pose.view, side, limb.b)
        add(f"{side}_heel", f"{side}_ankle", foot + 180, 4.0)
        add(f"{side}_toe", f"{side}_ankle", foot, _foot_length(pose, side), "foot", side)
    return tuple(nodes)


def _foot_length(pose: Pose, side: str) -> float:
    """A foot seen from the front points at us: it shows as little more than its width."""
    factor = pose.short.get(f"{side}_foot", 0.45 if pose.view in ("front", "angled") else 1.0)
    return BONES["foot"] * factor


def skeleton(pose: Pose) -> Skeleton:
    """Where every joint of `pose` lands, with the hip (its middle) at the origin."""
    nodes = rig(pose)
    pts: dict[str, Point] = {"hip": (0.0, 0.0)}
    for node in nodes[1:]:
        pts[node.joint] = step(pts[node.parent], node.direction, node.length)
    bones: list[tuple[str, str, str, str]] = [
        ("lower back", "hip", "waist", ""),
        ("upper back", "waist", "shoulder", ""),
        ("neck", "shoulder", "neck_top", ""),
    ]
    names = {"upper": "upper arm", "fore": "forearm"}
    for node in nodes:
        if node.side and node.part:
            parent = node.parent if node.part != "foot" else f"{node.side}_heel"
            bones.append((names.get(node.part, node.part), parent, node.joint, node.side))
    sk = Skeleton(pose, pts, bones, nodes)
    if pose.view == "above":  # turn a quarter: the head goes to the left
        sk.points = {k: (-y, x) for k, (x, y) in pts.items()}
    return sk


def default_foot(view: str, side: str, shin: float) -> float:
    """A foot at rest: square to the shin, toes forward (side) or outward (front); seen
    from above, a foot flat on the floor points on from the shin."""
    if view == "side":
        return shin + 90
    if view == "above":
        return shin
    return shin + 90 if side == "left" else shin - 90


# -- moving between poses ------------------------------------------------------------


def _toward(a: float, b: float, t: float) -> float:
    """The angle a fraction t of the short way from a to b."""
    return a + turn(b - a) * t


def _mix(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def between(first: Pose, second: Pose, t: float) -> Pose:
    """The pose a fraction `t` of the way from `first` to `second`: every segment turns
    the short way round its joint, so bones keep their length all the way."""
    if t <= 0:
        return first
    if t >= 1:
        return second

    def limb(a: Limb, b: Limb, side: str, leg: bool) -> Limb:
        foot_a = a.foot if a.foot is not None else default_foot(first.view, side, a.b)
        foot_b = b.foot if b.foot is not None else default_foot(second.view, side, b.b)
        return Limb(
            _toward(a.a, b.a, t),
            _toward(a.b, b.b, t),
            _toward(foot_a, foot_b, t) if leg else None,
        )

    keys = set(first.short) | set(second.short)
    short = {k: _mix(first.short.get(k, 1.0), second.short.get(k, 1.0), t) for k in keys}
    return replace(
        first,
        name=f"{first.name}>{second.name}",
        lumbar=_toward(first.lumbar, second.lumbar, t),
        thoracic=_toward(first.thoracic, second.thoracic, t),
        neck=_toward(first.neck, second.neck, t),
        head=_toward(first.head, second.head, t),
        arms={s: limb(first.arms[s], second.arms[s], s, False) for s in first.arms},
        legs={s: limb(first.legs[s], second.legs[s], s, True) for s in first.legs},
        turn=first.turn + (second.turn - first.turn) * t,
        nod=first.nod + (second.nod - first.nod) * t,
        twist=first.twist + (second.twist - first.twist) * t,
        shrug=(
            first.shrug[0] + (second.shrug[0] - first.shrug[0]) * t,
            first.shrug[1] + (second.shrug[1] - first.shrug[1]) * t,
        ),
        belly=_mix(first.belly, second.belly, t),
        short=short,
        x=first.x + (second.x - first.x) * t,
    )


# -- joint ranges ------------------------------------------------------------------

#: (low, high) degrees for each joint; generous, but a real body can get there.
RANGES = {
    "spine": (-35.0, 60.0),  # thoracic on lumbar: extension (-) to flexion (+)
    "neck": (-60.0, 70.0),  # neck on thoracic
    "head": (-45.0, 45.0),  # head on neck
    "hip": (-35.0, 150.0),  # thigh on trunk: extension (-) to flexion (+)
    "knee": (-10.0, 160.0),
    "ankle": (-85.0, 35.0),  # toes pointed (-, kneeling on the tops of the feet) to up (+)
    "shoulder": (-80.0, 190.0),  # extension (-) to flexion and overhead (+)
    "elbow": (-10.0, 155.0),
    # facing views: sideways movement
    "side_spine": (-40.0, 40.0),
    "side_neck": (-50.0, 50.0),
    "side_head": (-35.0, 35.0),
    "abduction": (-120.0, 190.0),  # across the chest (-), out to the side, overhead
    "side_elbow": (-155.0, 155.0),
    "leg_out": (-60.0, 80.0),
    "side_knee": (-160.0, 160.0),
    # turns and shrugs
    "head_turn": (-1.0, 1.0),  # a full turn to look over the shoulder (about 80 degrees)
    "head_nod": (-1.0, 1.0),  # chin on the chest (1) to looking at the ceiling (-1)
    "chest_twist": (-60.0, 60.0),
    "shrug_up": (-2.0, 9.0),  # cm
    "shrug_back": (-6.0, 6.0),  # cm
    # cm: a slow, full breath into the tummy lifts its front wall by several
    # centimetres, more when lying on the back; drawn at the most a body does so that
    # the breath can be seen in print
    "belly": (0.0, 7.0),
}


def joint_angles(pose: Pose) -> dict[str, float]:
    """Each joint's angle in the body's own terms, for checking against RANGES."""
    angles: dict[str, float] = {
        "head_turn": pose.turn,
        "head_nod": pose.nod,
        "chest_twist": pose.twist,
        "shrug_up": pose.shrug[0],
        "shrug_back": pose.shrug[1],
        "belly": pose.belly,
    }
    if pose.view == "side":
        angles["spine"] = turn(pose.lumbar - pose.thoracic)
        angles["neck"] = turn(pose.thoracic - pose.neck)
        angles["head"] = turn(pose.neck - pose.head)
        for side, arm in pose.arms.items():
            angles[f"{side} shoulder"] = turn(arm.a - (pose.thoracic - 180), -90)
            angles[f"{side} elbow"] = turn(arm.b - arm.a)
        for side, leg in pose.legs.items():
            angles[f"{side} hip"] = turn(leg.a - (pose.lumbar - 180), -60)
            angles[f"{side} knee"] = turn(leg.a - leg.b)
            foot = leg.foot if leg.foot is not None else leg.b + 90
            angles[f"{side} ankle"] = turn(foot - (leg.b + 90))
        return angles
    angles["side_spine"] = turn(pose.thoracic - pose.lumbar)
    angles["side_neck"] = turn(pose.neck - pose.thoracic)
    angles["side_head"] = turn(pose.head - pose.neck)
    for side, arm in pose.arms.items():
        # mirror the right side onto the left, so one range serves both
        a, b = (arm.a, arm.b) if side == "left" else (180 - arm.a, 180 - arm.b)
        trunk = pose.thoracic if side == "left" else 180 - pose.thoracic
        angles[f"{side} abduction"] = turn(a - (trunk - 180), -170)
        angles[f"{side} side_elbow"] = turn(b - a)
    for side, leg in pose.legs.items():
        a, b = (leg.a, leg.b) if side == "left" else (180 - leg.a, 180 - leg.b)
        trunk = pose.lumbar if side == "left" else 180 - pose.lumbar
        if pose.view != "angled":  # seen from the feet, a thigh's angle is not its own
            angles[f"{side} leg_out"] = turn(a - (trunk - 180), -90)
        angles[f"{side} side_knee"] = turn(a - b)
    return angles


#: The segments on either side of each limb joint: a bone seen end-on (short under
#: 0.5) shows no angle in the picture's plane, so its joints are not checked.
_JOINT_BONES = {
    "shoulder": ("upper",),
    "abduction": ("upper",),
    "elbow": ("upper", "fore"),
    "side_elbow": ("upper", "fore"),
    "hip": ("thigh",),
    "leg_out": ("thigh",),
    "knee": ("thigh", "shin"),
    "side_knee": ("thigh", "shin"),
    "ankle": ("shin", "foot"),
    "neck": ("neck",),
    "side_neck": ("neck",),
    "side_head": ("neck",),
}


def out_of_range(pose: Pose) -> list[str]:
    problems = []
    for joint, value in joint_angles(pose).items():
        side, _, kind = joint.rpartition(" ")
        bones = _JOINT_BONES.get(kind, ())
        names = [f"{side}_{bone}" if side else bone for bone in bones]
        if any(pose.short.get(name, 1.0) < 0.5 for name in names):
            continue
        low, high = RANGES[joint.split(" ")[-1]]
        if not low <= value <= high:
            unit_name = (
                "cm"
                if kind.startswith("shrug") or kind == "belly"
                else ""
                if kind in ("head_turn", "head_nod")
                else " degrees"
            )
            problems.append(
                f"{joint.replace('_', ' ')} at {value:.0f}{unit_name} "
                f"(a body can do {low:.0f} to {high:.0f})"
            )
    return problems
