"""The base of every error a user can fix: ``accords`` prints its message in one line, exit status 1."""


class AccordsError(Exception):
    """Bad input, configuration or store, or an unusable remote answer: one readable line."""
