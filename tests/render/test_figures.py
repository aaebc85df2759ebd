"""Exercise figures (data/poses.yaml, render/figures.py): every exercise in the catalog
has one, its poses are ones a body can take, and each SVG is valid, small and
accessible. The loader's refusals are tried on small pose files of our own."""

from __future__ import annotations

import base64
import json
import math
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NoReturn

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from recommender.app.cli import main
from recommender.core.catalog import Exercise
from recommender.core.errors import DataFileError
from recommender.core.wording import words
from recommender.inputs.body import BONES, TAPER, Limb, Pose, Skeleton, skeleton
from recommender.inputs.catalog_file import load_catalog
from recommender.inputs.poses_file import Figure, check_against, figure_key, load_figures
from recommender.render import figures

SVG = "{http://www.w3.org/2000/svg}"
CATALOG = load_catalog()
#: Every exercise in every position it can be done in: each has its own figure.
DRAWN = [(e, p) for e in CATALOG for p in e.positions]


def test_every_exercise_has_a_figure_and_every_figure_an_exercise() -> None:
    wanted = {figure_key(e.id, p, e.position) for e, p in DRAWN}
    assert len(wanted) == len(DRAWN) > len(CATALOG)
    assert check_against(load_figures(), wanted) == []


#: What carries the weight in a figure, for each catalog position.
SUPPORT = {
    "standing": "standing",
    "sitting": "sitting",
    "kneeling": "kneeling",
    "all_fours": "all_fours",
    "lying_back": "lying",
    "lying_front": "lying",
    "lying_side": "lying",
}


def _name(pair: tuple[Exercise, str]) -> str:
    exercise, position = pair
    return exercise.id if position == exercise.position else f"{exercise.id}@{position}"


@pytest.mark.parametrize("pair", DRAWN, ids=_name)
def test_each_figure_shows_its_position(pair: tuple[Exercise, str]) -> None:
    """Each figure shows the position it is for (the usual one, or the one the plan
    moved the exercise to), and needs no equipment the exercise does not list (a chair
    its steps use, to sit on or to hold, is the exception: any home has one)."""
    exercise, position = pair
    figure = figures.figure_for(exercise, position)
    assert figure is not None
    assert all(pose.support == SUPPORT[position] for pose in figure.poses[:1])
    kit = {"chair": "chair", "wall": "wall", "door": "doorway", "band": "resistance_band"}
    kit |= {"dumbbells": "dumbbells", "roller": "foam_roller", "worktop": "worktop"}
    for prop in figure.props:
        household = position == "sitting" or "chair" in " ".join(exercise.steps)
        if prop.kind in kit and not (prop.kind == "chair" and household):
            needed = kit[prop.kind]
            # A band is fixed to a door frame or post; the frame needs no doorway.
            if prop.kind == "door" and "resistance_band" in exercise.equipment:
                continue
            assert needed in exercise.equipment, f"{exercise.id} draws a {prop.kind}"


@pytest.mark.parametrize("pair", DRAWN, ids=_name)
def test_each_figure_is_valid_accessible_svg(pair: tuple[Exercise, str]) -> None:
    exercise, position = pair
    figure = figures.figure_for(exercise, position)
    assert figure is not None
    names = [p.name for p in figure.poses]
    assert names[0] == "start" and names[-1] == "end"
    # The poses differ: some joint moves at least 3 cm from one pose to the next.
    for a, b in zip(figure.placed, figure.placed[1:], strict=False):
        assert max(math.dist(a.points[k], b.points[k]) for k in a.points) >= 3
    text = figures.svg(exercise, standalone=True, position=position)
    root = ET.fromstring(text)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    where = "" if position == exercise.position else f", {words(position)}"
    assert title.text == f"{exercise.name}{where}: how to move"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    for pose in figure.poses:
        assert pose.says.rstrip(".") in (desc.text or "")
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels == [{"start": "Start", "middle": "Then", "end": "End"}[n] for n in names]
    # Nothing that could load, run or restyle anything.
    for element in root.iter():
        assert element.tag.split("}")[-1] not in ("script", "foreignObject", "image", "a", "style")
        assert not {a for a in element.attrib if a in ("style", "href") or a.startswith("on")}
    assert len(text) < 12_000  # small enough to inline in every plan
    # Movement is drawn dashed, so arrows read in greyscale too.
    arrows = [p for p in root.iter(f"{SVG}path") if p.get("stroke") == figures.ARROW]
    assert all(p.get("stroke-dasharray") for p in arrows)
    assert text == figures.svg(exercise, True, position)  # the same bytes every time


