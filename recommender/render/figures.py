"""Exercise figures: each exercise's start, (middle) and end pose, drawn from
data/poses.yaml (read and checked by inputs/poses_file.py).

The body is articulated: every segment is an SVG group turned about the joint it hangs
from, nested as the body is (hips, lower back, upper back, neck, head; shoulder,
elbow, hand; hip, knee, ankle, foot). The same tree gives

- the stills: one panel per pose, captioned Start, Then, End, with dashed arrows for
  the movement; for print, for files, and for anyone who prefers less motion;
- the motion: one panel in which the body moves from pose to pose and back, gently,
  with SMIL animation (no script); on screen in the HTML page and the web app.

Limbs have width and taper, with hands and feet; the face shows which way the head
points (a light face on a dark head, a nose, eyes); near limbs are dark with a white
edge, far limbs pale with a grey outline; props are pale grey; the target area is a
soft halo; each pose is also said in words (<title>, <desc>), so a screen reader gets
the picture as sentences, and nothing relies on colour alone.

Presentation attributes only (no style attributes or <style> elements), so the web
app's Content-Security-Policy, which forbids inline styles, lets the figures through.
Which of the two a page shows is its style sheet's choice (templates/figures.css, in
every page's own <style>): the motion on screen, the stills in print and with
`prefers-reduced-motion`. This module and the
pose data are imported only for HTML and Markdown output.
"""

from __future__ import annotations

import base64
import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Optional

from recommender.core.catalog import Exercise
from recommender.core.wording import words
from recommender.inputs.body import (
    FACING,
    HAND_RADIUS,
    HEAD_RADIUS,
    MAT,
    SEAT,
    TAPER,
    WAIST_HALF,
    WORKTOP,
    WORKTOP_LIP,
    Node,
    Point,
    Skeleton,
    turn,
)
from recommender.inputs.figure_checks import BELLY_PEAK, belly_bulge
from recommender.inputs.poses_file import Figure, Prop, figure_key, load_figures

BODY = "#2e3742"
FAR = "#949da8"
FAR_EDGE = "#66707b"
FACE = "#f1dcc7"
PROP_FILL = "#e6e6e6"
PROP_LINE = "#707070"
HALO = "#f2b441"
ARROW = "#1b5fae"
CAPTION = "#333333"
MARGIN = 8.0
CAPTION_SPACE = 14.0
SCALE = 1.25  # pixels per centimetre at the figure's natural size
CAPTIONS = {"start": "Start", "middle": "Then", "end": "End"}

#: The motion: a pause on each pose, a slow move to the next, and back the same way.
HOLD = 1.0  # seconds
MOVE = 1.6  # seconds
STEPS = 4  # samples along each move, so the body turns about its joints all the way


@lru_cache(maxsize=1)
def figures() -> dict[str, Figure]:
    return load_figures()


def figure_for(exercise: Exercise, position: Optional[str] = None) -> Optional[Figure]:
    """The exercise's figure in `position` (default: its usual one). None when there is
    none for that position: better no picture than one of another position."""
    key = figure_key(exercise.id, position or exercise.position, exercise.position)
    return figures().get(key)


def svg(
    exercise: Exercise,
    standalone: bool = False,
    position: Optional[str] = None,
    motion: bool = False,
    key: str = "",
) -> str:
    """The exercise's figure as SVG markup ('' when it has none): the stills, and
    before them the motion when `motion` is asked for (inline HTML only).

    `standalone` adds the XML namespace a file or data URI needs; inline HTML does
    not need it but is not harmed by it either. `key` keeps the ids unique on a page
    that shows one figure more than once.
    """
    figure = figure_for(exercise, position)
    if figure is None:
        return ""
    ident = "fig-" + figure.exercise.replace("@", "-") + (f"-{key}" if key else "")
    stills = _stills(figure, exercise, standalone, ident)
    if not motion or standalone:
        return stills
    return _motion(figure, ident) + "\n" + stills


def data_uri(exercise: Exercise, position: Optional[str] = None) -> str:
    """The figure's stills as a data: URI, for Markdown images."""
    body = svg(exercise, standalone=True, position=position)
    return "data:image/svg+xml;base64," + base64.b64encode(body.encode()).decode()


def file_name(exercise: Exercise, position: Optional[str] = None) -> str:
    """The figure's file name beside a Markdown plan ("cat-cow.svg", "chin-tuck-standing.svg")."""
    other = "" if (position or exercise.position) == exercise.position else f"-{position}"
    return f"{exercise.id}{other}.svg"


def description(figure: Figure, exercise: Exercise) -> str:
    poses = " ".join(f"{CAPTIONS[p.name]}: {p.says.rstrip('.')}." for p in figure.poses)
    area = " and ".join(words(a) for a in (figure.highlight or exercise.areas[:1]))
    return f"{poses} The shaded band marks the {area}; dashed arrows show the movement."


# -- the two pictures -----------------------------------------------------------------


