"""Sign-in limits a stranger cannot turn against the person: per address, per address and account, per account.

allauth counts failed sign-ins per address and per login ("key"): five wrong guesses at someone's email, from
anywhere, lock that account for everyone, the right password included. Here allauth's key becomes the pair
(address, login), so a stranger's guesses hold back only the stranger's address, and a separate limit per login
across every address (`login_failed_account`, set far higher) still bounds guessing spread over many addresses.
When that one is reached the person is told to reset their password, and setting a new password clears it.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.internal import ratelimit
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

ACCOUNT_ACTION = "login_failed_account"


class SignInThrottlingAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts_for_account": _(
            "There have been too many failed sign-ins to this account from several places, so it is held back "
            "for a while. To sign in now, reset your password by email."
        ),
    }

    def _account_key(self, request: HttpRequest, **credentials: Any) -> str:
        return super()._get_login_attempts_cache_key(request, **credentials)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        return f"{ratelimit.get_ip(request)}|{self._account_key(request, **credentials)}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        self._account_rl_usage = ratelimit.consume(
            request, app="allauth.account", action=ACCOUNT_ACTION, key=self._account_key(request, **credentials)
        )
        if not self._account_rl_usage:
            raise self.validation_error("too_many_login_attempts_for_account")

    def _rollback_login_failed_rl_usage(self) -> None:
        # A successful sign-in takes back what its attempt counted (allauth's rule), at every level.
        super()._rollback_login_failed_rl_usage()
        usage = getattr(self, "_account_rl_usage", None)
        if usage:
            usage.rollback()

    def set_password(self, user: Any, password: str) -> None:
        super().set_password(user, password)
        # Guesses at the old password say nothing about the new one: whoever just chose it (by a reset link, or
        # signed in) may sign in with it at once.
        request = context.request
        if request is None or not user.email:
            return
        for action, key in (
            (ACCOUNT_ACTION, self._account_key(request, email=user.email)),
            ("login_failed", self._get_login_attempts_cache_key(request, email=user.email)),
        ):
            ratelimit.clear(request, app="allauth.account", action=action, key=key)