def test_data_uri_carries_the_same_svg() -> None:
    exercise = CATALOG["cat-cow"]
    uri = figures.data_uri(exercise)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode() == figures.svg(exercise, True)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_figure_reads_in_greyscale() -> None:
    """Near limbs, far limbs, the target band and the page differ in lightness alone."""
    shades = [figures.BODY, figures.FAR, figures.HALO, "#ffffff"]
    levels = sorted(_luminance(c) for c in shades)
    assert all(b - a > 0.12 for a, b in zip(levels, levels[1:], strict=False)), levels


# -- the loader refuses what a body cannot do ------------------------------------------

BASES = """\
bases:
  sitting: {view: side, support: sitting, trunk: 90, arms: [-82, -40], legs: [-5, -90]}
  standing: {view: side, support: standing, trunk: 90, arms: [-90, -90], legs: [-90, -90]}
figures:
"""


def _load(tmp_path: Path, body: str) -> dict[str, Figure]:
    path = tmp_path / "poses.yaml"
    path.write_text(BASES + textwrap.indent(textwrap.dedent(body), "  "), encoding="utf-8")
    return load_figures(path)


GOOD = """\
demo:
  props: [{kind: chair}]
  start: {base: sitting, says: Sitting tall.}
  end: {base: sitting, near_leg: [20, -80], lifted: [near_foot], says: One knee lifted.}
"""


def test_a_good_figure_loads(tmp_path: Path) -> None:
    assert list(_load(tmp_path, GOOD)) == ["demo"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("near_leg: [-5, 40]", "near knee at -45 degrees"),  # a knee bent the wrong way
        ("near_arm: [-82, -160]", "near elbow"),
        ("trunk: [90, 170]", "spine at -80 degrees"),
        ("near_leg: [10, -90]", "the near foot is"),  # a foot left hanging
        ("near_leg: [-20, -60]", "into the chair"),  # a shin through the seat
        ("near_leg: [-5, -90], frob: 1", "unknown keys ['frob']"),
        ("near_leg: [-5, -90]", "the start and end poses are the same"),
    ],
)
def test_impossible_poses_are_refused_by_name(tmp_path: Path, change: str, message: str) -> None:
    body = GOOD.replace("near_leg: [20, -80], lifted: [near_foot]", change)
    with pytest.raises(DataFileError) as caught:
        _load(tmp_path, body)
    assert "figure demo" in str(caught.value) and message in str(caught.value)


def test_sitting_needs_a_chair(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="sits, but there is no chair"):
        _load(tmp_path, GOOD.replace("props: [{kind: chair}]", "props: []"))


def test_a_standing_figure_stands_on_the_floor(tmp_path: Path) -> None:
    fig = _load(
        tmp_path,
        """\
        tall:
          start: {base: standing, says: Standing.}
          end: {base: standing, arms: [100, 100], says: Arms up beside the head.}
        """,
    )["tall"]
    for sk in fig.placed:
        heel = TAPER["foot"][0]  # the sole's half-thickness under the heel
        assert min(sk.points["near_heel"][1], sk.points["near_toe"][1]) == pytest.approx(heel)


