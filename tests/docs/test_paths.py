"""Every repository path the documentation names exists, and every section it cites.

The documents (README.md, CONTRIBUTING.md, docs/*.md), the docstrings and comments of
recommender/ and tests/, and the comments of the rule and data files and the templates
name files to read next: `recommender/pipeline/planner.py`, `core/safety_net.py`,
`../rules/`, `docs/result.md, "Versions"`. A renamed or removed file, or a section
that moved, leaves a pointer to nothing; this test finds each one.

What counts as a path (see `cited_paths`):

- a word with a slash whose first part is a top-level folder of the repository
  (`tests/...`), a package of `recommender/` (`core/...`, resolved under it), or a
  folder beside the citing file or above it (`templates/plan.html.j2` in render/);
- a relative link target in Markdown, resolved from the document's own folder, with
  its `#anchor` checked against the target's headings;
- a bare file name with a source extension (`choosing.py`, `baseline.yaml`), which
  must be some file of the repository (Markdown code blocks excepted: their bare names
  are the reader's own files, and so is `READERS_FILES`);
- a citation of a section, `docs/result.md, "Versions"` or `README, "Quick start"`,
  whose heading must exist in that document.

A module named without `.py` (`core/paths`) counts, and `*` matches as in a glob.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Folders that are never the repository's own files.
NOT_OURS = {".git", "build", "dist", "htmlcov", "node_modules", "__pycache__"}
#: Extensions of the files a bare name may cite.
SOURCE = ("py", "md", "yaml", "yml", "j2", "toml", "cjs", "css", "mako", "lock", "html")
#: The reader's own files, named in examples of commands (`-o plan.md`).
READERS_FILES = {"plan.md"}
#: Parts of a path that stand for a name the reader chooses (`render/NAME.py`).
PLACEHOLDERS = {"NAME", "NNNN", "FILE", "DIR"}


def _ours(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return not any(
        p in NOT_OURS or p.endswith(".egg-info") or (p.startswith(".venv")) for p in parts
    )


@lru_cache(maxsize=1)
def tops() -> frozenset[str]:
    """The repository's top-level folders (`.ci` included, `.git` and venvs not)."""
    return frozenset(
        p.name
        for p in ROOT.iterdir()
        if p.is_dir() and _ours(p) and (not p.name.startswith(".") or p.name == ".ci")
    )


@lru_cache(maxsize=1)
def packages() -> frozenset[str]:
    """The packages of recommender/ (core, inputs, ...), which code cites without it."""
    return frozenset(p.name for p in (ROOT / "recommender").iterdir() if p.is_dir())


@lru_cache(maxsize=1)
def file_names() -> frozenset[str]:
    found = set()
    for top in tops():
        found |= {p.name for p in (ROOT / top).rglob("*") if p.is_file() and _ours(p)}
    return frozenset(found | {p.name for p in ROOT.iterdir() if p.is_file()})


@dataclass(frozen=True)
class Text:
    """A piece of prose that may cite paths: where it is, and whether it is code."""

    file: Path
    line: int
    text: str
    code_block: bool = False


# -- where the prose is ----------------------------------------------------------------


def markdown_texts(path: Path) -> Iterator[Text]:
    """A Markdown document, line by line, with fenced code blocks marked."""
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        yield Text(path, number, line, fenced)


def python_texts(path: Path) -> Iterator[Text]:
    """A module's comments (consecutive lines joined) and docstrings: every string that
    stands alone as a statement, so attribute docstrings count too."""
    source = path.read_text(encoding="utf-8")
    block: list[str] = []
    start = 0
    last = -1
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        row = token.start[0]
        if row != last + 1 and block:
            yield Text(path, start, " ".join(block))
            block = []
        if not block:
            start = row
        block.append(token.string.lstrip("#:").strip())
        last = row
    if block:
        yield Text(path, start, " ".join(block))
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            yield Text(path, node.lineno, node.value.value)


def hash_comment_texts(path: Path) -> Iterator[Text]:
    """The comment lines of a YAML file or a shell script."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("#"):
            yield Text(path, number, line.lstrip().lstrip("#"))


def jinja_texts(path: Path) -> Iterator[Text]:
    """A template's {# comments #}."""
    source = path.read_text(encoding="utf-8")
    for found in re.finditer(r"\{#(.*?)#\}", source, re.S):
        yield Text(path, source.count("\n", 0, found.start()) + 1, found.group(1))


def documents() -> list[Path]:
    return [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]


def all_texts() -> Iterator[Text]:
    for doc in documents():
        yield from markdown_texts(doc)
    for folder in ("recommender", "tests", "benchmarks"):
        for module in sorted((ROOT / folder).rglob("*.py")):
            if _ours(module):
                yield from python_texts(module)
    for folder in ("rules", "data"):
        for data in sorted((ROOT / folder).glob("*.yaml")):
            yield from hash_comment_texts(data)
    yield from hash_comment_texts(ROOT / ".ci" / "run")
    for template in sorted((ROOT / "recommender").rglob("*.j2")):
        yield from jinja_texts(template)


# -- what is cited ---------------------------------------------------------------------

#: A word with at least one slash: a path, a media type, a URL's tail, "and/or".
SLASHED = re.compile(r"(?<![\w/.:~@$-])((?:\.\.?/)*[\w.*-]+(?:/[\w.*-]+)+/?)")
BARE = re.compile(rf"(?<![\w/.*-])([\w*-]+(?:\.[\w*-]+)*\.(?:{'|'.join(SOURCE)}))(?![\w/])")
LINK = re.compile(r"\]\(([^)\s]+)\)")
#: `docs/result.md, "Versions"`, `README, "Quick start"`, `using.md, "Commands"`
SECTION = re.compile(r"((?:[\w-]+/)*[\w-]+\.md|README|CONTRIBUTING), ([\"'])(.+?)\2(?!\w)")


