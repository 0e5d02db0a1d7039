"""The compiled core of kubeharden (Rust, PyO3). Private: use the ``kubeharden`` package.

Values cross as the core's version-1 JSON contract: configurations as ``Config`` JSON
(``.kubeharden.yaml`` keys), reports as ``Report`` JSON, rules as a list of ``RuleInfo``.
"""

import os
from typing import Optional, final

__all__ = [
    "KubehardenError",
    "ParseError",
    "ConfigError",
    "RequestError",
    "__version__",
    "REPORT_VERSION",
    "Sources",
    "parse_config",
    "fail_threshold",
    "check_texts",
    "check_paths",
    "rules",
    "report_to_json",
    "render_text",
    "check_pss",
    "render_sarif",
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
class Sources:
    """The input texts of a report, kept in Rust for the text renderer's source excerpts."""

    def __len__(self) -> int:
        """How many files."""
    def names(self) -> list[str]:
        """The file names, in input order."""

def parse_config(text: str, file: Optional[str] = None) -> str:
    """Parses ``.kubeharden.yaml`` text into ``Config`` JSON.

    Raises ``ConfigError`` (with ``file``, ``line``, ``column``) for malformed YAML, unknown keys
    or wrong types.
    """

def fail_threshold(config: Optional[str] = None) -> Optional[str]:
    """The exit threshold (``fail-on``) of ``Config`` JSON: a severity name, ``None`` for never."""

def check_texts(
    files: list[tuple[str, str]],
    *,
    config: Optional[str] = None,
    now: Optional[str] = None,
    strict: bool = False,
) -> tuple[str, Sources]:
    """Checks ``(name, text)`` pairs with the GIL released; returns ``Report`` JSON and the sources.

    With ``strict``, the first input error raises ``ParseError`` instead of being reported.
    """

def check_paths(
    paths: list[str | os.PathLike[str]],
    *,
    config: Optional[str] = None,
    now: Optional[str] = None,
    follow_symlinks: bool = False,
) -> tuple[str, Sources]:
    """Reads and checks files and directories as ``kubeharden scan`` does (in parallel, GIL
    released); returns ``Report`` JSON and the sources. Unreadable inputs are reported, not raised.
    """

def rules() -> str:
    """Every rule as JSON: a list of ``RuleInfo`` objects, sorted by id."""

def report_to_json(report: str) -> str:
    """The core's JSON rendering (``Report::to_json``) of ``Report`` JSON."""

def render_text(report: str, sources: Optional[Sources] = None, color: bool = False) -> str:
    """The core's text rendering of ``Report`` JSON, with source excerpts from ``sources``."""

def check_pss(text: str, name: str, level: str, version: str) -> str:
    """Pod Security Standards for one text at ``level`` and ``version``: ``PssReport`` JSON.

    Raises ``ParseError`` when the text cannot be read and ``RequestError`` for an unknown level
    or version.
    """

def render_sarif(report: str) -> str:
    """The core's SARIF 2.1.0 rendering of ``Report`` JSON."""