@given(
    angles=st.lists(st.floats(-180, 180, allow_nan=False), min_size=11, max_size=11),
    view=st.sampled_from(["side", "front"]),
)
def test_bones_keep_their_length_in_any_pose(angles: list[float], view: str) -> None:
    sides = ("near", "far") if view == "side" else ("left", "right")
    pose = Pose(
        name="start",
        view=view,
        support="lying",
        says="Any.",
        lumbar=angles[0],
        thoracic=angles[1],
        neck=angles[2],
        head=angles[2],
        arms={sides[0]: Limb(angles[3], angles[4]), sides[1]: Limb(angles[5], angles[6])},
        legs={sides[0]: Limb(angles[7], angles[8]), sides[1]: Limb(angles[9], angles[10])},
    )
    p = skeleton(pose).points
    assert math.dist(p["hip"], p["waist"]) == pytest.approx(BONES["lumbar"])
    assert math.dist(p["waist"], p["shoulder"]) == pytest.approx(BONES["thoracic"])
    for side in sides:
        root = "shoulder" if view == "side" else f"{side}_shoulder"
        hip = "hip" if view == "side" else f"{side}_hip"
        assert math.dist(p[root], p[f"{side}_elbow"]) == pytest.approx(BONES["upper"])
        assert math.dist(p[f"{side}_elbow"], p[f"{side}_hand"]) == pytest.approx(BONES["fore"])
        assert math.dist(p[hip], p[f"{side}_knee"]) == pytest.approx(BONES["thigh"])
        assert math.dist(p[f"{side}_knee"], p[f"{side}_ankle"]) == pytest.approx(BONES["shin"])


# -- where figures appear, and where they stay out -----------------------------------


def test_exercises_html_is_an_illustrated_catalog() -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["exercises", "--format", "html"])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("<!doctype html>")
    assert out.output.count('role="img"') == len(DRAWN)
    for exercise in CATALOG:
        assert f'id="{exercise.id}"' in out.output
    neck = runner.invoke(main, ["exercises", "-f", "html", "--area", "neck"]).output
    chosen = [(e, p) for e in CATALOG.select(["neck"]) for p in e.positions]
    assert neck.count('role="img"') == len(chosen) < len(DRAWN)


def _images(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("![")]


def test_markdown_on_standard_output_leaves_the_figures_out() -> None:
    out = CliRunner().invoke(main, ["plan", "--example", "--format", "markdown"]).output
    assert _images(out) == [] and "data:" not in out
    assert "The pictures of each exercise are in the web page and the printable" in out


def test_markdown_embeds_the_figures_only_when_asked() -> None:
    out = (
        CliRunner()
        .invoke(main, ["plan", "--example", "--format", "markdown", "--embed-figures"])
        .output
    )
    images = _images(out)
    assert images and all("](data:image/svg+xml;base64," in line for line in images)
    assert len(images) == out.count("\n### ") - out.count("\n### Week")


