"""A drawn body: bone lengths, joint ranges, and where each joint lands for a pose.

A pose (data/poses.yaml) gives the direction of each body segment in degrees, in the
picture's own plane: 0 points right, 90 up, counter-clockwise positive. Bone lengths
are fixed here, so every pose of one figure has bones of the same length by
construction; a limb seen end-on may only look shorter (`short`, a factor up to 1).

Views:
- side: the person faces right; `near` limbs are drawn dark, `far` limbs light.
- front: the person faces us; their `left` limbs are on the picture's right.
- above: a person lying on their back seen from the ceiling; drawn as the front view
  turned a quarter, so the head is on the left.

Everything is in centimetres with y up; the floor is y = 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

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
#: Half the drawn thickness of each part: what touches the floor or a prop.
HALF_WIDTH = {"trunk": 8.0, "limb": 3.5, "foot": 3.5}
HIP_HALF = 9.0  # front view: the hip joints either side of the middle
SHOULDER_HALF = 16.0
SEAT = 44.0  # chair seat height
MAT = 1.5  # mat thickness

VIEWS = ("side", "front", "above")
SIDES = {"side": ("near", "far"), "front": ("left", "right"), "above": ("left", "right")}
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
    turn: float = 0.0  # front view: the head turned, -1 (to their right) to 1 (left)
    twist: float = 0.0  # front view: shoulders turned, in degrees
    short: dict[str, float] = field(default_factory=dict)  # foreshortened segments
    lifted: tuple[str, ...] = ()  # feet deliberately off the floor while sitting
    at: Point | None = None  # the hip, when the pose places itself
    x: float = 0.0  # moved sideways from the others (a step, a shift of the hips)


@dataclass
class Skeleton:
    """A pose's joints as points, and the body's drawn parts."""

    pose: Pose
    points: dict[str, Point]
    #: (part, first joint, second joint, side) for every straight part drawn
    bones: list[tuple[str, str, str, str]]

    def shifted(self, dx: float, dy: float) -> Skeleton:
        moved = {k: (x + dx, y + dy) for k, (x, y) in self.points.items()}
        return Skeleton(self.pose, moved, self.bones)

    def lowest(self) -> float:
        """The lowest edge of the drawn body."""
        low = self.points["head"][1] - HEAD_RADIUS
        for part, a, b, _ in self.bones:
            half = HALF_WIDTH["trunk" if part == "trunk" else "foot" if part == "foot" else "limb"]
            low = min(low, self.points[a][1] - half, self.points[b][1] - half)
        return low

    def samples(self, per_bone: int = 12) -> list[tuple[str, Point, float]]:
        """Points along every part with their half-thickness, for contact checks."""
        out: list[tuple[str, Point, float]] = []
        for part, a, b, side in self.bones:
            half = HALF_WIDTH["trunk" if part == "trunk" else "foot" if part == "foot" else "limb"]
            (x1, y1), (x2, y2) = self.points[a], self.points[b]
            for i in range(per_bone + 1):
                t = i / per_bone
                at = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t)
                out.append((f"{side} {part}".strip(), at, half))
        out.append(("head", self.points["head"], HEAD_RADIUS))
        return out


def _length(pose: Pose, segment: str) -> float:
    return BONES[segment.split("_")[-1]] * pose.short.get(segment, 1.0)


def skeleton(pose: Pose) -> Skeleton:
    """Where every joint of `pose` lands, with the hip (its middle) at the origin."""
    pts: dict[str, Point] = {"hip": (0.0, 0.0)}
    bones: list[tuple[str, str, str, str]] = []
    pts["waist"] = step(pts["hip"], pose.lumbar, _length(pose, "lumbar"))
    pts["shoulder"] = step(pts["waist"], pose.thoracic, _length(pose, "thoracic"))
    pts["neck_top"] = step(pts["shoulder"], pose.neck, _length(pose, "neck"))
    pts["head"] = step(pts["neck_top"], pose.head, BONES["head"])
    bones += [
        ("trunk", "hip", "waist", ""),
        ("trunk", "waist", "shoulder", ""),
        ("neck", "shoulder", "neck_top", ""),
    ]
    if pose.view == "side":
        pts["nose"] = step(pts["head"], pose.head - 90, HEAD_RADIUS)
        roots = {s: ("shoulder", "hip") for s in ("near", "far")}
    else:
        across = pose.thoracic - 90  # the shoulder line is square to the trunk
        width = SHOULDER_HALF * math.cos(math.radians(pose.twist))
        pts["left_shoulder"] = step(pts["shoulder"], across, width)
        pts["right_shoulder"] = step(pts["shoulder"], across + 180, width)
        pts["left_hip"] = step(pts["hip"], pose.lumbar - 90, HIP_HALF)
        pts["right_hip"] = step(pts["hip"], pose.lumbar + 90, HIP_HALF)
        pts["nose"] = step(pts["head"], pose.head - 90, pose.turn * 0.7 * HEAD_RADIUS)
        bones += [
            ("trunk", "left_shoulder", "right_shoulder", ""),
            ("trunk", "left_hip", "right_hip", ""),
        ]
        roots = {s: (f"{s}_shoulder", f"{s}_hip") for s in ("left", "right")}
    for side, limb in pose.arms.items():
        shoulder = roots[side][0]
        pts[f"{side}_elbow"] = step(pts[shoulder], limb.a, _length(pose, f"{side}_upper"))
        pts[f"{side}_hand"] = step(pts[f"{side}_elbow"], limb.b, _length(pose, f"{side}_fore"))
        bones += [
            ("upper arm", shoulder, f"{side}_elbow", side),
            ("forearm", f"{side}_elbow", f"{side}_hand", side),
        ]
    for side, limb in pose.legs.items():
        hip = roots[side][1]
        pts[f"{side}_knee"] = step(pts[hip], limb.a, _length(pose, f"{side}_thigh"))
        pts[f"{side}_ankle"] = step(pts[f"{side}_knee"], limb.b, _length(pose, f"{side}_shin"))
        foot = limb.foot if limb.foot is not None else default_foot(pose.view, side, limb.b)
        pts[f"{side}_heel"] = step(pts[f"{side}_ankle"], foot + 180, 4.0)
        pts[f"{side}_toe"] = step(pts[f"{side}_ankle"], foot, _length(pose, f"{side}_foot"))
        bones += [
            ("thigh", hip, f"{side}_knee", side),
            ("shin", f"{side}_knee", f"{side}_ankle", side),
            ("foot", f"{side}_heel", f"{side}_toe", side),
        ]
    sk = Skeleton(pose, pts, bones)
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
    # front and above views: sideways movement
    "side_spine": (-40.0, 40.0),
    "side_neck": (-50.0, 50.0),
    "side_head": (-35.0, 35.0),
    "abduction": (-120.0, 190.0),  # across the chest (-), out to the side, overhead
    "side_elbow": (-155.0, 155.0),
    "leg_out": (-60.0, 80.0),
    "side_knee": (-160.0, 160.0),
}


def joint_angles(pose: Pose) -> dict[str, float]:
    """Each joint's angle in the body's own terms, for checking against RANGES."""
    angles: dict[str, float] = {}
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
            problems.append(
                f"{joint} at {value:.0f} degrees (a body can do {low:.0f} to {high:.0f})"
            )
    return problems