def _bases(text: Text) -> list[Path]:
    """The folders a relative name is looked up from: the citing file's folder and
    each above it, up to the repository."""
    folder, out = text.file.parent, []
    while folder == ROOT or ROOT in folder.parents:
        out.append(folder)
        folder = folder.parent
    return out


def _exists(base: Path, name: str) -> bool:
    name = name.rstrip("/")
    if "*" in name:
        return any(base.glob(name))
    target = base / name
    return target.exists() or target.with_name(target.name + ".py").exists()


def cited_paths(text: Text) -> Iterator[tuple[str, bool]]:
    """(what the text names, whether it exists) for each repository path in `text`."""
    words = text.text
    seen: set[str] = set()
    if text.file.suffix == ".md":
        for found in LINK.finditer(words):
            target = found.group(1)
            if re.match(r"[a-z]+:", target) or target.startswith(("#", "/")):
                continue
            name, _, anchor = target.partition("#")
            seen.add(name)
            ok = _exists(text.file.parent, name)
            if ok and anchor and name.endswith(".md"):
                ok = anchor in anchors(text.file.parent / name)
            yield target, ok
    for found in SLASHED.finditer(words):
        name = found.group(1).rstrip(".,;:")
        name = name.split("::")[0]
        if name in seen or PLACEHOLDERS & set(re.split(r"[/._-]", name)):
            continue
        first = name.split("/")[0]
        if first.startswith(".venv"):  # the reader's own environment, made by installing
            continue
        if first in (".", ".."):
            yield name, _exists(text.file.parent, name)
        elif first in tops():
            yield name, _exists(ROOT, name)
        elif first in packages():
            yield name, _exists(ROOT / "recommender", name)
        else:
            bases = [b for b in _bases(text) if (b / first).is_dir()]
            if bases:  # a folder beside the citing file or above it: must hold the rest
                yield name, any(_exists(b, name) for b in bases)
    if not text.code_block:
        for found in BARE.finditer(words):
            name = found.group(1)
            if "*" in name:
                from fnmatch import fnmatch

                yield name, any(fnmatch(n, name) for n in file_names())
            elif name not in READERS_FILES:
                yield name, name in file_names()


def cited_sections(text: Text) -> Iterator[tuple[str, bool]]:
    """(the citation, whether its heading exists) for each `FILE, "Section"`."""
    words = " ".join(text.text.split())
    for found in SECTION.finditer(words):
        name, _, heading = found.groups()
        if name in ("README", "CONTRIBUTING"):
            doc = ROOT / f"{name}.md"
        elif "/" in name:
            doc = ROOT / name
        else:  # a page of docs/, or a top-level document
            doc = next((d for d in (ROOT / "docs" / name, ROOT / name) if d.exists()), ROOT / name)
        if not doc.exists():
            yield found.group(0), False
            continue
        yield found.group(0), _slug(heading) in anchors(doc)


def _slug(heading: str) -> str:
    """A heading's anchor, as GitHub makes it."""
    words = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return words.replace(" ", "-")


@cache
def anchors(doc: Path) -> frozenset[str]:
    fenced, out = False, set()
    for line in doc.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,6} ", line):
            out.add(_slug(line.lstrip("#")))
    return frozenset(out)


def problems(texts: Iterable[Text]) -> list[str]:
    found = []
    for text in texts:
        where = f"{text.file.relative_to(ROOT)}:{text.line}"
        for name, ok in (*cited_paths(text), *cited_sections(text)):
            if not ok:
                found.append(f"{where}: {name}")
    return sorted(set(found))


# -- the tests -------------------------------------------------------------------------


def test_every_path_and_section_the_docs_and_code_cite_exists() -> None:
    missing = problems(all_texts())
    assert not missing, "cited but not in the repository:\n" + "\n".join(missing)


def test_the_check_reads_every_kind_of_citation() -> None:
    """Each way of naming a path, first as the repository has it, then wrong: the
    check finds the real ones and reports the wrong ones."""
    doc = ROOT / "docs" / "using.md"
    module = ROOT / "recommender" / "render" / "html.py"
    good = [
        Text(doc, 1, "the [planner](../recommender/pipeline/planner.py) and [x](rules.md)"),
        Text(doc, 2, "see [the plan](result.md#what-every-plan-holds)"),
        Text(doc, 3, "`tests/support/spec_oracle.py`, `data/questions.yaml`, `rules/`"),
        Text(module, 4, "core/safety_net.py, core/paths, templates/plan.html.j2, choosing.py"),
        Text(module, 5, 'docs/result.md, "What every plan holds"; README, "Quick start"'),
        Text(doc, 6, "backplan plan -o plan.md", code_block=True),
    ]
    assert problems(good) == []
    wrong = [
        Text(doc, 1, "the [planner](../recommender/pipeline/plannr.py)"),
        Text(doc, 2, "see [the plan](result.md#what-no-plan-holds)"),
        Text(doc, 3, "`tests/support/spec_orcale.py`"),
        Text(module, 4, "core/safety_nett.py"),
        Text(module, 5, "templates/plan.html"),
        Text(module, 6, "bundle.py"),
        Text(module, 7, 'docs/result.md, "What no plan holds"'),
        Text(module, 8, 'SPEC.md, "Triage"'),
    ]
    reported = {int(problem.split(":")[1]) for problem in problems(wrong)}
    assert reported == {text.line for text in wrong}, problems(wrong)


@pytest.mark.parametrize("doc", documents(), ids=lambda p: p.name)
def test_each_document_is_read(doc: Path) -> None:
    """The check reads every document it should (a document it skipped would pass)."""
    assert any(name for text in markdown_texts(doc) for name, _ in cited_paths(text)), doc