def _stills(figure: Figure, exercise: Exercise, standalone: bool, ident: str) -> str:
    x0, y0, x1, y1 = _bounds(figure, list(figure.placed))
    w, h = x1 - x0, y1 - y0 + CAPTION_SPACE
    stacked = w > 1.25 * h
    n = len(figure.poses)
    total_w, total_h = (w, h * n) if stacked else (w * n, h)
    other = figure.exercise.partition("@")[2]  # drawn in a position not the usual one
    title = f"{exercise.name}{', ' + words(other) if other else ''}: how to move"
    ns = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    out = [
        f'<svg{ns} class="figure figure-stills" role="img"'
        f' aria-labelledby="{ident}-t {ident}-d"'
        f' viewBox="0 0 {total_w:.0f} {total_h:.0f}" width="{total_w * SCALE:.0f}"'
        f' height="{total_h * SCALE:.0f}">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(description(figure, exercise))}</desc>',
    ]
    for i, sk in enumerate(figure.placed):
        ox, oy = (0.0, h * i) if stacked else (w * i, 0.0)
        # World (y up) to this panel (y down, below the caption line).
        out.append(
            f'<g transform="translate({ox - x0:.1f} {oy + y1 + CAPTION_SPACE:.1f}) scale(1 -1)">'
        )
        out += _scene(figure, exercise, [sk], (x0, x1, y1), None)
        nxt = figure.placed[i + 1] if i + 1 < n else None
        for arrow in figure.arrows:
            if arrow.joint is not None and nxt is not None:
                out += _arrow(sk.points[arrow.joint], nxt.points[arrow.joint], arrow.bend, 5)
            elif arrow.start is not None and arrow.end is not None and i == 0:
                out += _arrow(arrow.start, arrow.end, arrow.bend, 0)
        out.append("</g>")
        out.append(
            f'<text x="{ox + 4:.0f}" y="{oy + 11:.0f}" font-family="sans-serif" font-size="10"'
            f' fill="{CAPTION}">{CAPTIONS[sk.pose.name]}</text>'
        )
        if i:
            line = (ox, oy + 2, ox, oy + h - 2) if not stacked else (ox + 2, oy, ox + w - 2, oy)
            out.append(_line(line[:2], line[2:], "#c8c8c8", 1))
    out.append("</svg>")
    return "\n".join(out)


@dataclass(frozen=True)
class Timing:
    """When each drawn body of the motion is shown, as fractions of one cycle.

    A joint turns with the same easing all the way from one pose to the next, so its
    angle needs only the poses themselves (`keys`), eased by SMIL's own splines; where
    the body rests (on the floor, the seat) and the band that follows a hand need every
    body on the way, moved straight from one to the next."""

    times: tuple[float, ...]
    seconds: float
    #: for each time, the index of the pose the body is at or leaving (for captions)
    poses: tuple[int, ...]
    #: the bodies that are poses, where the motion pauses and turns
    keys: tuple[int, ...]

    def animate(
        self, attribute: str, values: Iterable[str], kind: str = "", every: bool = False
    ) -> str:
        shown = list(values)
        if every:
            times, spline = self.times, ""
        else:
            times = tuple(self.times[i] for i in self.keys)
            shown = [shown[i] for i in self.keys]
            splines = ";".join([EASE] * (len(times) - 1))
            spline = f' calcMode="spline" keySplines="{splines}"'
        keys = ";".join(f"{t:.4f}".rstrip("0").rstrip(".") for t in times)
        timing = f'values="{";".join(shown)}" keyTimes="{keys}"{spline} dur="{self.seconds:g}s"'
        if kind:
            added = ' additive="sum"' if kind == "rotate" else ""
            return (
                f'<animateTransform attributeName="transform" type="{kind}"{added} {timing}'
                ' repeatCount="indefinite"/>'
            )
        return f'<animate attributeName="{attribute}" {timing} repeatCount="indefinite"/>'


#: Slow in and out, as a person moves with care: CSS's ease-in-out, as SMIL splines.
EASE = "0.42 0 0.58 1"


def _timeline(figure: Figure) -> tuple[list[Skeleton], Timing]:
    """Every body the motion passes through, with its time: from the first pose to the
    last and back the same way, pausing on each pose."""
    n = len(figure.poses)
    legs = [(i, i + 1) for i in range(n - 1)] + [(i + 1, i) for i in reversed(range(n - 1))]
    bodies: list[Skeleton] = []
    clock: list[float] = []
    at: list[int] = []
    keys: list[int] = []
    now = 0.0
    for a, b in legs:
        # pause on the pose it leaves, then move
        keys += [len(bodies), len(bodies) + 1]
        bodies += [figure.placed[a], figure.placed[a]]
        clock += [now, now + HOLD]
        at += [a, a]
        now += HOLD
        low = min(a, b)
        for k in range(1, STEPS):
            t = _ease(k / STEPS)
            frac = t if a < b else 1 - t
            bodies.append(figure.frame(low, frac))
            clock.append(now + MOVE * k / STEPS)
            at.append(a if k < STEPS / 2 else b)
        now += MOVE
    keys.append(len(bodies))
    bodies.append(figure.placed[0])
    clock.append(now)
    at.append(0)
    return bodies, Timing(tuple(t / now for t in clock), now, tuple(at), tuple(keys))


def _ease(t: float) -> float:
    """How far along a move is at time t (0 to 1): the spline EASE, solved for t."""
    x1, y1, x2, y2 = (float(v) for v in EASE.split())
    low, high = 0.0, 1.0
    for _ in range(40):  # the curve's x grows with its parameter: halve the interval
        u = (low + high) / 2
        x = 3 * (1 - u) ** 2 * u * x1 + 3 * (1 - u) * u * u * x2 + u**3
        low, high = (u, high) if x < t else (low, u)
    u = (low + high) / 2
    return 3 * (1 - u) ** 2 * u * y1 + 3 * (1 - u) * u * u * y2 + u**3


def _motion(figure: Figure, ident: str) -> str:
    bodies, timing = _timeline(figure)
    x0, y0, x1, y1 = _bounds(figure, bodies)
    w, h = x1 - x0, y1 - y0 + CAPTION_SPACE
    out = [
        f'<svg class="figure figure-motion" aria-hidden="true" focusable="false"'
        f' viewBox="0 0 {w:.0f} {h:.0f}" width="{w * SCALE:.0f}" height="{h * SCALE:.0f}">',
        f'<g transform="translate({-x0:.1f} {y1 + CAPTION_SPACE:.1f}) scale(1 -1)">',
    ]
    out += _scene(figure, None, bodies, (x0, x1, y1), timing)
    out.append("</g>")
    # The caption names the pose being shown or left.
    for index, pose in enumerate(figure.poses):
        shown = ["1" if p == index else "0" for p in timing.poses]
        out.append(
            f'<text x="4" y="11" font-family="sans-serif" font-size="10" fill="{CAPTION}"'
            f' opacity="{shown[0]}">{CAPTIONS[pose.name]}'
            + timing.animate("opacity", shown, every=True).replace(
                "<animate ", '<animate calcMode="discrete" '
            )
            + "</text>"
        )
    out.append("</svg>")
    return "\n".join(out)


