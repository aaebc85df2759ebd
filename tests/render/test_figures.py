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

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from recommender.app.cli import main
from recommender.core.errors import DataFileError
from recommender.core.wording import words
from recommender.inputs.body import BONES, Limb, Pose, skeleton
from recommender.inputs.catalog_file import load_catalog
from recommender.inputs.poses_file import check_against, figure_key, load_figures
from recommender.render import figures

SVG = "{http://www.w3.org/2000/svg}"
CATALOG = load_catalog()
#: Every exercise in every position it can be done in: each has its own figure.
DRAWN = [(e, p) for e in CATALOG for p in e.positions]


def test_every_exercise_has_a_figure_and_every_figure_an_exercise():
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


def _name(pair) -> str:
    exercise, position = pair
    return exercise.id if position == exercise.position else f"{exercise.id}@{position}"


@pytest.mark.parametrize("pair", DRAWN, ids=_name)
def test_each_figure_shows_its_position(pair):
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
def test_each_figure_is_valid_accessible_svg(pair):
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


def test_data_uri_carries_the_same_svg():
    exercise = CATALOG["cat-cow"]
    uri = figures.data_uri(exercise)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode() == figures.svg(exercise, True)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_figure_reads_in_greyscale():
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


def _load(tmp_path, body: str):
    path = tmp_path / "poses.yaml"
    path.write_text(BASES + textwrap.indent(textwrap.dedent(body), "  "), encoding="utf-8")
    return load_figures(path)


GOOD = """\
demo:
  props: [{kind: chair}]
  start: {base: sitting, says: Sitting tall.}
  end: {base: sitting, near_leg: [20, -80], lifted: [near_foot], says: One knee lifted.}
"""


def test_a_good_figure_loads(tmp_path):
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
def test_impossible_poses_are_refused_by_name(tmp_path, change, message):
    body = GOOD.replace("near_leg: [20, -80], lifted: [near_foot]", change)
    with pytest.raises(DataFileError) as caught:
        _load(tmp_path, body)
    assert "figure demo" in str(caught.value) and message in str(caught.value)


def test_sitting_needs_a_chair(tmp_path):
    with pytest.raises(DataFileError, match="sits, but there is no chair"):
        _load(tmp_path, GOOD.replace("props: [{kind: chair}]", "props: []"))


def test_a_standing_figure_stands_on_the_floor(tmp_path):
    fig = _load(
        tmp_path,
        """\
        tall:
          start: {base: standing, says: Standing.}
          end: {base: standing, arms: [90, 90], says: Arms up.}
        """,
    )["tall"]
    for sk in fig.placed:
        assert min(sk.points["near_heel"][1], sk.points["near_toe"][1]) == pytest.approx(3.5)


@given(
    angles=st.lists(st.floats(-180, 180, allow_nan=False), min_size=11, max_size=11),
    view=st.sampled_from(["side", "front"]),
)
def test_bones_keep_their_length_in_any_pose(angles, view):
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


def test_exercises_html_is_an_illustrated_catalog():
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


def test_markdown_embeds_each_exercise_figure():
    out = CliRunner().invoke(main, ["plan", "--example", "--format", "markdown"]).output
    images = [line for line in out.splitlines() if line.startswith("![")]
    assert images and all("](data:image/svg+xml;base64," in line for line in images)
    assert len(images) == out.count("\n### ") - out.count("\n### Week")


def test_a_json_plan_never_loads_the_figures():
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


def test_figures_from_the_start_up_cache_draw_the_same():
    exercise = CATALOG["bird-dog"] if "bird-dog" in CATALOG else CATALOG["cat-cow"]
    load_figures.cache_clear()
    figures.figures.cache_clear()
    fresh = figures.svg(exercise)
    load_figures.cache_clear()  # the next load reads the pickled figures
    figures.figures.cache_clear()
    assert set(load_figures()) == set(load_figures(None))
    assert figures.svg(exercise) == fresh


def test_a_plan_shows_the_figure_of_the_position_it_asks_for():
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
