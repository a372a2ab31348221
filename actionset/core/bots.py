"""Telling people from bots on public forms, without a third-party service.

Two traps, used by every form anyone can post without signing in (the enquiry form, public course booking):

* a honeypot field (`website`), off-screen for people and screen readers, plainly in the markup for bots;
  a form that fills it is a bot's, dropped and logged, and the bot is shown the usual thank-you;
* a signed timestamp (`started`) of when the form was shown, carried in the form itself (nothing kept on the
  server): a form sent back faster than a person could read and type it, or with a stamp we did not sign, is
  returned to its sender with everything they typed, so a real person who is quick loses nothing.

Render the two fields with `{% include "includes/bot_trap.html" %}`.
"""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing

SALT = "core.public-form"


def min_fill_seconds() -> float:
    """Faster than a person can read a form and type into it. A setting, so browser tests can lower it."""
    return float(getattr(settings, "PUBLIC_FORM_MIN_SECONDS", 4))


def form_stamp() -> str:
    return signing.dumps({"t": time.time()}, salt=SALT)


def seconds_since(stamp: str) -> float | None:
    """How long ago the form was shown, or None for a stamp we did not sign."""
    try:
        return time.time() - float(signing.loads(stamp, salt=SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


class Verdict(StrEnum):
    PERSON = "person"
    #: Too quick, or a stamp we did not sign: the form goes back to its sender as they typed it.
    TOO_QUICK = "too_quick"
    #: The honeypot was filled.
    BOT = "bot"


def verdict(*, honeypot: str, stamp: str | None) -> Verdict:
    """A filled honeypot is a bot; a form sent back too soon after it was shown, or with a stamp we did not sign,
    is too quick to be sure of; anything else is a person."""
    if honeypot.strip():
        return Verdict.BOT
    elapsed = seconds_since(stamp or "")
    if elapsed is None or elapsed < min_fill_seconds():
        return Verdict.TOO_QUICK
    return Verdict.PERSON


TOO_QUICK_MESSAGE = (
    "That was quicker than we expected from a person, so nothing has been sent yet. "
    "Please check your details and send the form again — everything you typed is still here."
)


class BotTrapForm(forms.Form):
    """A public form's two traps. Mix in first: `class EnquiryForm(BotTrapForm, forms.ModelForm)`."""

    website = forms.CharField(required=False, label="Leave this empty", max_length=200)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial["started"] = form_stamp()

    def bot_verdict(self) -> Verdict:
        """Call after `is_valid()`."""
        return verdict(honeypot=str(self.cleaned_data.get("website") or ""), stamp=self.cleaned_data.get("started"))

    def restamp(self) -> None:
        """A form returned for being too quick gets a fresh stamp, so the next honest send goes through."""
        data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict; its copy is mutable
        data[self.add_prefix("started")] = form_stamp()
        self.data = data
