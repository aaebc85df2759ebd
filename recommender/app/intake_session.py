"""One `backplan intake` from start to end: the country, the questions, the result and
the short summary that ends it, and keeping an unfinished intake for later.

The conversation itself (questions, going back, the review, stopping early) is
app/intake.py's; this module wires it to the terminal and to files.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Optional

from recommender.app.closing import week_one
from recommender.app.intake import Intake, Outcome
from recommender.app.output import color_wanted
from recommender.core.errors import AnswersError
from recommender.inputs.answers_file import validate_answers
from recommender.inputs.countries import country_hint, emergency_number, find_country
from recommender.inputs.intake_draft import Draft, draft_json
from recommender.inputs.questionnaire import Invalid, Question, Questionnaire, load_questionnaire
from recommender.pipeline.recommend import Recommender
from recommender.pipeline.triage import NEUTRAL_EMERGENCY_NUMBER, Triage
from recommender.render import (
    Reminders,
    RenderOptions,
    render_result,
    render_stopped_result,
    render_withheld_early,
    stopped_triage,
)
from recommender.render.phrases import plan_summary
from recommender.render.questions import prompt_text
from recommender.rulebook.rules import Rulebook

INTRO = (
    "backplan asks about {count} short questions about your pain and your health, then "
    "gives you either a warning to see a clinician or a home exercise plan. It is not "
    "a diagnosis. If you feel very unwell right now, stop and call {number}. Type "
    "'back' to return to the question before; at the end you can check and change "
    "every answer."
)

#: Where an unfinished intake is kept when no --save FILE was given.
DRAFT_NAME = "intake-draft.json"


def draft_path() -> Path:
    """The private draft in the user's data folder (platformdirs)."""
    # lazy: platformdirs is loaded only by the commands that use it
    import platformdirs

    return platformdirs.user_data_path("backplan", appauthor=False) / DRAFT_NAME


def today() -> dt.date:
    """Today, for the start date's checks (a function, so that tests can fix it)."""
    return dt.date.today()


@dataclass
class IntakeSession:
    """The whole questionnaire: the country (unless given), then every question."""

    rulebook: Rulebook
    ask: Callable[[str], str]
    say: Callable[[str], None]
    width: Callable[[], int]
    country: Optional[str] = None
    country_known: bool = False
    """True once the country is settled (given, chosen, skipped or from a draft)"""
    draft: Optional[Draft] = None
    questionnaire: Questionnaire = field(default_factory=load_questionnaire)
    intake: Optional[Intake] = None

    @property
    def number(self) -> Optional[str]:
        """The emergency number in use (None: the neutral wording)."""
        return emergency_number(self.country)

    def run(self) -> Outcome:
        if self.draft is not None:
            if not self.country_known:
                self.country = self.draft.country
            self.country_known = True
        if not self.country_known:
            self._ask_country()
        self.intake = Intake(
            self.questionnaire,
            self.rulebook,
            self.ask,
            self.say,
            emergency_number=self.number,
            today=today(),
            width=self.width,
            given=dict(self.draft.given) if self.draft else {},
            country_words=self._country_words,
            change_country=self._change_country,
        )
        self.say("")
        if self.draft is None:
            count = len(self.questionnaire.questions)
            number = self.number or NEUTRAL_EMERGENCY_NUMBER
            self._wrapped(INTRO.format(count=count, number=number))
        else:
            self._resuming(self.draft)
        outcome = self.intake.run()
        if self.country is not None:  # the country travels with the answers
            outcome.answers["country"] = self.country
        return outcome

    def _resuming(self, draft: Draft) -> None:
        assert self.intake is not None
        keys = [q.key for q in self.questionnaire.questions]
        for key, why in draft.dropped:
            self._wrapped(
                f"Your earlier answer to question {keys.index(key) + 1} cannot be used now "
                f"({why.rstrip('.')}); it is asked again."
            )
        at = self.intake.first_unanswered()
        where = f"question {at + 1}" if at < len(keys) else "the review of your answers"
        self._wrapped(f"Continuing your unfinished intake from {where}.")

    def _country_words(self) -> str:
        """The country for the review: its name and number, or that none was given."""
        found = find_country(self.country) if self.country else None
        if found is None:
            return f"not given (warnings say '{NEUTRAL_EMERGENCY_NUMBER}')"
        number = found.number or NEUTRAL_EMERGENCY_NUMBER
        return f"{found.name} (emergency number: {number})"

    def _change_country(self) -> None:
        """The country asked again from the review; Enter keeps it."""
        self._ask_country(keep=True)
        if self.intake is not None:
            self.intake.emergency_number = self.number

    def _ask_country(self, keep: bool = False) -> None:
        country = self.questionnaire.country
        asked = Question(key="country", ask=country.ask, help=country.help)
        self.say(prompt_text(asked, "[country]", self.width()))
        while True:
            try:
                reply = self.ask("  [Enter: keep it] > " if keep else "  [Enter: skip] > ")
                reply = reply.strip()
            except Invalid as problem:
                self.say(f"  {problem}")
                continue
            if not reply:
                break
            found = find_country(reply)
            if found is not None:
                self.country = found.code
                if found.number:
                    self._wrapped(f"{found.name}: the emergency number is {found.number}.", 2)
                else:
                    self._wrapped(
                        f"{found.name}: backplan has no checked emergency number there, "
                        f"so warnings say '{NEUTRAL_EMERGENCY_NUMBER}'.",
                        indent=2,
                    )
                break
            shown = reply if len(reply) <= 40 else reply[:40] + "..."
            self._wrapped(
                f'I do not know "{shown}" as a country. Please give {country_hint()}, '
                "or press Enter to skip.",
                indent=2,
            )
        self.country_known = True

    def _wrapped(self, text: str, indent: int = 0) -> None:
        pad = " " * indent
        for line in textwrap.wrap(
            " ".join(text.split()), self.width(), initial_indent=pad, subsequent_indent=pad
        ):
            self.say(line)

    # -- keeping an unfinished intake -------------------------------------------------

    def draft_text(self) -> Optional[str]:
        """The unfinished intake as a draft, or None when there is nothing to keep."""
        if not self.country_known or self.intake is None or not self.intake.given:
            return None
        return draft_json(self.country, self.intake.given, self.questionnaire)


