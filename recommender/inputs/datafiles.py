"""Finding and reading the bundled data files (rules/ and data/).

YAML is read with a strict safe loader: only `true`/`false` are booleans (so an answer
value such as `no` stays the word "no"), a key written twice in one mapping is an
error rather than a silent overwrite, which in a safety rule could hide a condition,
and aliases are refused, so that no small file can expand into gigabytes.
PyYAML is imported only when a file has to be parsed; cached runs never need it.
"""

from __future__ import annotations

import os
import re
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

from recommender.core.errors import DataFileError

#: The top of the recommender package (this file sits in recommender/inputs/).
_PACKAGE = Path(__file__).resolve().parent.parent


def bundled_dir(name: str) -> Path:
    """The directory of bundled `rules` or `data`.

    Installed, they sit inside the package; in a source checkout they sit beside it.
    """
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise DataFileError(f"the bundled {name}/ directory is missing from this installation")


@lru_cache(maxsize=1)
def _loader() -> type:
    # lazy: off the cold `backplan plan` path (benchmarks/bench.py (a))
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    # The base is chosen at run time (LibYAML's loader where it is built), so the type
    # checkers cannot know it.
    class StrictLoader(base):  # type: ignore[misc]
        """Safe YAML with YAML 1.2 booleans and no duplicate keys."""

    # Drop YAML 1.1's yes/no/on/off booleans; keep only true/false.
    StrictLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    StrictLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )

    def mapping_without_duplicates(loader: Any, node: Any) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in mapping:
                line = key_node.start_mark.line + 1
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice (line {line})", key_node.start_mark
                )
            mapping[key] = loader.construct_object(value_node, deep=True)
        return mapping

    StrictLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping_without_duplicates
    )
    return StrictLoader


def read_data_file(path: Path) -> bytes:
    """The bytes of a rule, catalog or other data file, which must be a regular file.

    A FIFO named as a rule file (`--rules DIR` with notes.yaml a FIFO) would block
    `plan` for ever waiting for a writer; it is opened without waiting and refused,
    as is a device.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise DataFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    with open(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise DataFileError(f"{path}: is not a regular file; rule and data files must be")
        try:
            return stream.read()
        except OSError as exc:
            raise DataFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def read_yaml(path: Path) -> Any:
    """Parse one YAML file, naming the file in any error."""
    # lazy: off the cold `backplan plan` path (benchmarks/bench.py (a))
    import yaml

    try:
        text = read_data_file(path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: cannot be read ({exc})") from None
    try:
        _refuse_aliases(text, path)
        return yaml.load(text, Loader=_loader())  # noqa: S506 - a safe loader subclass
    except yaml.YAMLError as exc:
        raise DataFileError(f"{path}: not valid YAML: {exc}") from None


def _refuse_aliases(text: str, path: Path) -> None:
    """Refuse YAML aliases (*name). Rule and catalog files never need them, and a few
    nested aliases can expand a 2 KB file into gigabytes (an "alias bomb")."""
    # lazy: off the cold `backplan plan` path (benchmarks/bench.py (a))
    import yaml

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for token in yaml.scan(text, Loader=loader):
        if isinstance(token, yaml.AliasToken):
            line = token.start_mark.line + 1
            raise DataFileError(
                f"{path}: line {line}: YAML aliases (*{token.value}) are not allowed in "
                "rule and catalog files; write the value out"
            )
