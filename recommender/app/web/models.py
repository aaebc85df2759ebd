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


# -- the clinic's forms ------------------------------------------------------------------


def _text(form: FormData, name: str, limit: int = 500) -> str:
    """One field as sent, cut to `limit` characters (a file or nothing: empty)."""
    sent = form.get(name)
    return sent[:limit] if isinstance(sent, str) else ""


class SignInForm(BaseModel):
    model_config = ConfigDict(frozen=True)

    email: str = ""
    password: str = ""

    @classmethod
    async def posted(cls, form: FormDep) -> SignInForm:
        return cls(email=_text(form, "email", 300), password=_text(form, "password", 300))


SignInFormDep = Annotated[SignInForm, Depends(SignInForm.posted)]


class InviteForm(BaseModel):
    """A set-up link or a patient's invite used: the code, and what it asks for."""

    model_config = ConfigDict(frozen=True)

    code: str = ""
    email: str = ""
    password: str = ""
    again: str = ""

    @classmethod
    async def posted(cls, form: FormDep) -> InviteForm:
        return cls(
            code=_text(form, "code", 60),
            email=_text(form, "email", 300),
            password=_text(form, "password", 300),
            again=_text(form, "again", 300),
        )


InviteFormDep = Annotated[InviteForm, Depends(InviteForm.posted)]


class NameForm(BaseModel):
    """A clinician inviting a patient: the name the clinic knows them by."""

    model_config = ConfigDict(frozen=True)

    name: str = ""

    @classmethod
    async def posted(cls, form: FormDep) -> NameForm:
        return cls(name=_text(form, "name", 200))


NameFormDep = Annotated[NameForm, Depends(NameForm.posted)]


class FieldsForm(BaseModel):
    """A clinic form of many fields (a check-in, a release with its edits): what was
    sent under each name, several values for ticked boxes; each route reads and checks
    its own fields."""

    model_config = ConfigDict(frozen=True)

    fields: dict[str, list[str]] = {}

    def one(self, name: str, limit: int = 2000) -> str:
        values = self.fields.get(name) or [""]
        return values[0][:limit]

    def many(self, name: str) -> list[str]:
        return [value[:200] for value in self.fields.get(name, [])]

    @classmethod
    async def posted(cls, form: FormDep) -> FieldsForm:
        fields: dict[str, list[str]] = {}
        for key, value in form.multi_items():
            if isinstance(value, str):
                fields.setdefault(key, []).append(value)
        return cls(fields=fields)


FieldsFormDep = Annotated[FieldsForm, Depends(FieldsForm.posted)]
