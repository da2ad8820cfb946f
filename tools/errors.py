"""Errors the user can fix. The CLI prints them as one line and exits 2."""


class BadInput(Exception):
    """The input (a file, a task, an option) is unusable; the message says why."""