class WarnedFirst(Exception):
    """Answers that could not be used whole, with the triage of their clinical part,
    which the person must see before the problem (docs/clinical-safety.md,
    S-NAME-HIDES-WARNING)."""

    def __init__(self, found: Optional[Triage], problem: AnswersError) -> None:
        super().__init__(problem.message())
        self.found = found
        self.problem = problem


def _warned_first(
    recommender: Recommender, raw: dict[str, object], problem: AnswersError
) -> WarnedFirst:
    """The problem, with the triage of the health answers alone, to show before it."""
    return WarnedFirst(recommender.triage_of_health_answers(dict(raw)), problem)


class Finished(NamedTuple):
    """The end of an intake: the triage (None when a withholding rule stopped it before
    any warning sign was asked about: no level was assessed), the rendered result, and
    the plan in a few words when one is given."""

    found: Optional[Triage]
    text: str
    plan: Optional[str]
    week: Optional[str] = None
    """The first week in one sentence, when a plan is given"""


def finish_intake(
    recommender: Recommender,
    outcome: Outcome,
    number: Optional[str],
    fmt: str,
    weeks: int,
    output: Optional[str],
    width: int,
    reminders: Optional[Reminders] = None,
) -> Finished:
    """The result at the end of an intake: the emergency or the withholding rule that
    stopped it, or the whole result of the answers given."""
    color = color_wanted(output)
    if outcome.emergency:
        found = stopped_triage(outcome.emergency, number)
        text = render_stopped_result(outcome.emergency, number, fmt, color=color, width=width)
        return Finished(found, text, None)
    if outcome.withheld is not None:
        return Finished(None, render_withheld_early(outcome.withheld, number, fmt, width), None)
    try:
        answers = validate_answers(outcome.answers, "your answers")
    except AnswersError as problem:
        raise _warned_first(recommender, outcome.answers, problem) from None
    result = recommender.recommend(answers, weeks=weeks)
    options = RenderOptions(color=color, width=width, reminders=reminders)
    plan = plan_summary(answers, len(result.plan.weeks)) if result.plan is not None else None
    week = week_one(result.plan) if result.plan is not None else None
    return Finished(result.triage, render_result(result, fmt, options), plan, week)
