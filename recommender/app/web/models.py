"""What the pages' forms send, as request models.

Each model is read from a form that deps.checked_form has already parsed, limited and
checked for its CSRF token, so a route that takes one (`data: StartFormDep`) gets a
typed value and never a raw body. What the answers mean is checked later, against the
questionnaire (form.py), with the terminal intake's own rules.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from pydantic import BaseModel, ConfigDict
from starlette.datastructures import FormData

from recommender.app.web.deps import FormDep


class StartForm(BaseModel):
    """The start page (and the page that changes the country): the country chosen."""

    model_config = ConfigDict(frozen=True)

    country: str = ""  # a code, or empty for "I would rather not say"

    @classmethod
    async def posted(cls, form: FormDep) -> StartForm:
        sent = form.get("country")
        return cls(country=sent if isinstance(sent, str) else "")


StartFormDep = Annotated[StartForm, Depends(StartForm.posted)]


class SectionForm(BaseModel):
    """One page of questions: what was sent under each name (several values for ticked
    boxes), and which button sent it."""

    model_config = ConfigDict(frozen=True)

    go: str = "next"  # "back" from the Back button
    fields: dict[str, list[str]] = {}

    @property
    def back(self) -> bool:
        return self.go == "back"

    @classmethod
    async def posted(cls, form: FormDep) -> SectionForm:
        fields = _fields(form)
        return cls(go=(fields.get("go") or ["next"])[0], fields=fields)


SectionFormDep = Annotated[SectionForm, Depends(SectionForm.posted)]


class SessionEndForm(BaseModel):
    """The end of a session: what was done, which easier versions, the highest pain and
    which exercises hurt (checked against the session in session_view.py)."""

    model_config = ConfigDict(frozen=True)

    fields: dict[str, list[str]] = {}

    @classmethod
    async def posted(cls, form: FormDep) -> SessionEndForm:
        return cls(fields=_fields(form))


SessionEndFormDep = Annotated[SessionEndForm, Depends(SessionEndForm.posted)]


def _fields(form: FormData) -> dict[str, list[str]]:
    """What was sent under each name, in order (several values for ticked boxes)."""
    fields: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):  # files are refused before this (max_files=0)
            fields.setdefault(key, []).append(value)
    return fields


class CalendarQuery(BaseModel):
    """The calendar download's first day, as typed (checked by the route)."""

    start: str = ""