def test_a_markdown_file_gets_its_figures_as_files_beside_it(tmp_path: Path) -> None:
    """`-o plan.md` writes each figure once, as an SVG file in plan-figures/, and links
    it: the Markdown of the example plan stays under 20 KB (it was 87 KB of data URIs)."""
    target = tmp_path / "plan.md"
    run = CliRunner().invoke(main, ["plan", "--example", "-f", "markdown", "-o", str(target)])
    assert run.exit_code == 0, run.output
    text = target.read_text()
    assert len(text.encode()) < 20_000
    assert "data:" not in text
    links = [line.split("](", 1)[1].rstrip(")") for line in _images(text)]
    assert links and all(link.startswith("plan-figures/") for link in links)
    folder = tmp_path / "plan-figures"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        link.split("/", 1)[1] for link in links
    )
    for link in links:
        root = ET.fromstring((tmp_path / link).read_text())
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_markdown_and_its_figures_are_written_all_or_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing half-written: a folder that is not ours is refused before anything is
    written, and a failure while putting the file in place leaves the previous plan and
    figures exactly as they were, with no temporary files behind."""
    target = tmp_path / "plan.md"
    args = ["plan", "--example", "-f", "markdown", "-o", str(target)]
    (tmp_path / "plan-figures").mkdir()
    (tmp_path / "plan-figures" / "notes.txt").write_text("mine")
    run = CliRunner().invoke(main, args)
    assert run.exit_code == 2 and "holds other things" in run.output
    assert not target.exists() and (tmp_path / "plan-figures" / "notes.txt").read_text() == "mine"

    (tmp_path / "plan-figures" / "notes.txt").unlink()
    assert CliRunner().invoke(main, args).exit_code == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "plan-figures").iterdir()}
    target.write_text("the previous plan")

    import errno
    import os

    def full_disk(src: object, dst: object) -> NoReturn:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    run = CliRunner().invoke(main, [*args[:-2], "--weeks", "6", "-o", str(target)])
    assert run.exit_code == 1 and "No space left on device" in run.output
    assert "Traceback" not in run.output
    assert target.read_text() == "the previous plan"
    after = {p.name: p.read_bytes() for p in (tmp_path / "plan-figures").iterdir()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan-figures", "plan.md"]


def test_a_json_plan_never_loads_the_figures() -> None:
    """The figures and their pose data stay off the `plan --format json` path."""
    code = (
        "import sys, json; from click.testing import CliRunner; "
        "from recommender.app.cli import main; "
        "r = CliRunner().invoke(main, ['plan', '--example', '--format', 'json']); "
        "assert r.exit_code == 0, r.output; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('recommender'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert "recommender.render.json_result" in loaded
    for module in ("recommender.render.figures", "recommender.inputs.poses_file"):
        assert module not in loaded


def test_figures_from_the_start_up_cache_draw_the_same() -> None:
    exercise = CATALOG["bird-dog"] if "bird-dog" in CATALOG else CATALOG["cat-cow"]
    load_figures.cache_clear()
    figures.figures.cache_clear()
    fresh = figures.svg(exercise)
    load_figures.cache_clear()  # the next load reads the pickled figures
    figures.figures.cache_clear()
    assert set(load_figures()) == set(load_figures(None))
    assert figures.svg(exercise) == fresh


def test_a_plan_shows_the_figure_of_the_position_it_asks_for() -> None:
    """An exercise moved to another position (a filter can rule the usual one out)
    shows that position's figure, never the usual one's."""
    from recommender.pipeline.plan import Prescription
    from recommender.render.html import _how_to

    exercise = CATALOG["neck-side-bend"]
    assert exercise.positions == ("sitting", "standing")
    usual = _how_to(Prescription(exercise, exercise.dose, "sitting")).figure
    moved = _how_to(Prescription(exercise, exercise.dose, "standing")).figure
    assert f'<title id="fig-neck-side-bend-t">{exercise.name}: how to move' in usual
    assert f"{exercise.name}, standing: how to move" in moved
    assert "Sitting tall" in usual and "Standing tall" in moved


# -- the checks the loader holds every figure to ---------------------------------------

MORE_BASES = """\
bases:
  sitting: {view: side, support: sitting, trunk: 90, arms: [-82, -40], legs: [-5, -90]}
  standing: {view: side, support: standing, trunk: 90, arms: [-90, -90], legs: [-90, -90]}
  lying_back: {view: side, support: lying, trunk: 180, neck: 173, head: 180, arms: [0, 0],
               near_leg: [40, -50, 0], far_leg: [38, -48, 0]}
  all_fours: {view: side, support: all_fours, trunk: 18, neck: 10, head: 0,
              arms: [-90, -90], legs: [-90, 176, 192]}
  front_sitting: {view: front, support: sitting, trunk: 90, left_arm: [-84, -80],
                  right_arm: [-96, -100], left_leg: [-70, -90], right_leg: [-110, -90],
                  short: {left_thigh: 0.1, right_thigh: 0.1}}
