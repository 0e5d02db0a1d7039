"""The compiled core of kubeharden (Rust, PyO3). Private: use the ``kubeharden`` package.

One conversion crosses the boundary (``src/convert.rs``): the core's results become the
package's dataclasses (registered in ``kubeharden._api._RUST_TYPES``), configuration mappings
become the core's ``Config``. Reports stay in Rust (``RawReport``) until a part is read.
"""

import os
from collections.abc import Mapping
from typing import Any, Optional, Union, final

from ._api import AuditReport, Finding, InputError, NetpolReport, PssResult, Rule, Summary

#: One input: ``(name, text or UTF-8 bytes, kind)``, kind ``"yaml"``, ``"dockerfile"`` or ``None``.
_File = tuple[str, Union[str, bytes, bytearray], Optional[str]]
#: A ``.kubeharden.yaml``-shaped mapping, or its YAML text.
_Config = Union[Mapping[str, Any], str, None]

__all__ = [
    "KubehardenError",
    "ParseError",
    "ConfigError",
    "RequestError",
    "__version__",
    "REPORT_VERSION",
    "RawReport",
    "check_texts",
    "check_paths",
    "fix_texts",
    "rules",
    "check_pss",
    "check_netpol",
    "audit",
    "audit_from_json",
    "main",
]

__version__: str
"""The version of the Rust crates."""

REPORT_VERSION: int
"""Version of the JSON report contract."""

class KubehardenError(Exception):
    """Base class of every kubeharden error."""

class ParseError(KubehardenError, ValueError):
    """An input that cannot be read as manifests."""

    file: Optional[str]
    """The file (or the ``filename`` given to ``scan``)."""
    document: Optional[int]
    """0-based document index, when known."""
    line: Optional[int]
    """1-based line, when known."""
    column: Optional[int]
    """1-based column, when known."""
    message: Optional[str]
    """What is wrong, without the location prefix."""

class ConfigError(KubehardenError, ValueError):
    """An invalid configuration."""

    file: Optional[str]
    """The configuration file, when the configuration came from one."""
    line: Optional[int]
    """1-based line, when known."""
    column: Optional[int]
    """1-based column, when known."""
    message: Optional[str]
    """What is wrong, without the location prefix."""

class RequestError(KubehardenError, ValueError):
    """An unusable argument, such as a ``now`` that is not an RFC 3339 time."""

    message: Optional[str]
    """What is wrong."""

@final
class RawReport:
    """A report held in Rust, with the input texts for the text renderer's excerpts."""

    @staticmethod
    def from_json(json: str) -> RawReport:
        """Reads ``Report`` JSON; raises ``RequestError`` when it is not one."""
    def to_json(self) -> str:
        """The core's JSON rendering (``kubeharden scan --format json``)."""
    def to_sarif(self) -> str:
        """The core's SARIF 2.1.0 rendering."""
    def to_text(self, color: bool = False) -> str:
        """The core's text rendering, with source excerpts."""
    def tickets(self) -> str:
        """The core's tickets as JSON: ``[{fingerprint, title, severity, markdown}]``."""
    def max_severity(self) -> Optional[str]:
        """The name of the highest severity of any finding."""
    def header(self) -> tuple[int, str, str, int]:
        """``(version, tool name, tool version, suppressed)``."""
    def summary(self) -> Summary:
        """The summary."""
    def findings(self) -> tuple[Finding, ...]:
        """The findings, in report order."""
    def errors(self) -> tuple[InputError, ...]:
        """The input errors, in input order."""

def check_texts(
    files: list[_File],
    *,
    config: _Config = None,
    now: Optional[str] = None,
    strict: bool = True,
) -> RawReport:
    """Checks ``(name, text or bytes, kind)`` inputs with the GIL released; each must hold
    something to check.

    With ``strict``, the first input error raises ``ParseError`` instead of being reported.
    """

def check_paths(
    paths: list[str | os.PathLike[str]],
    *,
    config: _Config = None,
    now: Optional[str] = None,
    follow_symlinks: bool = False,
) -> RawReport:
    """Reads and checks files and directories as ``kubeharden scan`` does (in parallel, GIL
    released). Unreadable inputs are reported, not raised.
    """

def fix_texts(
    files: list[_File],
    *,
    unsafe_fixes: bool = False,
    config: _Config = None,
    now: Optional[str] = None,
) -> tuple[str, tuple[Finding, ...], RawReport]:
    """Fixes one ``(name, text or bytes, kind)`` input with the GIL released (safe fixes, or all
    with ``unsafe_fixes``): ``(fixed text, findings whose fixes were applied, check of the fixed text)``.
    Raises ``ParseError`` when the input cannot be read."""

def rules() -> tuple[Rule, ...]:
    """Every rule, sorted by id."""

def check_pss(files: list[_File], *, level: str, version: str, strict: bool = True) -> PssResult:
    """Pod Security Standards for the inputs at ``level`` and ``version``.

    Raises ``RequestError`` for an unknown level or version and, with ``strict``, ``ParseError``
    for an input error.
    """

def check_netpol(
    files: list[_File],
    *,
    from_: Optional[str] = None,
    to: Optional[str] = None,
    port: Optional[str] = None,
    strict: bool = True,
) -> NetpolReport:
    """NetworkPolicy reachability over the inputs: a pair, a row, a column or the matrix.

    Raises ``RequestError`` for an unknown workload or a bad port and, with ``strict``,
    ``ParseError`` for an input error.
    """

def audit(
    pods: _File,
    images: list[_File],
    *,
    now: str,
    max_image_age_days: int,
    strict: bool,
    registry: bool,
    platform: str,
    insecure_registry: list[str],
    registry_ca: list[str],
    no_cache: bool,
    registry_timeout: int,
    registry_concurrency: int,
) -> AuditReport:
    """The weekly audit of a pods list with image metadata inputs and, with ``registry``, metadata
    fetched from the registries (the GIL released meanwhile).

    Raises ``RequestError`` for a bad ``now``, platform, CA file or Docker config and, with
    ``strict``, ``ParseError`` for an input error.
    """

def audit_from_json(name: str, json: str) -> AuditReport:
    """Reads ``kubeharden audit --format json``; raises ``ParseError`` when it is not an audit of
    this version."""

def main(argv: list[str]) -> int:
    """Runs the ``kubeharden`` command line ``argv`` (program name first) in this process, GIL
    released; returns the exit code. Writes to the process's stdout and stderr."""
