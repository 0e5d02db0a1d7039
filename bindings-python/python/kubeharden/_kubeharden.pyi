"""The compiled core of kubeharden (Rust, PyO3). Private: use the ``kubeharden`` package.

Configurations cross as the core's ``Config`` JSON (``.kubeharden.yaml`` keys); reports stay in
Rust (``RawReport``) and are read into the package's dataclasses; rules and Pod Security
Standards results cross as contract JSON.
"""

import os
from typing import Any, Optional, final

__all__ = [
    "KubehardenError",
    "ParseError",
    "ConfigError",
    "RequestError",
    "__version__",
    "REPORT_VERSION",
    "RawReport",
    "parse_config",
    "check_texts",
    "check_paths",
    "rules",
    "check_pss",
    "audit",
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
    def max_severity(self) -> Optional[str]:
        """The name of the highest severity of any finding."""
    def header(self) -> tuple[int, str, str, int]:
        """``(version, tool name, tool version, suppressed)``."""
    def summary(self) -> dict[str, Any]:
        """The summary's counts; ``by_severity`` maps severity names to counts."""
    def findings(self, finding: type, object_ref: type, severities: dict[str, Any]) -> tuple[Any, ...]:
        """The findings as instances of the ``finding`` dataclass (built without ``__init__``)."""
    def errors(self, input_error: type) -> tuple[Any, ...]:
        """The input errors as instances of the ``input_error`` dataclass."""

def parse_config(text: str, file: Optional[str] = None) -> str:
    """Parses ``.kubeharden.yaml`` text into ``Config`` JSON.

    Raises ``ConfigError`` (with ``file``, ``line``, ``column``) for malformed YAML, unknown keys
    or wrong types.
    """

def check_texts(
    files: list[tuple[str, str]],
    *,
    config: Optional[str] = None,
    now: Optional[str] = None,
    strict: bool = False,
) -> RawReport:
    """Checks ``(name, text)`` pairs with the GIL released.

    With ``strict``, the first input error raises ``ParseError`` instead of being reported.
    """

def check_paths(
    paths: list[str | os.PathLike[str]],
    *,
    config: Optional[str] = None,
    now: Optional[str] = None,
    follow_symlinks: bool = False,
) -> RawReport:
    """Reads and checks files and directories as ``kubeharden scan`` does (in parallel, GIL
    released). Unreadable inputs are reported, not raised.
    """

def rules() -> str:
    """Every rule as JSON: a list of ``RuleInfo`` objects, sorted by id."""

def check_pss(text: str, name: str, level: str, version: str) -> str:
    """Pod Security Standards for one text at ``level`` and ``version``: ``PssReport`` JSON.

    Raises ``ParseError`` when the text cannot be read and ``RequestError`` for an unknown level
    or version.
    """

def main(argv: list[str]) -> int:
    """Runs the ``kubeharden`` command line ``argv`` (program name first) in this process, GIL
    released; returns the exit code. Writes to the process's stdout and stderr."""

def audit(
    pods: str,
    images: list[tuple[str, str]],
    now: str,
    max_image_age_days: int,
    registry: bool,
    platform: str,
    insecure_registries: list[str],
    registry_ca: list[str],
    cache: bool,
    timeout: int,
    concurrency: int,
) -> str:
    """``kubeharden audit --format json`` of a pods text, image metadata (name, text) pairs and,
    with ``registry``, metadata fetched from the registries (the GIL released meanwhile)."""