figures:
"""


def _load_more(tmp_path: Path, body: str) -> dict[str, Figure]:
    # a file of its own each time: load_figures keeps what it read by path
    path = tmp_path / f"poses-{len(list(tmp_path.iterdir()))}.yaml"
    text = MORE_BASES + textwrap.indent(textwrap.dedent(body), "  ")
    path.write_text(text, encoding="utf-8")
    return load_figures(path)


#: Each planted fault, and the good figure it spoils: (good, bad, what the loader says).
PLANTED = {
    # the end of the foam-roller roll floated above the roller
    "a floating figure": (
        """\
        roll:
          props: [{kind: roller, x: -30}]
          touch: {back: roller}
          start: {base: lying_back, trunk: [177, 182], neck: 180, head: 182,
                  near_leg: [30, -70, 0], far_leg: [28, -72, 0], says: Back on the roller.}
          end: {base: lying_back, x: 14, trunk: [189, 203], neck: 180, head: 182,
                near_leg: [12, -85, 0], far_leg: [10, -87, 0], says: Rolled up.}
        """,
        "trunk: [189, 203]",
        "trunk: [178, 184]",
        "the back should touch the roller but is",
    ),
    # sit to stand: the legs passed through the chair seat
    "a leg through the seat": (
        """\
        stand:
          props: [{kind: chair}]
          start: {base: sitting, says: Sitting.}
          end: {base: sitting, near_leg: [22, -80], lifted: [near_foot], says: Knee up.}
        """,
        "near_leg: [22, -80]",
        "near_leg: [-35, -80]",
        "into the chair",
    ),
    # the neck turn whose eye dot moved 3 px
    "a neck turn with no visible turn": (
        """\
        turn:
          props: [{kind: chair}]
          moves: [nose]
          start: {base: front_sitting, says: Facing forward.}
          end: {base: front_sitting, turn: -1, says: Turned to the right.}
        """,
        "turn: -1",
        "turn: -0.2",
        "the nose moves only 3 cm: too little to see (at least 6 cm)",
    ),
    # the bird dog's reaching arm through the head
    "an arm through the head": (
        """\
        dog:
          start: {base: all_fours, neck: -18, head: -28, says: On all fours.}
          end: {base: all_fours, neck: -18, head: -28, near_arm: [12, 12],
                lifted: [near_hand], says: Arm forward.}
        """,
        "neck: -18, head: -28, near_arm: [12, 12]",
        "neck: 10, head: 0, near_arm: [4, 4]",
        "the near arm passes through the head",
    ),
    "a leg through the body": (
        """\
        hug:
          start: {base: lying_back, says: Knees bent.}
          end: {base: lying_back, near_leg: [115, -40], says: Knee to chest.}
        """,
        "near_leg: [115, -40]",
        "near_leg: [160, 20]",
        "the near leg goes",
    ),
    "a head turned past its range": (
        """\
        look:
          props: [{kind: chair}]
          start: {base: front_sitting, says: Facing forward.}
          end: {base: front_sitting, turn: -1, says: Turned.}
        """,
        "turn: -1",
        "turn: -1.6",
        "head turn at -2 (a body can do -1 to 1)",
    ),
    "a shrug no body can make": (
        """\
        shrug:
          props: [{kind: chair}]
          start: {base: sitting, says: Sitting.}
          end: {base: sitting, shrug: [7, 0], says: Shoulders up.}
        """,
        "shrug: [7, 0]",
        "shrug: [15, 0]",
        "shrug up at 15cm",
    ),
    "a foot through the floor on the way between poses": (
        """\
        swing:
          props: [{kind: chair}]
          start: {base: sitting, near_leg: [-5, -55], lifted: [near_foot], says: Forward.}
          end: {base: sitting, near_leg: [-5, -125, -15], lifted: [near_foot], says: Back.}
        """,
        "near_leg: [-5, ",  # both poses: the thigh a little lower
        "near_leg: [-10, ",
        "on the way from the start to the end pose",
    ),
    "a declared contact not made": (
        """\
        hold:
          props: [{kind: chair}]
          touch: {near_hand: near_knee}
          start: {base: sitting, arms: [-49, -51], says: Hands on knees.}
          end: {base: sitting, arms: [-49, -51], trunk: [92, 76], neck: 60, says: Rounded.}
        """,
        "arms: [-49, -51], trunk: [92, 76]",
        "arms: [-60, 10], trunk: [92, 76]",
        "the near hand should touch the near knee",
    ),
    # relaxed breathing: the hand on the tummy rises only because the tummy does
    "a hand lifted off a tummy that does not rise": (
        """\
        breath:
          touch: {near_hand: tummy}
          moves: [near_hand]
          start: {base: lying_back, near_arm: [-10, 35], short: {near_upper: 0.45},
                  says: Breath out.}
          end: {base: lying_back, belly: 6.5, near_arm: [-10, 50],
                short: {near_upper: 0.45}, says: Breath in.}
        """,
        "belly: 6.5",
        "belly: 0",
        "the near hand should touch the tummy",
    ),
    "a breath no body can take": (
        """\
        breath:
          start: {base: lying_back, says: Breath out.}
          end: {base: lying_back, belly: 6.5, near_arm: [15, 15], says: Breath in.}
        """,
        "belly: 6.5",
        "belly: 12",
        "belly at 12cm (a body can do 0 to 7)",
    ),
    # a chair beside the person is behind them in a side view: nothing passes through it
    "a leg through a chair that stands in front": (
        """\
        step:
          props: [{kind: chair, x: 20, beside: true}]
          touch: {far_hand: chair_back}
          start: {base: standing, far_arm: [-85, -85], says: A hand on the seat.}
          end: {base: standing, far_arm: [-85, -85], near_leg: [-60, -100],
                says: One foot forward.}
        """,
        "beside: true",
        "beside: false",
        "into the chair",
    ),
}


@pytest.mark.parametrize("fault", sorted(PLANTED))
def test_each_check_refuses_its_planted_fault(tmp_path: Path, fault: str) -> None:
    """Each check passes a good figure and refuses the same figure with one fault
    planted, naming the figure and what is wrong."""
    good, before, after, message = PLANTED[fault]
    assert before in good
    assert len(_load_more(tmp_path, good)) == 1
    with pytest.raises(DataFileError) as caught:
        _load_more(tmp_path, good.replace(before, after))
    name = good.split(":", 1)[0].strip()
    assert f"figure {name}" in str(caught.value) and message in str(caught.value)


#: Facts of steps, each on a figure that shows it and one that does not.
FACTS = [
    ("knees bent", "base: lying_back", "base: lying_back, legs: [0, 0]"),
    ("looking at the floor", "base: all_fours", "base: all_fours, neck: 38, head: 42"),
    ("arms by the sides", "base: standing", "base: standing, arms: [-60, 10]"),
    ("head turned to the right", "base: front_sitting, turn: -1", "base: front_sitting"),
    ("hands on the knees", "base: sitting, arms: [-49, -51]", "base: sitting, arms: [-60, 10]"),
    ("one leg straight", "base: lying_back, near_leg: [0, 0, 90]", "base: lying_back"),
    ("one knee bent", "base: lying_back, far_leg: [0, 0, 90]", "base: lying_back, legs: [0, 0]"),
    ("one foot lifted", "base: sitting, near_leg: [22, -80], lifted: [near_foot]", "base: sitting"),
    ("back upright", "base: standing", "base: standing, trunk: 70, neck: 70, head: 80"),
    ("body straight", "base: standing", "base: standing, trunk: 60, neck: 60, head: 70"),
    ("looking down", "base: sitting, neck: 62, head: 40", "base: sitting"),
    ("arms straight", "base: standing", "base: standing, arms: [-60, 10]"),
    ("right elbow bent", "base: front_sitting, right_arm: [-140, 95]", "base: front_sitting"),
    ("left arm straight", "base: front_sitting", "base: front_sitting, left_arm: [-40, 95]"),
    (
        "head turned a little to the right",
        "base: front_sitting, turn: -0.45",
        "base: front_sitting",
    ),
    (
        "arms straight out in front",
        "base: front_sitting, left_arm: [-112, -112], right_arm: [-68, -68],"
        " short: {left_upper: 0.28, right_upper: 0.28, left_fore: 0.28, right_fore: 0.28}",
        "base: front_sitting",
    ),
    (
        "on the balls of the feet",
        "base: standing, near_leg: [-90, -90, -28], far_leg: [-90, -90, -28]",
        "base: standing",
    ),
]


@pytest.mark.parametrize(("said", "shown", "not_shown"), FACTS, ids=[f[0] for f in FACTS])
def test_the_facts_of_the_steps_are_checked(
    tmp_path: Path, said: str, shown: str, not_shown: str
) -> None:
    props = "[{kind: chair}]" if "sitting" in shown else "[]"
    body = f"""\
        fact:
          props: {props}
          facts: [{said}]
          start: {{{shown}, says: Start.}}
          end: {{{shown}, x: 20, says: End.}}
        """
    assert "fact" in _load_more(tmp_path, body)
    with pytest.raises(DataFileError, match="start pose"):
        _load_more(tmp_path, body.replace(f"start: {{{shown}", f"start: {{{not_shown}"))


def test_a_fact_the_loader_cannot_check_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="not a fact the loader can check"):
        _load_more(
            tmp_path,
            """\
            odd:
              facts: [feeling calm]
              start: {base: standing, says: Standing.}
              end: {base: standing, x: 20, says: Stepped.}
            """,
        )


def test_every_figure_states_the_facts_of_its_steps_and_what_moves() -> None:
    """Every figure lists what its steps say as facts (the loader has checked that they
    hold) and names what moves, by an arrow it follows or `moves`, so the visible
    movement check applies to the part the steps move."""
    missing = [k for k, f in load_figures().items() if not any(f.facts)]
    assert missing == [], f"figures without facts: {missing}"
    still = [k for k, f in load_figures().items() if not f.movers]
    assert still == [], f"figures that do not say what moves: {still}"


# -- props and movements added for catalog v3's exercises -------------------------------


def test_a_breath_is_drawn_in_the_tummy_and_only_from_the_side(tmp_path: Path) -> None:
    """A breath in pushes the drawn tummy out by as much as the checks say (the hand
    on it rides on it); seen from the front it would come toward us, so it is refused."""
    from recommender.inputs.body import skeleton as bones_of

    pose = Pose("end", "side", "lying", "Breath in.", 180, 180, 173, 180, {}, {})
    still, breath = bones_of(pose), bones_of(Pose(**{**pose.__dict__, "belly": 6.0}))

    def tummy(
        sk: Skeleton,
    ) -> float:  # the outline's furthest point in front (+y in the picture: up)
        node = next(n for n in sk.nodes if n.joint == "waist")
        shape = figures._trunk_parts(sk)["waist"](sk, node)[0].d
        return max(-float(p.split()[1]) for p in shape.lstrip("M").rstrip("Z").split("L"))

    assert tummy(breath) - tummy(still) == pytest.approx(6.0, abs=0.1)
    with pytest.raises(DataFileError, match="drawn in a side view only"):
        _load_more(
            tmp_path,
            """\
            breath:
              props: [{kind: chair}]
              start: {base: front_sitting, says: Breath out.}
              end: {base: front_sitting, belly: 5, turn: -1, says: Breath in.}
            """,
        )


def test_relaxed_breathing_shows_the_tummy_rise_under_its_hand() -> None:
    for key in ("relaxed-breathing", "relaxed-breathing@sitting"):
        figure = load_figures()[key]
        start, end = figure.poses[0], figure.poses[-1]
        assert start.belly == 0 and end.belly > 5
        assert figure.touches[-1]["near_hand"] == "tummy"
        assert "near_hand" in figure.movers


def test_a_band_pulling_sideways_comes_from_a_door_on_the_right() -> None:
    """The Pallof hold: seen from the front, the band is fixed to a door seen
    edge-on beside the person (not a doorway around them), on their right, which is
    the picture's left, at chest height, as the steps say."""
    for key in ("band-pallof-hold",):
        for other in ("", "@sitting"):
            figure = load_figures()[key + other]
            door = next(p for p in figure.props if p.kind == "door")
            band = next(p for p in figure.props if p.kind == "band")
            assert figure.view == "front" and door.beside and band.x == door.x < 0
            chest = figure.placed[0].points["shoulder"][1]
            assert chest - 25 <= band.y <= chest
            root = ET.fromstring(
                figures.svg(CATALOG[key], standalone=True, position=other[1:] or None)
            )
            # in each still one door post, not the two sides and the top of a doorway
            posts = [r for r in root.iter(f"{SVG}rect") if r.get("height") == "205"]
            assert len(posts) == len(figure.poses)
            assert all(float(r.get("x", "nan")) == door.x - 4 for r in posts)