# -- one scene: props, halo, body -----------------------------------------------------


def _scene(
    figure: Figure,
    exercise: Optional[Exercise],
    bodies: list[Skeleton],
    frame: tuple[float, float, float],
    timing: Optional[Timing],
) -> list[str]:
    """The props and the body, in the order they overlap: what is behind the person
    first. `bodies` is one body (a still) or the bodies of the motion."""
    side = figure.view == "side"
    draw = Drawing(bodies, timing)
    body = bodies[0]
    holds = {h for p in figure.props if p.kind == "dumbbells" for h in p.hands}
    out = _behind(figure, bodies, frame)
    out += draw.layer(_halo_parts(figure, body))
    if side:
        out += draw.layer(_limb_parts(body, "far", legs=True))
        out += draw.layer(_limb_parts(body, "far", arms=True, holds=holds))
    out += _under_trunk(figure)
    out += draw.layer(_trunk_parts(body))
    for limb_side in ("near",) if side else ("left", "right"):
        out += draw.layer(_limb_parts(body, limb_side, legs=True))
    for limb_side in ("near",) if side else ("right", "left"):
        out += draw.layer(_limb_parts(body, limb_side, arms=True, holds=holds))
    return out + _bands(figure, draw)


def _behind(figure: Figure, bodies: list[Skeleton], frame: tuple[float, float, float]) -> list[str]:
    """What is behind the whole person: the wall, the floor, the mat, a door, a worktop,
    a towel, a chair seen from the front, and a chair beside them on the far side."""
    x0, x1, top = frame
    out = [_wall(prop, x0, x1, top) for prop in figure.props if prop.kind == "wall"]
    if figure.view not in ("above", "angled"):
        out.append(_line((x0, 0), (x1, 0), PROP_LINE, 1.5))
    if figure.on_mat:
        out.append(_mat(figure, bodies))
    for prop in figure.props:
        if prop.kind == "door":
            out.append(_door(prop, figure.view))
        if prop.kind == "worktop":
            out.append(_worktop(prop))
        if prop.kind == "towel":
            towel = (prop.x - 11, figure.floor, prop.x + 11, figure.floor + 4)
            out.append(_rect(*towel, "#ffffff", PROP_LINE))
        if prop.kind == "chair" and figure.view != "side":
            out.append(_chair_facing(prop))
    out += [_chair_side(p) for p in figure.props if p.kind == "chair" and p.beside]
    return out


def _under_trunk(figure: Figure) -> list[str]:
    """What the trunk and near limbs hide: a foam roller, and seen from the side the
    chair sat on."""
    out = []
    for prop in figure.props:
        if prop.kind == "chair" and figure.view == "side" and not prop.beside:
            out.append(_chair_side(prop))
        if prop.kind == "roller":
            out.append(
                f'<circle cx="{prop.x:.1f}" cy="{MAT + prop.radius:.1f}" r="{prop.radius:.1f}"'
                f' fill="#c4c4c4" stroke="{PROP_LINE}" stroke-width="1.5"/>'
                f'<circle cx="{prop.x:.1f}" cy="{MAT + prop.radius:.1f}"'
                f' r="{prop.radius * 0.45:.1f}" fill="none" stroke="{PROP_LINE}"'
                ' stroke-width="0.8"/>'
            )
    return out


def _bands(figure: Figure, draw: Drawing) -> list[str]:
    """Bands, in front of everything: looped around the knees or hands, or running
    from where they are fixed to each hand that holds them."""
    out = []
    for prop in figure.props:
        if prop.kind != "band":
            continue
        if prop.around:
            out.append(draw.loop(prop))
            continue
        for hand in prop.hands:
            out.append(draw.band((prop.x, prop.y), f"{hand}_hand"))
        out.append(_rect(prop.x - 3, prop.y - 3, prop.x + 3, prop.y + 3, "#555555", "#555555"))
    return out


#: A drawer: the shapes one segment carries, in its own frame, for one body.
Drawer = Callable[[Skeleton, Node], list["Shape"]]


@dataclass(frozen=True)
class Shape:
    """A filled path in a segment's frame: x along the segment from the joint it hangs
    from, y to its left."""

    d: str
    fill: str
    stroke: str = "none"
    width: float = 0.0
    opacity: float = 1.0


