"""``python -m kubeharden ...``: the ``kubeharden`` command itself, compiled into the module.

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


if __name__ == "__main__":
    import signal

    # Like the native command, stop at once on Ctrl-C: Python's own handler would only run once
    # the command returned.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.exit(main())