def test_the_pallof_press_is_seen_from_the_side_so_the_press_forward_shows() -> None:
    """From the front, hands pressed toward the viewer looked like arms crossed over the
    chest; from the side the hands travel forward from the breastbone to arm's length."""
    for key in ("band-pallof-press", "band-pallof-press@sitting"):
        figure = load_figures()[key]
        assert figure.view == "side"
        start, end = (pose.points["near_hand"] for pose in figure.placed)
        shoulder = figure.placed[0].points["shoulder"]
        assert end[0] - start[0] > 40  # the press travels forward...
        assert abs(end[1] - shoulder[1]) < 30  # ...to chest height


def test_a_band_held_between_the_hands_is_drawn_hand_to_hand(tmp_path: Path) -> None:
    figure = load_figures()["band-pull-apart"]
    band = next(p for p in figure.props if p.kind == "band")
    assert band.around == "hands" and band.hands == ("left", "right")
    root = ET.fromstring(figures.svg(CATALOG["band-pull-apart"], standalone=True))
    lines = [el for el in root.iter(f"{SVG}line") if el.get("stroke") == "#555555"]
    # one band in each still, from one hand to the other; no fixed end drawn
    assert len(lines) == len(figure.poses)
    for line, sk in zip(lines, figure.placed, strict=True):
        ends = sorted(
            (float(line.get(f"x{i}", "nan")), float(line.get(f"y{i}", "nan"))) for i in (1, 2)
        )
        hands = sorted(sk.points[f"{h}_hand"] for h in ("left", "right"))
        assert [c for e in ends for c in e] == pytest.approx(
            [c for h in hands for c in h], abs=0.06
        )
    with pytest.raises(DataFileError, match="needs both hands"):
        _load_more(
            tmp_path,
            """\
            pull:
              props: [{kind: band, around: hands, hands: [left]}]
              start: {base: front_sitting, says: Held.}
              end: {base: front_sitting, x: 10, says: Pulled.}
            """,
        )


def test_exercises_kept_for_fallers_because_they_can_be_done_sitting_are_drawn_sitting() -> None:
    """EX-BALANCE keeps an exercise that needs balance without support when it can be
    done sitting, and the plan then shows it sitting: that figure sits on a chair."""
    kept = [
        e for e in CATALOG if "unsupported_balance" in e.properties and "sitting" in e.positions
    ]
    assert kept, "the catalog has exercises EX-BALANCE keeps sitting"
    for exercise in kept:
        figure = figures.figure_for(exercise, "sitting")
        assert figure is not None, exercise.id
        assert all(p.support == "sitting" for p in figure.poses)
        assert any(p.kind == "chair" for p in figure.props)