class Drawing:
    """Draws segments as nested groups, each turned about its joint: static for one
    body, animated between the bodies of a motion."""

    def __init__(self, bodies: list[Skeleton], timing: Optional[Timing]):
        self.bodies = bodies
        self.timing = timing
        first = bodies[0]
        self.nodes = {n.joint: n for n in first.nodes}
        self.children: dict[str, list[str]] = {}
        for node in first.nodes[1:]:
            self.children.setdefault(node.parent, []).append(node.joint)
        self.by_body = [{n.joint: n for n in b.nodes} for b in bodies]

    def layer(self, parts: dict[str, Drawer]) -> list[str]:
        """The segments in `parts` (joint: drawer) with every segment above them."""
        if not parts:
            return []
        if self.timing is None:
            return self._still(parts)
        needed: set[str] = set()
        for joint in parts:
            while joint:
                needed.add(joint)
                joint = self.nodes[joint].parent
        return self._group("hip", needed, parts)

    def _still(self, parts: dict[str, Drawer]) -> list[str]:
        """One body at rest: each shape placed at its joint and turned, no nesting
        needed, and shapes of one paint grouped (a still is printed many times)."""
        body = self.bodies[0]
        extra = 90.0 if body.pose.view == "above" else 0.0
        order = [n.joint for n in body.nodes if n.joint in parts]
        items: list[tuple[str, str]] = []  # (paint shared with neighbours, markup)
        for joint in order:
            node = self.nodes[joint]
            x, y = body.points[node.parent]
            place = f"translate({_n(x)} {_n(y)}) rotate({_n(node.direction + extra)})"
            shapes = [
                sh for sh in parts[joint](body, node) if "A0 0 " not in sh.d and sh.d != "M0 0Z"
            ]
            if len(shapes) == 1:
                items.append((_paint(shapes[0]), f'<path transform="{place}" d="{shapes[0].d}"/>'))
                continue
            inner = "".join(
                f"<g {paint}>" + "".join(f'<path d="{sh.d}"/>' for sh in group) + "</g>"
                for paint, group in itertools.groupby(shapes, key=_paint)
            )
            items.append(("", f'<g transform="{place}">{inner}</g>'))
        out: list[str] = []
        for paint, group in itertools.groupby(items, key=lambda item: item[0]):
            markup = "".join(m for _, m in group)
            out.append(f"<g {paint}>{markup}</g>" if paint else markup)
        return out

    def _group(self, joint: str, needed: set[str], parts: dict[str, Drawer]) -> list[str]:
        out = self._open(joint)
        if joint in parts:
            out += self._shapes(joint, parts[joint])
        for child in self.children.get(joint, []):
            if child in needed:
                out += self._group(child, needed, parts)
        out.append("</g>" * (2 if self._two_groups(joint) else 1))
        return out

    # the transform of a segment's group: moved to its parent's joint, turned about it
    def _offsets(self, joint: str) -> tuple[list[float], list[float]]:
        lengths, turns = [], []
        previous: Optional[float] = None
        for nodes in self.by_body:
            node = nodes[joint]
            parent = nodes.get(node.parent)
            lengths.append(parent.length if parent else 0.0)
            raw = node.direction - (parent.direction if parent else 0.0)
            angle = raw if previous is None else previous + turn(raw - previous)
            turns.append(angle)
            previous = angle
        return lengths, turns

    def _two_groups(self, joint: str) -> bool:
        if joint == "hip":
            return self.bodies[0].pose.view == "above"
        lengths, _ = self._offsets(joint)
        return self.timing is not None and _varies(lengths)

    def _open(self, joint: str) -> list[str]:
        if joint == "hip":
            roots = [b.root for b in self.bodies]
            turned = " rotate(90)" if self.bodies[0].pose.view == "above" else ""
            head = f'<g transform="translate({_n(roots[0][0])} {_n(roots[0][1])})">'
            # a root that settles by less than half a centimetre is left where it is
            if self.timing is not None and _varies([c for r in roots for c in r], 0.5):
                values = (f"{_n(x)} {_n(y)}" for x, y in roots)
                head = (
                    head[:-1]
                    + ">"
                    + self.timing.animate("transform", values, "translate", every=True)
                )
            return [head + (f'<g transform="{turned.strip()}">' if turned else "")]
        lengths, turns = self._offsets(joint)
        if self.timing is None or not (_varies(lengths) or _varies(turns)):
            return [f'<g transform="translate({_n(lengths[0])} 0) rotate({_n(turns[0])})">']
        if _varies(lengths):
            moved = self.timing.animate("transform", (f"{_n(v)} 0" for v in lengths), "translate")
            inner = f'<g transform="rotate({_n(turns[0])})">'
            if _varies(turns):
                inner = '<g transform="rotate(0)">' + self.timing.animate(
                    "transform", (_n(v) for v in turns), "rotate"
                )
            return [f'<g transform="translate({_n(lengths[0])} 0)">{moved}', inner]
        return [
            f'<g transform="translate({_n(lengths[0])} 0)">'
            + self.timing.animate("transform", (_n(v) for v in turns), "rotate")
        ]

    def _shapes(self, joint: str, drawer: Drawer) -> list[str]:
        per_body = [
            drawer(body, nodes[joint])
            for body, nodes in zip(self.bodies, self.by_body, strict=True)
        ]
        # A part that appears on the way (a thigh coming out from behind its knee) is
        # an empty path while it is out of sight.
        longest = max(per_body, key=len)
        out = []
        for i, shape in enumerate(longest):
            paint = _paint(shape)
            shapes = [b[i].d if i < len(b) else "M0 0Z" for b in per_body]
            if self.timing is not None and len(set(shapes)) > 1:
                out.append(
                    f'<path d="{shapes[0]}" {paint}>{self.timing.animate("d", shapes)}</path>'
                )
            else:
                out.append(f'<path d="{shapes[0]}" {paint}/>')
        return out

    def loop(self, prop: Prop) -> str:
        """A band with no fixed end: looped around both thighs just above the knees,
        or held between the two hands, stretched between them as they part."""
        ends = []
        for body in self.bodies:
            p = body.points
            if prop.around == "hands":
                ends.append([p[f"{hand}_hand"] for hand in prop.hands])
                continue
            sides = [s for s in ("left", "right", "near", "far") if f"{s}_knee" in p]
            ends.append([_toward(p[f"{s}_knee"], p[f"{s}_hip"], 0.18) for s in sides[:2]])
        (a, b) = ends[0]
        line = (
            f'<line x1="{_n(a[0])}" y1="{_n(a[1])}" x2="{_n(b[0])}" y2="{_n(b[1])}"'
            ' stroke="#555555" stroke-width="3" stroke-linecap="round"'
        )
        if self.timing is None or not _varies([c for e in ends for p in e for c in p]):
            return line + "/>"
        return (
            line
            + ">"
            + "".join(
                self.timing.animate(name, (_n(e[i][k]) for e in ends), every=True)
                for name, i, k in (("x1", 0, 0), ("y1", 0, 1), ("x2", 1, 0), ("y2", 1, 1))
            )
            + "</line>"
        )

    def band(self, anchor: Point, hand: str) -> str:
        """A band from where it is fixed to a hand, following the hand."""
        ends = [b.points[hand] for b in self.bodies]
        line = (
            f'<line x1="{_n(anchor[0])}" y1="{_n(anchor[1])}" x2="{_n(ends[0][0])}"'
            f' y2="{_n(ends[0][1])}" stroke="#555555" stroke-width="2.5" stroke-linecap="round"'
        )
        if self.timing is None or not _varies([c for e in ends for c in e]):
            return line + "/>"
        return (
            line
            + ">"
            + self.timing.animate("x2", (_n(e[0]) for e in ends), every=True)
            + self.timing.animate("y2", (_n(e[1]) for e in ends), every=True)
            + "</line>"
        )


