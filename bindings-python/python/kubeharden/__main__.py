"""``python -m kubeharden ...`` and the ``kubeharden`` console script: the ``kubeharden`` command
itself, compiled into the module.

Every subcommand (``scan``, ``fix``, ``rules``, ``explain``, ``pss``, ``netpol``, ``audit``), every option,
the output and the exit codes are the native command's: 0 nothing at or above the threshold,
1 findings at or above it, 2 usage, configuration or input errors.
"""

from __future__ import annotations

import sys

from . import _kubeharden


def main(argv: list[str] | None = None) -> int:
    """Runs the command line ``argv`` (default: this process's arguments); returns the exit code.

    The command writes to the process's standard output and error directly, and, like the native
    command, leaves part of its memory for the operating system to reclaim at exit: run it once
    per process.
    """
    args = sys.argv[1:] if argv is None else argv
    sys.stdout.flush()
    sys.stderr.flush()
    return _kubeharden.main(["kubeharden", *args])


def console_main() -> int:
    """The ``kubeharden`` command installed by pip (the console script of ``[project.scripts]``)
    and ``python -m kubeharden``: :func:`main` on this process's arguments, which Ctrl-C stops at
    once, as it stops the native command (Python's own handler would only run once the command
    returned)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    return main()


if __name__ == "__main__":
    sys.exit(console_main())
