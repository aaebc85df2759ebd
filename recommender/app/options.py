"""The options the commands share, defined once so every command spells them alike."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional, TypeVar

import click

from recommender import __version__
from recommender.core.typed import quoted
from recommender.core.weeks import DEFAULT_WEEKS, MAX_WEEKS
from recommender.render import FORMATS
from recommender.rulebook.engines import ENGINES, default_engine, durable_available

F = TypeVar("F", bound=Callable[..., Any])


def format_option(
    choices: tuple[str, ...] = tuple(FORMATS), what: str = "Output format."
) -> Callable[[F], F]:
    """--format/-f, shared by every command that prints something."""
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(choices),
        default="text",
        show_default=True,
        help=what,
    )


def output_option(what: str = "Write to FILE instead of standard output.") -> Callable[[F], F]:
    """--output/-o FILE, shared by the commands that write a result."""
    return click.option("--output", "-o", metavar="FILE", help=what)


#: --private, for the commands that write health data to a file.
private_option = click.option(
    "--private",
    is_flag=True,
    help="Make new files readable by you alone (mode 0600) whatever the umask.",
)


#: A plan's week, or its number of weeks, on every command that takes one.
WEEK = click.IntRange(1, MAX_WEEKS)

#: --weeks, shared by the commands that plan.
weeks_option = click.option(
    "--weeks",
    "-w",
    type=WEEK,
    default=DEFAULT_WEEKS,
    show_default=True,
    help="Number of weeks to plan.",
)


def engine_option(func: F) -> F:
    """--engine, for every command that evaluates answers."""
    return click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default=None,
        help="Rule engine: durable (durable-rules, the default where installed) or "
        "reference (plain Python). $BACKPLAN_ENGINE sets the default.",
    )(func)


def answers_options(func: F) -> F:
    """--answers FILE|-, --example and --rules, shared by the commands that read answers."""
    func = click.option(
        "--rules",
        "rules_dir",
        metavar="DIR",
        type=click.Path(exists=True, file_okay=False, path_type=str),
        help="Use the rule files in DIR instead of the bundled ones.",
    )(func)
    func = click.option(
        "--example", is_flag=True, help="Use the bundled example answers instead of a file."
    )(func)
    func = click.option(
        "--answers",
        "-a",
        "answers_path",
        metavar="FILE",
        help="The answers file (JSON); '-' reads standard input.",
    )(func)
    return func


def _check_country(
    ctx: click.Context, param: click.Parameter, value: Optional[str]
) -> Optional[str]:
    if value is None:  # click calls this for every command, with or without --country
        return None
    # lazy: off the path of `backplan --help` (its start-up)
    from recommender.inputs.countries import country_hint, normalise

    code = normalise(value)
    if code is None:
        raise click.BadParameter(
            f"unknown country code or name {quoted(value, 40)}; give {country_hint()}"
        )
    return code


def country_option(func: F) -> F:
    return click.option(
        "--country",
        metavar="CODE",
        callback=_check_country,
        help="Your country (a code such as US, GB or JP, or its name), to name its "
        "emergency number in warnings.",
    )(func)


def show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return

    installed = "installed" if durable_available() else "not installed"
    click.echo(
        f"backplan {__version__} (Python {sys.version.split()[0]}; rule engine: "
        f"{default_engine()}; durable-rules {installed})"
    )
    ctx.exit()


def _check_time(ctx: click.Context, param: click.Parameter, value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    match = re.fullmatch(r"([01]?[0-9]|2[0-3])[:.]([0-5][0-9])", value.strip())
    if not match:
        raise click.BadParameter("give a time of day as HH:MM, such as 18:30")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _check_zone(ctx: click.Context, param: click.Parameter, value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    # lazy: off the path of `backplan --help` (its start-up)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(
            f"unknown time zone {value[:40]!r}; give a name such as Europe/London or "
            "America/New_York"
        ) from None
    return value


def _check_base_url(
    ctx: click.Context, param: click.Parameter, value: Optional[str]
) -> Optional[str]:
    if value is not None and not value.startswith(("https://", "http://")):
        raise click.BadParameter(
            "give the web address of the app, such as https://exercises.example.org"
        )
    return value


def reminder_options(func: F) -> F:
    """--time, --tz, --remind and --base-url: calendar sessions at a time of day."""
    for option in reversed(
        [
            click.option(
                "--time",
                "at_time",
                metavar="HH:MM",
                callback=_check_time,
                help="Calendar (ics): sessions at this time of day, with a reminder.",
            ),
            click.option(
                "--tz",
                "zone",
                metavar="ZONE",
                callback=_check_zone,
                help="The time zone of --time (default: this computer's), e.g. Europe/London.",
            ),
            click.option(
                "--remind",
                type=click.IntRange(0, 24 * 60),
                default=10,
                show_default=True,
                help="Minutes before each session that the calendar reminds you (0: never).",
            ),
            click.option(
                "--base-url",
                metavar="URL",
                callback=_check_base_url,
                help="The web app's address, for a link to each session's page.",
            ),
        ]
    ):
        func = option(func)
    return func


def system_zone() -> str:
    """This computer's time zone as an IANA name: $TZ, else where /etc/localtime points,
    else UTC (a name the calendar can carry, unlike a bare offset)."""
    named = os.environ.get("TZ", "").lstrip(":")
    if named and _known_zone(named):
        return named
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        candidate = target.split("zoneinfo/", 1)[1]
        if _known_zone(candidate):
            return candidate
    return "UTC"


def _known_zone(name: str) -> bool:
    # lazy: off the path of `backplan --help` (its start-up)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