def _toward(a: Point, b: Point, t: float) -> Point:
    return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t


def _paint(shape: Shape) -> str:
    paint = f'fill="{shape.fill}"'
    if shape.stroke != "none":
        paint += f' stroke="{shape.stroke}" stroke-width="{shape.width:g}" stroke-linejoin="round"'
    if shape.opacity < 1:
        paint += f' opacity="{shape.opacity:g}"'
    return paint


def _c(value: float) -> str:
    """A shape's coordinate: whole centimetres for its outline, tenths for the fine
    features of a face (a figure is printed some 40 mm tall)."""
    return _n(value) if abs(value) < 5 else str(round(value))


def _varies(values: list[float], least: float = 0.05) -> bool:
    return max(values) - min(values) > least


def _n(value: float) -> str:
    """A number as short as it can be written to a tenth."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


# -- the body's shapes ----------------------------------------------------------------


def _segment(length: float, w1: float, w2: float, start: float = 0.0) -> str:
    """A limb from its joint (or from `start` along it): round at both ends, tapering
    from w1 to w2."""
    a, b = _c(start), _c(max(length, start + 0.1))
    return (
        f"M{a} {_c(-w1)}L{b} {_c(-w2)}A{_c(w2)} {_c(w2)} 0 0 1 {b} {_c(w2)}"
        f"L{a} {_c(w1)}A{_c(w1)} {_c(w1)} 0 0 1 {a} {_c(-w1)}Z"
    )


def _ellipse(cx: float, cy: float, rx: float, ry: float) -> str:
    return (
        f"M{_c(cx - rx)} {_c(cy)}A{_c(rx)} {_c(ry)} 0 1 0 {_c(cx + rx)} {_c(cy)}"
        f"A{_c(rx)} {_c(ry)} 0 1 0 {_c(cx - rx)} {_c(cy)}Z"
    )


def _poly(points: list[Point]) -> str:
    return "M" + "L".join(f"{_c(x)} {_c(y)}" for x, y in points) + "Z"


def _colours(side: str) -> tuple[str, str, float]:
    """Fill, edge and edge width for a side: near limbs dark with a white edge that
    parts them from the trunk, far limbs pale with a grey outline."""
    if side == "far":
        return FAR, FAR_EDGE, 0.9
    return BODY, "#ffffff", 1.1


def _limb_parts(
    sk: Skeleton, side: str, arms: bool = False, legs: bool = False, holds: Iterable[str] = ()
) -> dict[str, Drawer]:
    fill, edge, width = _colours(side)
    parts: dict[str, Drawer] = {}

    def segment(part: str) -> Drawer:
        def draw(body: Skeleton, node: Node) -> list[Shape]:
            return [Shape(_segment(node.length, *TAPER[part]), fill, edge, width)]

        return draw

    def forearm(body: Skeleton, node: Node) -> list[Shape]:
        # The hand is a mitten at the end of the forearm, a little wider than the wrist.
        reach = max(node.length - 2.5, 0.1)
        shapes = [
            Shape(_segment(reach, *TAPER["fore"]), fill, edge, width),
            Shape(
                _ellipse(node.length, 0, HAND_RADIUS + 0.6, HAND_RADIUS - 0.6), fill, edge, width
            ),
        ]
        if side in holds:
            # A dumbbell held with the palm in is seen end-on: a round weight.
            shapes += [
                Shape(_ellipse(node.length, 0, 6.2, 6.2), fill, edge, width),
                Shape(_ellipse(node.length, 0, 2.6, 2.6), "none", edge, 1.0),
            ]
        return shapes

    def foot(body: Skeleton, node: Node) -> list[Shape]:
        return [Shape(_shoe(body, node), fill, edge, width)]

    if legs and f"{side}_knee" in sk.points:
        parts[f"{side}_knee"] = segment("thigh")
        parts[f"{side}_ankle"] = segment("shin")
        parts[f"{side}_toe"] = foot
        if sk.pose.view in FACING or sk.pose.short.get(f"{side}_thigh", 1.0) < 0.8:
            parts[f"{side}_knee"] = _kneecap(segment("thigh"), fill, edge, width)
    if arms and f"{side}_elbow" in sk.points:
        parts[f"{side}_elbow"] = segment("upper")
        parts[f"{side}_hand"] = forearm
    return parts


def _kneecap(thigh: Drawer, fill: str, edge: str, width: float) -> Drawer:
    """A thigh that may point at us: a round knee keeps the bend readable."""

    def draw(body: Skeleton, node: Node) -> list[Shape]:
        knee = Shape(_ellipse(node.length, 0, 6.0, 6.0), fill, edge, width)
        # a thigh pointing straight at us is hidden behind its knee
        hidden = Shape("M0 0Z", fill)
        return [hidden if node.length < 8 else thigh(body, node)[0], knee]

    return draw


def _shoe(body: Skeleton, node: Node) -> str:
    """A foot from the ankle toward the toes, its sole away from the shin."""
    shin = body.nodes[[n.joint for n in body.nodes].index(node.joint.replace("toe", "ankle"))]
    knee_side = math.sin(math.radians(shin.direction + 180 - node.direction))
    s = -1.0 if knee_side >= 0 else 1.0  # the sole's side of the foot's line
    L = node.length
    if L < 9:  # seen from the front: little more than the toe of a shoe
        return _ellipse(L * 0.55, 0, L * 0.6 + 2.5, 3.2)
    pts = [
        (-4.5, 1.0 * -s),
        (-3.5, 3.4 * s),
        (L - 2, 3.2 * s),
        (L + 1.2, 1.4 * s),
        (L, -0.8 * s),
        (L * 0.45, -2.6 * s),
        (1.5, -3.6 * s),
        (-4.2, -2.6 * s),
    ]
    return _poly(pts)


def _trunk_parts(sk: Skeleton) -> dict[str, Drawer]:
    facing = sk.pose.view in FACING

    def pelvis(body: Skeleton, node: Node) -> list[Shape]:
        L = node.length
        if facing:
            # up past the waist, under the chest, so the two never show a seam
            pts = [
                (L + 4, -WAIST_HALF + 1),
                (L, -WAIST_HALF),
                (L * 0.35, -15.5),
                (-1, -16),
                (-6, -7),
                (-7, 0),
                (-6, 7),
                (-1, 16),
                (L * 0.35, 15.5),
                (L, WAIST_HALF),
                (L + 4, WAIST_HALF - 1),
            ]
            return [Shape(_poly(pts), BODY)]
        # side view: the back (+y) is round over the buttocks, the front flatter; a
        # breath in pushes the tummy out (as the checks' tummy has it)
        b = body.pose.belly
        pts = [
            (L + 4, -8.6),
            (L, -9 - belly_bulge(1.0, b)),
            (L * BELLY_PEAK, -9.8 - b),
            (0, -10.2),
            (-6, -7),
            (-8.5, 0),
            (-6, 8),
            (0, 12),
            (L * 0.5, 10.2),
            (L, 9),
            (L + 4, 8.6),
        ]
        return [Shape(_poly(pts), BODY)]

    def chest(body: Skeleton, node: Node) -> list[Shape]:
        L = node.length
        if facing:
            pose = body.pose
            width = 16.0 * math.cos(math.radians(pose.twist)) + 3.5
            up = pose.shrug[0]
            pts = [
                (0, -WAIST_HALF),
                (L * 0.55, -width + 1),
                (L - 3 + up, -width),
                (L + 1 + up, -width + 4),
                (L + 3.5, -5.5),
                (L + 3.5, 5.5),
                (L + 1 + up, width - 4),
                (L - 3 + up, width),
                (L * 0.55, width - 1),
                (0, WAIST_HALF),
            ]
            return [Shape(_poly(pts), BODY)]
        back = body.pose.shrug[1]
        pts = [
            (0, -9),
            (L * 0.55, -11),
            (L - 2, -8.5),
            (L + 1.5, -4),
            (L + 2, 3),
            (L - 1 + body.pose.shrug[0] * 0.6, 8.5 + back * 0.3),
            (L * 0.55, 10.2 + back * 0.2),
            (0, 9),
        ]
        return [Shape(_poly(pts), BODY)]

    def neck(body: Skeleton, node: Node) -> list[Shape]:
        return [Shape(_segment(node.length + 1.5, *TAPER["neck"]), BODY)]

    def head(body: Skeleton, node: Node) -> list[Shape]:
        return _head(body, node.length)

    return {"waist": pelvis, "shoulder": chest, "neck_top": neck, "head": head}


def _head(body: Skeleton, along: float) -> list[Shape]:
    """The head in its own frame (x up the head from the top of the neck, y to its
    left), with a face that shows where it points: light skin on a dark head of hair,
    eyes, a nose and a mouth."""
    R = HEAD_RADIUS
    pose = body.pose
    if pose.view not in FACING:
        # In profile the face is on the right of travel (-y), from the brow to the chin;
        # the nose stands out past it.
        def at(degrees: float, r: float) -> Point:
            rad = math.radians(degrees)
            return along + r * math.cos(rad), r * math.sin(rad)

        face = [at(a, R * 0.9) for a in range(-35, -176, -20)] + [
            (along - 6.5, -1.5),
            (along + 5, -2),
        ]
        nose = [at(-72, R * 0.88), at(-96, R + 2.6), at(-112, R * 0.88)]
        return [
            Shape(_ellipse(along, 0, R, R), BODY),
            Shape(_poly(face), FACE),
            Shape(_poly(nose), FACE, BODY, 0.8),
            Shape(_ellipse(*at(-62, R * 0.6), 1.2, 1.2), BODY),
            Shape(_poly([at(-128, R * 0.9), at(-130, R * 0.55), at(-136, R * 0.55)]), BODY),
            Shape(_ellipse(along - 0.5, 2.2, 2.6, 1.9), FAR),
        ]
    # Facing us: the face slides toward the way the head turns and narrows, the far eye
    # goes out of sight, the nose stands out past the cheek and an ear comes into view.
    t = math.sin(math.radians(90 * pose.turn))
    u = abs(t)
    c = -t * 3.0
    down = pose.nod * 4.5  # a nod slides the face toward the chin: more hair shows
    along -= down
    eye = 2.6 * (1 - 0.6 * u)
    near_eye, far_eye = 1.15, max(1.15 * (1 - 1.4 * u), 0.01)
    left_eye, right_eye = (far_eye, near_eye) if t < 0 else (near_eye, far_eye)
    nose = [
        (along + 0.5 + 0.7 * u, c - t * 2.5 * u - 1.0 * (1 - u)),
        (along - 2.3 + 1.1 * u, c * (1 - u) - t * (R * 0.82 + 2.2) * u),
        (along + 0.5 - 2.7 * u, c - t * 2.5 * u + 1.0 * (1 - u)),
    ]
    ear = max(u * 2.4, 0.01)
    return [
        Shape(_ellipse(along + down, 0, R * 1.06, R * 0.82), BODY),
        Shape(_ellipse(along - 1.0, c, 7.6 - 2.5 * abs(pose.nod), 6.2 - 1.9 * u), FACE),
        Shape(_ellipse(along + 1.6, c - eye, left_eye, left_eye), BODY),
        Shape(_ellipse(along + 1.6, c + eye, right_eye, right_eye), BODY),
        Shape(_ellipse(along - 4.6, c * (1 + 0.3 * u), 0.7, 1.8 * (1 - 0.4 * u)), BODY),
        Shape(_poly(nose), FACE, BODY, 0.8),
        Shape(_ellipse(along + 0.5, t * 5.5, ear, ear * 0.7), FAR),
    ]


#: Where each target area lies on the body: (segment, from, to) as fractions of it.
_AREAS: dict[str, list[tuple[str, float, float]]] = {
    "neck": [("neck_top", 0.0, 1.0)],
    "upper_back": [("shoulder", 0.5, 1.0)],
    "mid_back": [("shoulder", 0.0, 0.6)],
    "lower_back": [("waist", 0.0, 1.0)],
    "chest": [("shoulder", 0.5, 1.0)],
    "hips": [("waist", 0.0, 0.3)],
}


def _halo_parts(figure: Figure, sk: Skeleton) -> dict[str, Drawer]:
    """The target area as a soft band over the part it names, moving with it."""
    parts: dict[str, list[tuple[float, float, float]]] = {}
    exercise_areas = figure.highlight
    for area in exercise_areas:
        if area == "shoulders":
            for side in ("near", "left", "right"):
                if f"{side}_elbow" in sk.points:
                    parts.setdefault(f"{side}_elbow", []).append((-0.1, 0.4, 11))
            continue
        if area == "legs":
            for side in ("near", "left", "right"):
                if f"{side}_knee" in sk.points:
                    parts.setdefault(f"{side}_knee", []).append((0.0, 1.0, 11))
            continue
        for joint, f1, f2 in _AREAS[area]:
            parts.setdefault(joint, []).append((f1, f2, 8 if area == "neck" else 12.5))

    def drawer(spans: list[tuple[float, float, float]]) -> Drawer:
        def draw(body: Skeleton, node: Node) -> list[Shape]:
            return [
                Shape(_segment(node.length * f2, half, half, node.length * f1), HALO, opacity=0.55)
                for f1, f2, half in spans
            ]

        return draw

    return {joint: drawer(spans) for joint, spans in parts.items()}


# -- props -------------------------------------------------------------------------


def _chair_side(prop: Prop) -> str:
    x = prop.x
    return "".join(
        [
            _rect(x - 16, SEAT - 4, x + 26, SEAT, PROP_FILL, PROP_LINE),
            _rect(x - 19, SEAT - 4, x - 16, SEAT + 42, PROP_FILL, PROP_LINE),
            _line((x - 14, SEAT - 4), (x - 14, 0), PROP_LINE, 3),
            _line((x + 23, SEAT - 4), (x + 23, 0), PROP_LINE, 3),
        ]
    )


def _chair_facing(prop: Prop) -> str:
    x = prop.x
    if prop.turned:
        sign = 1 if prop.turned == "right" else -1
        edge = x + 22 * sign
        return "".join(
            [
                _rect(x - 22, SEAT - 4, x + 22, SEAT, PROP_FILL, PROP_LINE),
                _rect(edge, SEAT - 4, edge + 3 * sign, SEAT + 42, PROP_FILL, PROP_LINE),
                _line((x - 19, SEAT - 4), (x - 19, 0), PROP_LINE, 3),
                _line((x + 19, SEAT - 4), (x + 19, 0), PROP_LINE, 3),
            ]
        )
    return "".join(
        [
            _rect(x - 25, SEAT, x + 25, SEAT + 44, PROP_FILL, PROP_LINE),
            _rect(x - 27, SEAT - 4, x + 27, SEAT, PROP_FILL, PROP_LINE),
            _line((x - 24, SEAT - 4), (x - 24, 0), PROP_LINE, 3),
            _line((x + 24, SEAT - 4), (x + 24, 0), PROP_LINE, 3),
        ]
    )


def _worktop(prop: Prop) -> str:
    height, depth = WORKTOP
    far = prop.x + depth if prop.side == "right" else prop.x - depth
    lip = -WORKTOP_LIP if prop.side == "right" else WORKTOP_LIP
    return _rect(prop.x, 0, far, height - 4, PROP_FILL, PROP_LINE) + _rect(
        prop.x + lip, height - 4, far, height, "#cfcfcf", PROP_LINE
    )


def _wall(prop: Prop, x0: float, x1: float, top: float) -> str:
    if prop.behind:
        return _rect(x0 + 4, 0, x1 - 4, top - 4, "#f0f0f0", "none")
    lo, hi = (prop.x - 10, prop.x) if prop.side == "left" else (prop.x, prop.x + 10)
    return _rect(max(lo, x0), 0, min(hi, x1), top - 2, "#d6d6d6", PROP_LINE)


def _door(prop: Prop, view: str) -> str:
    if view == "side" or prop.beside:  # a door frame, or a door seen edge-on
        return _rect(prop.x - 4, 0, prop.x + 4, 205, PROP_FILL, PROP_LINE)
    w = prop.x or 45.0
    return "".join(
        [
            _rect(-w - 8, 0, -w, 205, PROP_FILL, PROP_LINE),
            _rect(w, 0, w + 8, 205, PROP_FILL, PROP_LINE),
            _rect(-w - 8, 205, w + 8, 212, PROP_FILL, PROP_LINE),
        ]
    )


def _mat(figure: Figure, bodies: list[Skeleton]) -> str:
    lo, hi = _body_span(figure, bodies)
    if figure.view == "above":
        return _rect(lo[0] - 6, lo[1] - 6, hi[0] + 6, hi[1] + 6, "#ececec", PROP_LINE)
    if figure.view == "angled":
        # The floor seen from the feet and above: a mat narrowing toward the head.
        bottom, top = lo[1] - 8, hi[1] + 4
        pts = [(lo[0] - 14, bottom), (hi[0] + 14, bottom), (hi[0] - 2, top), (lo[0] + 2, top)]
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in pts)
        return f'<polygon points="{points}" fill="#ececec" stroke="{PROP_LINE}" stroke-width="1"/>'
    return _rect(lo[0] - 8, 0, hi[0] + 8, MAT, "#bdbdbd", PROP_LINE)


# -- arrows, geometry and primitives -----------------------------------------------------


def _arrow(start: Point, end: Point, bend: float, trim: float) -> list[str]:
    length = math.dist(start, end)
    if length < 4:
        return []
    trim = min(trim, length / 5)
    ux, uy = (end[0] - start[0]) / length, (end[1] - start[1]) / length
    a = (start[0] + ux * trim, start[1] + uy * trim)
    b = (end[0] - ux * trim, end[1] - uy * trim)
    mid = ((a[0] + b[0]) / 2 - uy * bend, (a[1] + b[1]) / 2 + ux * bend)
    tx, ty = b[0] - mid[0], b[1] - mid[1]
    norm = math.hypot(tx, ty) or 1.0
    tx, ty = tx / norm, ty / norm
    # A short arrow gets a smaller head, so that it points rather than covers.
    size = min(1.0, max(0.55, length / 16))
    tip = (b[0] + tx * 2 * size, b[1] + ty * 2 * size)
    left = (b[0] - (tx * 7 + ty * 4) * size, b[1] - (ty * 7 - tx * 4) * size)
    right = (b[0] - (tx * 7 - ty * 4) * size, b[1] - (ty * 7 + tx * 4) * size)
    head = " ".join(f"{x:.1f},{y:.1f}" for x, y in (tip, left, right))
    return [
        f'<path d="M{a[0]:.1f} {a[1]:.1f} Q{mid[0]:.1f} {mid[1]:.1f} {b[0]:.1f} {b[1]:.1f}"'
        f' fill="none" stroke="#ffffff" stroke-width="4.2" stroke-linecap="round"/>',
        f'<path d="M{a[0]:.1f} {a[1]:.1f} Q{mid[0]:.1f} {mid[1]:.1f} {b[0]:.1f} {b[1]:.1f}"'
        f' fill="none" stroke="{ARROW}" stroke-width="2.2" stroke-dasharray="5 3"/>',
        f'<polygon points="{head}" fill="{ARROW}"/>',
    ]


def _bounds(figure: Figure, bodies: list[Skeleton]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for sk in bodies:
        for _, (x, y), half in sk.samples(4):
            xs += [x - half, x + half]
            ys += [y - half, y + half]
        for x, y in sk.points.values():
            xs.append(x)
            ys.append(y)
    for prop in figure.props:
        if prop.kind == "chair":
            xs += [prop.x - 28, prop.x + 28]
            ys += [SEAT + 44]
        elif prop.kind == "door":
            post = figure.view == "side" or prop.beside
            half = 5 if post else (prop.x or 45) + 9
            xs += [prop.x - half, prop.x + half] if post else [-half, half]
            ys.append(212)
        elif prop.kind == "band" and not prop.around:
            xs.append(prop.x)
            ys.append(prop.y)
        elif prop.kind == "wall" and not prop.behind:
            xs += [prop.x - 10, prop.x + 10]
        elif prop.kind == "roller":
            xs += [prop.x - prop.radius, prop.x + prop.radius]
        elif prop.kind == "worktop":
            height, depth = WORKTOP
            xs += [prop.x, prop.x + (depth if prop.side == "right" else -depth)]
            ys.append(height)
    pad = MARGIN
    if figure.view in ("above", "angled"):
        low = min(ys) - pad - 6
    else:
        low = min(0.0, min(ys)) - 4
    return min(xs) - pad, low, max(xs) + pad, max(ys) + pad


def _body_span(figure: Figure, bodies: list[Skeleton]) -> tuple[Point, Point]:
    xs = [x for sk in [*figure.placed, *bodies] for x, _ in sk.points.values()]
    ys = [y for sk in [*figure.placed, *bodies] for _, y in sk.points.values()]
    r = HEAD_RADIUS
    return (min(xs) - r, min(ys) - r), (max(xs) + r, max(ys) + r)


def _line(a: Point, b: Point, colour: str, width: float, opacity: float = 1.0) -> str:
    extra = f' stroke-opacity="{opacity}"' if opacity < 1 else ""
    return (
        f'<line x1="{_n(a[0])}" y1="{_n(a[1])}" x2="{_n(b[0])}" y2="{_n(b[1])}"'
        f' stroke="{colour}" stroke-width="{width:g}" stroke-linecap="round"{extra}/>'
    )


def _rect(x1: float, y1: float, x2: float, y2: float, fill: str, stroke: str) -> str:
    return (
        f'<rect x="{_n(min(x1, x2))}" y="{_n(min(y1, y2))}" width="{_n(abs(x2 - x1))}"'
        f' height="{_n(abs(y2 - y1))}" fill="{fill}" stroke="{stroke}" stroke-width="1"/>'
    )
