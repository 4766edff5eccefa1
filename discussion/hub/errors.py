"""The hub's errors: one line each, with the fix.

`HubUnreachable` is the one a hand-in survives (it is queued, `discussion.hub.queue`); the others
need a person: bad configuration, refused credentials, a record the hub already holds
differently.
"""

from __future__ import annotations

from discussion.errors import UserError


class HubError(UserError):
    """A hub problem a person must act on (exit 1: the hand-in or pull did not happen)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message, exit_code)


class HubUnreachable(HubError):
    """The store or the index cannot be reached now; retrying later may work."""


class HubConflict(HubError):
    """The hub holds another copy of this record (nothing there is ever overwritten)."""
