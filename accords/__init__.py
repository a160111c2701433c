"""Accords: a knowledge graph of bilateral agreements between states."""


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed package on first use: importing importlib.metadata
    cost each query process's start ~23 ms of CPU (a fifth of it) for a string it never reads."""
    if name != "__version__":
        raise AttributeError(f"module 'accords' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("accords")
    except PackageNotFoundError:  # running from a source tree that was not installed
        found = "0.0.0"
    globals()["__version__"] = found
    return found
