"""The intake in real terminals (issue 13): Ctrl-C in a pseudo-terminal keeps a
private draft that --resume finishes with the same bytes as an uninterrupted run; a
window resized mid-intake is followed; and in tmux at 60 columns the warning box
stays whole.

tmux is a system package: CI installs it (.ci/run) and sets BACKPLAN_REQUIRE_TMUX=1,
so there the tmux test fails rather than skips when tmux is missing."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from recommender.inputs.questionnaire import load_questionnaire

from conftest import example_answers
from support import default_signals
from support.intake_script import replies, reply_line
from support.terminal import Child, matched, text_before

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX terminal")
# pexpect has no type information (the lock holds no stubs): the module is Any, and
# each child it spawns is held as a support.terminal.Child.
pexpect: Any = pytest.importorskip("pexpect") if sys.platform != "win32" else None

QUESTIONS = load_questionnaire()
KEYS = [q.key for q in QUESTIONS.questions]
DESK = example_answers("desk-worker-upper-back")


def environment(data_home: Path) -> dict[str, Any]:
    return dict(os.environ, NO_COLOR="1", XDG_DATA_HOME=str(data_home))


def spawn(args: list[str], data_home: Path, rows: int = 50, columns: int = 100) -> Child:
    child: Child = pexpect.spawn(
        sys.executable,
        ["-m", "recommender", "intake", *args],
        encoding="utf-8",
        preexec_fn=default_signals,
        timeout=30,
        env=environment(data_home),
        dimensions=(rows, columns),
    )
    return child


def piped(args: list[str], lines: list[str], data_home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "recommender", "intake", *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=environment(data_home),
        timeout=60,
    )


def test_ctrl_c_keeps_a_draft_and_resume_finishes_with_identical_bytes(tmp_path: Path) -> None:
    lines = replies(DESK, QUESTIONS, country="GB")
    whole = tmp_path / "whole.txt"
    done = piped(["-o", str(whole)], lines, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]

    stop_at = reply_line(DESK, QUESTIONS, "red_flags.fever")
    child = spawn([], tmp_path)
    for reply in lines[:stop_at]:
        child.expect(r"> ")
        child.sendline(reply)
    child.expect(r"fever")
    child.expect(r"> ")
    child.sendintr()
    child.expect(r"Keep your answers so far in (\S+), to finish later\? \(y/n\) > ")
    draft = Path(matched(child).group(1))
    child.sendline("y")
    child.expect(r"backplan intake --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert draft == tmp_path / "backplan" / "intake-draft.json"
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600

    resumed = tmp_path / "resumed.txt"
    finished = piped(["--resume", str(draft), "-o", str(resumed)], lines[stop_at:], tmp_path)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert resumed.read_bytes() == whole.read_bytes()
    assert not draft.exists()


def _prompt_lines(child: Child, progress: str) -> list[str]:
    child.expect(progress)
    child.expect(r"> ")
    return (progress.replace("\\", "") + text_before(child)).replace("\r", "").splitlines()


def test_a_resized_window_is_followed_from_the_next_question(tmp_path: Path) -> None:
    child = spawn(["--country", "GB"], tmp_path, columns=100)
    child.expect(r"How old are you\?")
    child.expect(r"> ")
    child.setwinsize(50, 50)
    child.sendline("40")
    narrow = _prompt_lines(child, r"\[2/")
    assert max(len(line) for line in narrow) <= 50
    assert len(narrow) >= 9  # the help sentence now takes two lines
    child.setwinsize(50, 100)
    child.sendline("neck")
    wide = _prompt_lines(child, r"\[3/")
    assert any(len(line) > 50 for line in wide)  # one line again, as wide as the window
    child.sendintr()
    child.expect(r"\(y/n\) > ")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()


def _tmux() -> str:
    found = shutil.which("tmux")
    if found:
        return found
    if os.environ.get("BACKPLAN_REQUIRE_TMUX") == "1":
        pytest.fail("tmux is not installed; BACKPLAN_REQUIRE_TMUX=1 requires it")
    pytest.skip("tmux is not installed (apt-get install tmux)")


def capture_at_60_columns(tmp_path: Path, answers: dict[str, Any], country: str) -> list[str]:
    """The whole intake as a 60-column tmux window shows it, scrollback included."""
    tmux = _tmux()
    script = tmp_path / "replies.txt"
    script.write_text("\n".join(replies(answers, QUESTIONS, country=country)) + "\n")
    marker = tmp_path / "finished"
    session = f"backplan-test-{os.getpid()}"
    command = (
        f"NO_COLOR=1 XDG_DATA_HOME={tmp_path} {sys.executable} -m recommender intake "
        f"< {script} 2>/dev/null; touch {marker}; sleep 30"
    )
    socket = ["-L", session]  # a server of our own, never the person's tmux
    subprocess.run(
        [tmux, *socket, "new-session", "-d", "-s", session, "-x", "60", "-y", "40", command],
        check=True,
        env=dict(os.environ, TERM="xterm"),
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        shown = subprocess.run(
            [tmux, *socket, "capture-pane", "-p", "-S", "-", "-t", session],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        subprocess.run([tmux, *socket, "kill-server"], check=False, capture_output=True)
    assert marker.exists(), shown
    return shown.splitlines()


def test_the_warning_box_is_unbroken_in_tmux_at_60_columns(tmp_path: Path) -> None:
    lines = capture_at_60_columns(tmp_path, example_answers("sciatica"), "US")
    top = lines.index("+" + "-" * 58 + "+")
    bottom = next(i for i in range(top + 1, len(lines)) if lines[i].startswith("+"))
    box = lines[top : bottom + 1]
    assert box[-1] == box[0]
    for row in box[1:-1]:
        assert len(row) == 60 and row.startswith("| ") and row.endswith(" |"), row
    assert "SEE A CLINICIAN SOON" in box[1]
    doses = [line for line in lines if "...." in line]
    assert doses and all(len(line) <= 60 and line[-1] != "." for line in doses)
    (tmp_path / "tmux-60-columns.txt").write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("columns", [40, 60, 100, 160])
def test_plan_on_a_terminal_is_wrapped_to_its_width(tmp_path: Path, columns: int) -> None:
    child: Child = pexpect.spawn(
        sys.executable,
        ["-m", "recommender", "plan", "--example"],
        encoding="utf-8",
        preexec_fn=default_signals,
        timeout=30,
        env=environment(tmp_path),
        dimensions=(50, columns),
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    lines = text_before(child).replace("\r", "").splitlines()
    width = max(40, min(100, columns))
    assert max(len(line) for line in lines) <= width
    assert "+" + "-" * (width - 2) + "+" in lines  # the boxes are as wide as allowed


def test_the_first_command_ends_with_the_summary_and_the_next_step_at_80x24(tmp_path: Path) -> None:
    # The README's first command, as a new user meets it in an 80x24 terminal: the
    # plan scrolls past, and the last screen says what it is and what to do next.
    tmux = _tmux()
    backplan = Path(sys.executable).with_name("backplan")
    marker = tmp_path / "finished"
    session = f"backplan-first-{os.getpid()}"
    command = f"NO_COLOR=1 {backplan} plan --example; touch {marker}; sleep 30"
    socket = ["-L", session]
    subprocess.run(
        [tmux, *socket, "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command],
        check=True,
        env=dict(os.environ, TERM="xterm"),
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        screen = subprocess.run(
            [tmux, *socket, "capture-pane", "-p", "-t", session],  # the visible screen only
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        subprocess.run([tmux, *socket, "kill-server"], check=False, capture_output=True)
    assert marker.exists(), screen
    (tmp_path / "first-screen-80x24.txt").write_text(screen)
    said = " ".join(screen.split())
    assert "In short: No warning signs in your answers." in said
    assert "This week:" in said and "minutes each:" in said
    assert f"Next: make a plan of your own, with your own answers: {backplan} intake" in said
    assert all(len(line) <= 80 for line in screen.splitlines())
