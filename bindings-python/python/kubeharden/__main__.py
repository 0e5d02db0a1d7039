"""``python -m kubeharden scan PATH...``: the ``kubeharden scan`` command, from Python.

Same options, same output (the core's text and JSON renderers) and the same exit codes:
0 nothing at or above the threshold, 1 findings at or above it, 2 usage, configuration or input
errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Optional

from . import ConfigError, KubehardenError, Severity, _kubeharden, scan_paths

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m kubeharden",
        description="Container-security checklist as rules: Kubernetes manifests, Pod Security "
        "Standards, NetworkPolicies, Dockerfiles, images",
    )
    p.add_argument("--version", action="version", version=f"kubeharden {_kubeharden.__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("scan", help="check manifests (files, directories, `-` for stdin)")
    s.add_argument("paths", nargs="+", help="files or directories (recursive: .yaml, .yml, .json); `-` reads stdin")
    s.add_argument("--format", choices=["text", "json"], default="text", help="output format")
    s.add_argument("--fail-on", help="exit 1 when a finding is at or above this severity: critical, high, medium, low, info or never")
    s.add_argument("--config", help="configuration file (default: .kubeharden.yaml in the working directory, if present)")
    s.add_argument("--select", action="append", default=[], help="run only these rules (names or ids, comma-separated)")
    s.add_argument("--ignore", action="append", default=[], help="do not run these rules (names or ids, comma-separated)")
    s.add_argument("--no-annotation-suppressions", action="store_true", help="ignore `kubeharden.io/ignore.*` annotations")
    s.add_argument("--now", help="\"now\" for date rules (RFC 3339); default: the system clock")
    s.add_argument("--follow-symlinks", action="store_true", help="follow symbolic links inside scanned directories")
    s.add_argument("--color", default="auto", help="colour: auto (on a terminal), always, never")
    return p


def _split(values: list[str]) -> list[str]:
    return [x for v in values for x in v.split(",")]


def _load_config(path: Optional[str]) -> str:
    """The configuration as contract JSON: ``--config``, else ``.kubeharden.yaml`` if present."""
    required = path is not None
    p = path if path is not None else ".kubeharden.yaml"
    try:
        with open(p, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as e:
        if not required:
            return _kubeharden.parse_config("")
        why = f"{e.strerror} (os error {e.errno})" if isinstance(e, OSError) else "stream did not contain valid UTF-8"
        raise ConfigError(f"{p}: cannot read the configuration: {why}") from None
    return _kubeharden.parse_config(text, p)


def scan(args: argparse.Namespace) -> int:
    try:
        config = json.loads(_load_config(args.config))
        if args.select:
            config["select"] = _split(args.select)
        config["ignore"] = config.get("ignore", []) + _split(args.ignore)
        if args.fail_on is not None:
            config["fail-on"] = args.fail_on
        if args.no_annotation_suppressions:
            config["annotation-suppressions"] = False
        threshold = _kubeharden.fail_threshold(json.dumps(config))
        report = scan_paths(args.paths, config=config, now=args.now, follow_symlinks=args.follow_symlinks)
    except KubehardenError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR
    if args.color == "always":
        color = True
    elif args.color == "never":
        color = False
    else:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    out = report.to_json() + "\n" if args.format == "json" else report.to_text(color=color)
    sys.stdout.write(out)
    sys.stdout.flush()
    if report.errors:
        return EXIT_ERROR
    if threshold is not None and any(f.severity >= Severity.parse(threshold) for f in report.findings):
        return EXIT_FINDINGS
    return EXIT_OK


def main(argv: Optional[list[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "scan":
        return scan(args)
    return EXIT_ERROR  # argparse rejects unknown commands before this


if __name__ == "__main__":
    sys.exit(main())
