"""Exercise figures: each exercise's start and end (and middle) pose as a small SVG.

The figures are drawn from data/poses.yaml (read and checked by inputs/poses_file.py):
a neutral stick-and-disc figure in dark grey, its far limbs in a lighter grey, props
in pale grey outline, the target area as a soft halo, and dashed arrows for the
movement. Each figure carries a <title> and a <desc> that says every pose in words,
and role="img", so a screen reader gets the picture as sentences. Nothing relies on
colour alone: in greyscale print the halo is a pale band and the arrows are dashed.

Presentation attributes only (no style attributes or <style> elements), so the web
app's Content-Security-Policy, which forbids inline styles, lets the figures through.
This module and the pose data are imported only for HTML and Markdown output.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable
from functools import lru_cache
from html import escape
from typing import Optional

from recommender.core.catalog import Exercise
from recommender.core.wording import words
from recommender.inputs.body import HEAD_RADIUS, MAT, SEAT, Point, Skeleton
from recommender.inputs.poses_file import WORKTOP, Figure, Prop, figure_key, load_figures

BODY = "#2b2b2b"
FAR = "#9c9c9c"
PROP_FILL = "#e6e6e6"
PROP_LINE = "#707070"
HALO = "#f2b441"
ARROW = "#1b5fae"
CAPTION = "#333333"
LIMB = 7.0
TRUNK = 16.0
MARGIN = 8.0
CAPTION_SPACE = 14.0
SCALE = 0.9  # pixels per centimetre at the figure's natural size
CAPTIONS = {"start": "Start", "middle": "Then", "end": "End"}

#: The body points a target area covers, as (from, to, fraction from, fraction to).
_AREAS: dict[str, list[tuple[str, str, float, float]]] = {
    "neck": [("shoulder", "neck_top", 0.0, 1.0)],
    "upper_back": [("waist", "shoulder", 0.5, 1.0)],
    "mid_back": [("waist", "shoulder", 0.0, 0.6)],
    "lower_back": [("hip", "waist", 0.0, 1.0)],
    "chest": [("waist", "shoulder", 0.5, 1.0)],
    "hips": [("hip", "waist", 0.0, 0.3)],
}


@lru_cache(maxsize=1)
def figures() -> dict[str, Figure]:
    return load_figures()


def figure_for(exercise: Exercise, position: Optional[str] = None) -> Optional[Figure]:
    """The exercise's figure in `position` (default: its usual one). None when there is
    none for that position: better no picture than one of another position."""
    key = figure_key(exercise.id, position or exercise.position, exercise.position)
    return figures().get(key)


def svg(exercise: Exercise, standalone: bool = False, position: Optional[str] = None) -> str:
    """The exercise's figure as SVG markup ('' when it has none).

    `standalone` adds the XML namespace a file or data URI needs; inline HTML does
    not need it but is not harmed by it either.
    """
    figure = figure_for(exercise, position)
    if figure is None:
        return ""
    return _draw(figure, exercise, standalone)


def data_uri(exercise: Exercise, position: Optional[str] = None) -> str:
    """The figure as a data: URI, for Markdown images."""
    body = svg(exercise, standalone=True, position=position)
    return "data:image/svg+xml;base64," + base64.b64encode(body.encode()).decode()


def description(figure: Figure, exercise: Exercise) -> str:
    poses = " ".join(f"{CAPTIONS[p.name]}: {p.says.rstrip('.')}." for p in figure.poses)
    area = " and ".join(words(a) for a in (figure.highlight or exercise.areas[:1]))
    return f"{poses} The shaded band marks the {area}; dashed arrows show the movement."


# -- drawing -----------------------------------------------------------------------


def _draw(figure: Figure, exercise: Exercise, standalone: bool) -> str:
    x0, y0, x1, y1 = _bounds(figure)
    w, h = x1 - x0, y1 - y0 + CAPTION_SPACE
    stacked = w > 1.25 * h
    n = len(figure.poses)
    total_w, total_h = (w, h * n) if stacked else (w * n, h)
    ident = "fig-" + figure.exercise.replace("@", "-")
    other = figure.exercise.partition("@")[2]  # drawn in a position not the usual one
    title = f"{exercise.name}{', ' + words(other) if other else ''}: how to move"
    ns = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    out = [
        f'<svg{ns} class="figure" role="img" aria-labelledby="{ident}-t {ident}-d"'
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
        nxt = figure.placed[i + 1] if i + 1 < n else None
        out += _panel(figure, exercise, sk, nxt, (x0, x1, y1), first=i == 0)
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


def _panel(
    figure: Figure,
    exercise: Exercise,
    sk: Skeleton,
    nxt: Optional[Skeleton],
    frame: tuple[float, float, float],
    first: bool,
) -> list[str]:
    x0, x1, top = frame
    pts, side = sk.points, figure.view == "side"
    out: list[str] = []
    # Behind the body: walls behind, the floor, the mat, the chair's back (front view).
    for prop in figure.props:
        if prop.kind == "wall":
            out.append(_wall(prop, figure.view, x0, x1, top))
    if figure.view != "above":
        out.append(_line((x0, 0), (x1, 0), PROP_LINE, 1.5))
    if figure.on_mat:
        lo, hi = _body_span(figure)
        if figure.view == "above":
            out.append(_rect(lo[0] - 6, lo[1] - 6, hi[0] + 6, hi[1] + 6, "#ececec", PROP_LINE))
        else:
            out.append(_rect(lo[0] - 8, 0, hi[0] + 8, MAT, "#bdbdbd", PROP_LINE))
    for prop in figure.props:
        if prop.kind == "door":
            out.append(_door(prop, figure.view))
        if prop.kind == "worktop":
            out.append(_worktop(prop))
        if prop.kind == "towel":
            towel = (prop.x - 11, figure.floor, prop.x + 11, figure.floor + 4)
            out.append(_rect(*towel, "#ffffff", PROP_LINE))
        if prop.kind == "chair" and not side:
            out.append(_rect(prop.x - 25, SEAT, prop.x + 25, SEAT + 44, PROP_FILL, PROP_LINE))
    out += _halo(figure, exercise, sk)
    if side:
        out += _limbs(sk, "far", FAR)
    for prop in figure.props:
        if prop.kind == "chair":
            out.append(_chair(prop, side))
        if prop.kind == "roller":
            out.append(
                f'<circle cx="{prop.x:.1f}" cy="{MAT + prop.radius:.1f}" r="{prop.radius:.1f}"'
                f' fill="#c4c4c4" stroke="{PROP_LINE}" stroke-width="1.5"/>'
            )
    out += _trunk(sk, side)
    for limb_side in ("near",) if side else ("left", "right"):
        out += _limbs(sk, limb_side, BODY)
    for prop in figure.props:
        if prop.kind == "band":
            for hand in prop.hands:
                out.append(_line((prop.x, prop.y), pts[f"{hand}_hand"], "#555555", 2.5))
            out.append(_rect(prop.x - 3, prop.y - 3, prop.x + 3, prop.y + 3, "#555555", "#555555"))
        if prop.kind == "dumbbells":
            for hand in sorted(prop.hands, key=lambda h: h != "far"):  # the far one behind
                out.append(_dumbbell(pts[f"{hand}_hand"], FAR if hand == "far" else BODY))
    for arrow in figure.arrows:
        if arrow.joint is not None and nxt is not None:
            out += _arrow(pts[arrow.joint], nxt.points[arrow.joint], arrow.bend, trim=5)
        elif arrow.start is not None and arrow.end is not None and first:
            out += _arrow(arrow.start, arrow.end, arrow.bend, trim=0)
    return out


def _trunk(sk: Skeleton, side: bool) -> list[str]:
    p = sk.points
    out = [_path([p["hip"], p["waist"], p["shoulder"]], BODY, TRUNK)]
    if not side:
        quad = [p["left_shoulder"], p["right_shoulder"], p["right_hip"], p["left_hip"]]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in quad)
        out.append(
            f'<polygon points="{points}" fill="{BODY}" stroke="{BODY}" stroke-width="9"'
            ' stroke-linejoin="round"/>'
        )
    out.append(_line(p["shoulder"], p["neck_top"], BODY, 8))
    hx, hy = p["head"]
    nx, ny = p["nose"]
    if side:
        out.append(f'<circle cx="{hx:.1f}" cy="{hy:.1f}" r="{HEAD_RADIUS:.1f}" fill="{BODY}"/>')
        out.append(f'<circle cx="{nx:.1f}" cy="{ny:.1f}" r="3" fill="{BODY}"/>')
    else:
        # Facing us the head is an upright oval, so that a tilt shows.
        tilt = sk.pose.head - 90
        out.append(
            f'<ellipse cx="{hx:.1f}" cy="{hy:.1f}" rx="{HEAD_RADIUS * 0.82:.1f}"'
            f' ry="{HEAD_RADIUS * 1.08:.1f}" transform="rotate({tilt:.0f} {hx:.1f} {hy:.1f})"'
            f' fill="{BODY}"/>'
        )
        out.append(f'<circle cx="{nx:.1f}" cy="{ny:.1f}" r="2.2" fill="#ffffff"/>')
    return out


def _limbs(sk: Skeleton, side: str, colour: str) -> list[str]:
    """One side's leg and arm. Limbs in front of the body get a thin white edge, so
    an arm across the chest still shows against it."""
    p = sk.points
    out = []
    edge = colour == BODY
    # An arm resting along a body lying on its side view would show only as an
    # outline on the trunk: it goes unedged there.
    arm_edge = edge and not (sk.pose.support == "lying" and sk.pose.view == "side")
    if f"{side}_knee" in p:
        hip = "hip" if f"{side}_hip" not in p else f"{side}_hip"
        leg = [p[hip], p[f"{side}_knee"], p[f"{side}_ankle"]]
        if edge:
            out.append(_path(leg[1:], "#ffffff", LIMB + 4))
        out.append(_path(leg, colour, LIMB))
        out.append(_line(p[f"{side}_heel"], p[f"{side}_toe"], colour, LIMB))
        # A thigh seen end-on (from above with the knee raised, or from the front when
        # sitting) shows as a round knee cap, so the bend reads.
        end_on = sk.pose.short.get(f"{side}_thigh", 1.0) < 0.8
        if sk.pose.view == "above" or end_on:
            kx, ky = p[f"{side}_knee"]
            out.append(f'<circle cx="{kx:.1f}" cy="{ky:.1f}" r="6" fill="{colour}"/>')
    if f"{side}_elbow" in p:
        shoulder = "shoulder" if f"{side}_shoulder" not in p else f"{side}_shoulder"
        arm = [p[shoulder], p[f"{side}_elbow"], p[f"{side}_hand"]]
        hx, hy = p[f"{side}_hand"]
        if arm_edge:
            out.append(_path([_between(arm[0], arm[1], 0.3), *arm[1:]], "#ffffff", LIMB + 3))
            out.append(f'<circle cx="{hx:.1f}" cy="{hy:.1f}" r="5.7" fill="#ffffff"/>')
        out.append(_path(arm, colour, LIMB))
        out.append(f'<circle cx="{hx:.1f}" cy="{hy:.1f}" r="4.2" fill="{colour}"/>')
    return out


def _halo(figure: Figure, exercise: Exercise, sk: Skeleton) -> list[str]:
    out = []
    p = sk.points
    for area in figure.highlight or exercise.areas[:1]:
        if area == "shoulders":
            ends = [k for k in ("shoulder", "left_shoulder", "right_shoulder") if k in p]
            arms = [k for k in ("near_elbow", "left_elbow", "right_elbow") if k in p]
            for end in ends[-2:] if len(ends) > 1 else ends:
                out.append(_line(p[end], p[end], HALO, 22, opacity=0.7))
            for e in arms:
                top = "shoulder" if e == "near_elbow" else e.replace("elbow", "shoulder")
                out.append(_line(p[top], _between(p[top], p[e], 0.4), HALO, 20, opacity=0.7))
            continue
        if area == "legs":
            for limb in ("near", "left", "right"):
                if f"{limb}_knee" in p:
                    hip = "hip" if limb == "near" else f"{limb}_hip"
                    out.append(_path([p[hip], p[f"{limb}_knee"]], HALO, 20, opacity=0.7))
            continue
        for a, b, f1, f2 in _AREAS[area]:
            out.append(
                _line(_between(p[a], p[b], f1), _between(p[a], p[b], f2), HALO, 28, opacity=0.7)
            )
    return out


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
    tip = (b[0] + tx * 2, b[1] + ty * 2)
    left = (b[0] - tx * 7 - ty * 4, b[1] - ty * 7 + tx * 4)
    right = (b[0] - tx * 7 + ty * 4, b[1] - ty * 7 - tx * 4)
    head = " ".join(f"{x:.1f},{y:.1f}" for x, y in (tip, left, right))
    return [
        f'<path d="M{a[0]:.1f} {a[1]:.1f} Q{mid[0]:.1f} {mid[1]:.1f} {b[0]:.1f} {b[1]:.1f}"'
        f' fill="none" stroke="{ARROW}" stroke-width="2.2" stroke-dasharray="5 3"/>',
        f'<polygon points="{head}" fill="{ARROW}"/>',
    ]


# -- props -------------------------------------------------------------------------


def _chair(prop: Prop, side: bool) -> str:
    x = prop.x
    if side:
        parts = [
            _rect(x - 16, SEAT - 4, x + 26, SEAT, PROP_FILL, PROP_LINE),
            _rect(x - 19, SEAT - 4, x - 16, SEAT + 42, PROP_FILL, PROP_LINE),
            _line((x - 14, SEAT - 4), (x - 14, 0), PROP_LINE, 3),
            _line((x + 23, SEAT - 4), (x + 23, 0), PROP_LINE, 3),
        ]
    else:
        parts = [
            _rect(x - 27, SEAT - 4, x + 27, SEAT, PROP_FILL, PROP_LINE),
            _line((x - 24, SEAT - 4), (x - 24, 0), PROP_LINE, 3),
            _line((x + 24, SEAT - 4), (x + 24, 0), PROP_LINE, 3),
        ]
    return "".join(parts)


def _worktop(prop: Prop) -> str:
    height, depth = WORKTOP
    far = prop.x + depth if prop.side == "right" else prop.x - depth
    lip = -3 if prop.side == "right" else 3  # the top overhangs the cupboard a little
    return _rect(prop.x, 0, far, height - 4, PROP_FILL, PROP_LINE) + _rect(
        prop.x + lip, height - 4, far, height, "#cfcfcf", PROP_LINE
    )


def _wall(prop: Prop, view: str, x0: float, x1: float, top: float) -> str:
    if prop.behind:
        return _rect(x0 + 4, 0, x1 - 4, top - 4, "#f0f0f0", "none")
    lo, hi = (prop.x - 10, prop.x) if prop.side == "left" else (prop.x, prop.x + 10)
    return _rect(max(lo, x0), 0, min(hi, x1), top - 2, "#d6d6d6", PROP_LINE)


def _door(prop: Prop, view: str) -> str:
    if view == "side":
        return _rect(prop.x - 4, 0, prop.x + 4, 205, PROP_FILL, PROP_LINE)
    w = prop.x or 45.0
    return "".join(
        [
            _rect(-w - 8, 0, -w, 205, PROP_FILL, PROP_LINE),
            _rect(w, 0, w + 8, 205, PROP_FILL, PROP_LINE),
            _rect(-w - 8, 205, w + 8, 212, PROP_FILL, PROP_LINE),
        ]
    )


def _dumbbell(at: Point, colour: str) -> str:
    x, y = at
    return (
        _line((x - 7, y), (x + 7, y), colour, 3)
        + _rect(x - 9, y - 4.5, x - 5, y + 4.5, colour, colour)
        + _rect(x + 5, y - 4.5, x + 9, y + 4.5, colour, colour)
    )


# -- geometry and primitives ------------------------------------------------------------


def _bounds(figure: Figure) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for sk in figure.placed:
        for x, y in sk.points.values():
            xs.append(x)
            ys.append(y)
    for prop in figure.props:
        if prop.kind == "chair":
            xs += [prop.x - 24, prop.x + 28]
            ys += [SEAT + 44]
        elif prop.kind == "door":
            half = 5 if figure.view == "side" else (prop.x or 45) + 9
            xs += [prop.x - half, prop.x + half] if figure.view == "side" else [-half, half]
            ys.append(212)
        elif prop.kind == "band":
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
    pad = HEAD_RADIUS + MARGIN
    low = min(ys) - pad if figure.view == "above" else min(0.0, min(ys)) - 4
    return min(xs) - pad, low, max(xs) + pad, max(ys) + pad


def _body_span(figure: Figure) -> tuple[Point, Point]:
    xs = [x for sk in figure.placed for x, _ in sk.points.values()]
    ys = [y for sk in figure.placed for _, y in sk.points.values()]
    r = HEAD_RADIUS
    return (min(xs) - r, min(ys) - r), (max(xs) + r, max(ys) + r)


def _between(a: Point, b: Point, t: float) -> Point:
    return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t


def _line(a: Point, b: Point, colour: str, width: float, opacity: float = 1.0) -> str:
    extra = f' stroke-opacity="{opacity}"' if opacity < 1 else ""
    return (
        f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0]:.1f}" y2="{b[1]:.1f}"'
        f' stroke="{colour}" stroke-width="{width}" stroke-linecap="round"{extra}/>'
    )


def _path(points: Iterable[Point], colour: str, width: float, opacity: float = 1.0) -> str:
    pts = list(points)
    d = "M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in pts)
    extra = f' stroke-opacity="{opacity}"' if opacity < 1 else ""
    return (
        f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width}"'
        f' stroke-linecap="round" stroke-linejoin="round"{extra}/>'
    )


def _rect(x1: float, y1: float, x2: float, y2: float, fill: str, stroke: str) -> str:
    return (
        f'<rect x="{min(x1, x2):.1f}" y="{min(y1, y2):.1f}" width="{abs(x2 - x1):.1f}"'
        f' height="{abs(y2 - y1):.1f}" fill="{fill}" stroke="{stroke}" stroke-width="1"/>'
    )
