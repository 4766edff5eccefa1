"""Errors a user can act on: shown as one line, never as a traceback."""


class UserError(Exception):
    """A problem with the user's input or environment, with the fix in its message.

    `exit_code` follows the CLI convention: 2 for usage and input errors.
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
