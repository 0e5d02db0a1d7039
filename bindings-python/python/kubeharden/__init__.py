"""kubeharden: the container-security checklist as typed, tested rules, checked from Python.

>>> import kubeharden
>>> report = kubeharden.scan({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
...     "spec": {"containers": [{"name": "app", "image": "nginx",
...                              "securityContext": {"privileged": True}}]}})
>>> [f.name for f in report.findings if f.severity >= kubeharden.Severity.CRITICAL]
['privileged-container']

Every check runs in the Rust core (the same code as the ``kubeharden`` command); this package
only converts values. Values cross the boundary as the core's version-1 JSON contract, and the
classes below are frozen views of it.

Errors: ``scan`` of one text raises :class:`ParseError` when the text cannot be read (a syntax
error, a document that cannot be a Kubernetes object), unless ``strict=False``; ``scan_paths``
never raises for a bad file and reports it in :attr:`Report.errors`, as the command does. A bad
configuration raises :class:`ConfigError`; a bad ``now`` raises :class:`RequestError`.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Optional, Union

from . import _kubeharden
from ._kubeharden import (
    ConfigError,
    KubehardenError,
    ParseError,
    RequestError,
    __version__,
)

__all__ = [
    "ConfigError",
    "Finding",
    "InputError",
    "KubehardenError",
    "ObjectRef",
    "ParseError",
    "PssObjectResult",
    "PssResult",
    "PssViolation",
    "Report",
    "RequestError",
    "Rule",
    "Severity",
    "Summary",
    "Tool",
    "__version__",
    "pss",
    "rules",
    "scan",
    "scan_paths",
]

#: A path as ``open`` takes it.
StrPath = Union[str, "os.PathLike[str]", bytes, "os.PathLike[bytes]"]
#: A configuration: a ``.kubeharden.yaml``-shaped mapping, or its YAML text.
ConfigLike = Union[Mapping[str, Any], str]
#: "Now" for date rules: an RFC 3339 string or a datetime (naive ones are local time).
NowLike = Union[str, _dt.datetime]


class Severity(enum.IntEnum):
    """How serious a finding is; ordered, so ``f.severity >= Severity.HIGH`` works."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, name: str) -> Severity:
        """The severity called ``name`` (``"high"``, case-insensitive)."""
        try:
            return cls[name.upper()]
        except KeyError:
            raise ValueError(f"unknown severity `{name}`") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclasses.dataclass(frozen=True)
class ObjectRef:
    """The Kubernetes object a finding is about."""

    kind: str
    api_version: Optional[str] = None
    namespace: Optional[str] = None
    name: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class Finding:
    """One rule violated at one place. ``line``/``column`` are 1-based, ``document`` 0-based."""

    rule: str
    name: str
    severity: Severity
    message: str
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    object: Optional[ObjectRef]
    container: Optional[str]
    path: Optional[str]
    fingerprint: str
    document: Optional[int] = None
    template: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class InputError:
    """An input that could not be read (reported, not raised, by :func:`scan_paths`)."""

    file: str
    message: str
    document: Optional[int] = None
    line: Optional[int] = None
    column: Optional[int] = None


@dataclasses.dataclass(frozen=True)
class Tool:
    """The tool that wrote a report."""

    name: str
    version: str


@dataclasses.dataclass(frozen=True)
class Summary:
    """Counts of a report; ``by_severity`` has every severity, zeros included."""

    files: int
    documents: int
    objects: int
    findings: int
    errors: int
    suppressed: int
    by_severity: Mapping[Severity, int] = dataclasses.field(default_factory=dict, hash=False)


@dataclasses.dataclass(frozen=True)
class Rule:
    """A rule of the checklist."""

    id: str
    name: str
    severity: Severity
    title: str
    enabled_by_default: bool
    references: tuple[str, ...]
    peers: tuple[str, ...]
    docs: str


@dataclasses.dataclass(frozen=True)
class Report:
    """The result of a scan. Findings are sorted by file, document, line, column and rule."""

    findings: tuple[Finding, ...]
    errors: tuple[InputError, ...]
    suppressed: int
    summary: Summary
    version: int = _kubeharden.REPORT_VERSION
    tool: Tool = Tool("kubeharden", __version__)
    _sources: Optional[_kubeharden.Sources] = dataclasses.field(
        default=None, repr=False, compare=False, hash=False
    )

    def to_json(self) -> str:
        """The report as the core writes it (``kubeharden scan --format json``, contract v1)."""
        return _kubeharden.report_to_json(json.dumps(self._contract()))

    def to_sarif(self) -> str:
        """The report as SARIF 2.1.0 (``kubeharden scan --format sarif``), for code scanning."""
        return _kubeharden.render_sarif(json.dumps(self._contract()))

    def to_text(self, *, color: bool = False) -> str:
        """The report as ``kubeharden scan`` prints it, with source excerpts."""
        return _kubeharden.render_text(json.dumps(self._contract()), self._sources, color)

    @property
    def max_severity(self) -> Optional[Severity]:
        """The highest severity of any finding, ``None`` without findings."""
        return max((f.severity for f in self.findings), default=None)

    def _contract(self) -> dict[str, Any]:
        def obj(o: Optional[ObjectRef]) -> Optional[dict[str, Any]]:
            if o is None:
                return None
            return {"apiVersion": o.api_version, "kind": o.kind, "namespace": o.namespace, "name": o.name}

        def finding(f: Finding) -> dict[str, Any]:
            d = {k: getattr(f, k) for k in _FINDING_KEYS}
            d["severity"] = str(f.severity)
            d["object"] = obj(f.object)
            return d

        s = self.summary
        return {
            "version": self.version,
            "tool": {"name": self.tool.name, "version": self.tool.version},
            "findings": [finding(f) for f in self.findings],
            "errors": [dataclasses.asdict(e) for e in self.errors],
            "suppressed": self.suppressed,
            "summary": {
                "files": s.files,
                "documents": s.documents,
                "objects": s.objects,
                "by_severity": {str(k): v for k, v in s.by_severity.items()},
                "findings": s.findings,
                "errors": s.errors,
                "suppressed": s.suppressed,
            },
        }


_FINDING_KEYS = [f.name for f in dataclasses.fields(Finding)]


def _report(raw: str, sources: Optional[_kubeharden.Sources]) -> Report:
    d = json.loads(raw)
    sev = {str(s): s for s in Severity}
    findings = []
    for f in d["findings"]:
        o = f["object"]
        f["object"] = None if o is None else ObjectRef(o["kind"], o["apiVersion"], o["namespace"], o["name"])
        f["severity"] = sev[f["severity"]]
        findings.append(Finding(**f))
    s = d["summary"]
    s["by_severity"] = MappingProxyType({sev[k]: v for k, v in s["by_severity"].items()})
    return Report(
        findings=tuple(findings),
        errors=tuple(InputError(**e) for e in d["errors"]),
        suppressed=d["suppressed"],
        summary=Summary(**s),
        version=d["version"],
        tool=Tool(**d["tool"]),
        _sources=sources,
    )


def _config_json(config: Optional[ConfigLike]) -> Optional[str]:
    if config is None:
        return None
    if isinstance(config, str):
        return _kubeharden.parse_config(config)
    if isinstance(config, Mapping):
        return json.dumps(dict(config))
    raise TypeError(f"config must be a mapping or YAML text, not {type(config).__name__}")


def _now(now: Optional[NowLike]) -> str:
    if now is None:
        now = _dt.datetime.now(_dt.timezone.utc)
    if isinstance(now, _dt.datetime):
        return now.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(now, str):
        return now
    raise TypeError(f"now must be an RFC 3339 string or a datetime, not {type(now).__name__}")


def _json_default(o: object) -> Any:
    if isinstance(o, (_dt.datetime, _dt.date)):
        return o.isoformat()
    raise TypeError(f"cannot convert a {type(o).__name__} to a manifest value")


def _to_text(obj: Any, filename: str) -> str:
    try:
        if isinstance(obj, Mapping):
            return json.dumps(obj, indent=2, default=_json_default)
        return "\n---\n".join(json.dumps(d, indent=2, default=_json_default) for d in obj)
    except RecursionError:
        message = "the object is nested too deeply to convert"
        err = ParseError(f"{filename}: {message}")
        err.file, err.message = filename, message
        raise err from None


def scan(
    text_or_obj: Union[str, Mapping[str, Any], Sequence[Mapping[str, Any]]],
    *,
    filename: Optional[str] = None,
    config: Optional[ConfigLike] = None,
    now: Optional[NowLike] = None,
    strict: bool = True,
) -> Report:
    """Checks one input: YAML or JSON text (any number of documents), a manifest as a dict (such
    as ``ApiClient().sanitize_for_serialization(pod)``), or a list of them (one document each).

    ``filename`` names the input in findings (default ``<input>``; a ``.json`` name makes the
    text strict JSON). ``config`` is a ``.kubeharden.yaml``-shaped mapping or its YAML text.
    ``now`` (RFC 3339 or a datetime) defaults to the current time, as the command does.

    Raises :class:`ParseError` (with ``file``, ``document``, ``line``, ``column``) when the input
    cannot be read; with ``strict=False`` such problems go to :attr:`Report.errors` instead.
    For dicts, lines and columns refer to the JSON text the dict was converted to; ``path`` names
    the field.
    """
    name = "<input>" if filename is None else filename
    if isinstance(text_or_obj, str):
        text = text_or_obj
    elif isinstance(text_or_obj, (Mapping, Sequence)) and not isinstance(text_or_obj, (bytes, bytearray)):
        text = _to_text(text_or_obj, name)
    else:
        raise TypeError(f"scan takes text, a mapping or a list of mappings, not {type(text_or_obj).__name__}")
    raw, sources = _kubeharden.check_texts(
        [(name, text)], config=_config_json(config), now=_now(now), strict=strict
    )
    return _report(raw, sources)


def scan_paths(
    paths: Union[StrPath, Iterable[StrPath]],
    *,
    config: Optional[ConfigLike] = None,
    now: Optional[NowLike] = None,
    follow_symlinks: bool = False,
) -> Report:
    """Checks files and directories exactly as ``kubeharden scan PATH...`` does: directories
    recursively (``.yaml``, ``.yml``, ``.json``; hidden entries skipped; symbolic links followed
    only with ``follow_symlinks``), ``-`` for standard input. Files are read and checked in Rust,
    in parallel, with the GIL released. A file that cannot be read is reported in
    :attr:`Report.errors`, never raised.
    """
    items: Iterable[StrPath]
    if isinstance(paths, (str, bytes, os.PathLike)):
        items = [paths]
    else:
        items = paths
    raw, sources = _kubeharden.check_paths(
        [os.fsdecode(p) for p in items],
        config=_config_json(config),
        now=_now(now),
        follow_symlinks=follow_symlinks,
    )
    return _report(raw, sources)


@dataclasses.dataclass(frozen=True)
class PssViolation:
    """A violated Pod Security Standards control, worded as Kubernetes words it."""

    check: str
    """The Pod Security Admission check id (``runAsNonRoot``, ``capabilities_restricted``, ...)."""
    message: str
    path: str
    line: int
    column: int


@dataclasses.dataclass(frozen=True)
class PssObjectResult:
    """Whether Pod Security Admission would admit the pods of one pod-bearing object."""

    file: str
    document: int
    object: ObjectRef
    allowed: bool
    violations: tuple[PssViolation, ...]


@dataclasses.dataclass(frozen=True)
class PssResult:
    """Pod Security Standards results at one level and version, one per pod-bearing object."""

    level: str
    version: str
    results: tuple[PssObjectResult, ...]

    @property
    def allowed(self) -> bool:
        """Whether every object is allowed."""
        return all(r.allowed for r in self.results)


def pss(
    obj: Union[str, Mapping[str, Any], Sequence[Mapping[str, Any]]],
    level: str = "restricted",
    version: str = "latest",
    *,
    filename: Optional[str] = None,
) -> PssResult:
    """Evaluates the Pod Security Standards exactly as Pod Security Admission does, at ``level``
    (``baseline``, ``restricted`` or ``privileged``) and ``version`` (``latest`` or ``v1.N``), for
    every pod-bearing object of ``obj`` (text, a dict or a list of dicts; controllers are judged
    by the pods they would create).

    Raises :class:`ParseError` when the input cannot be read and :class:`RequestError` for an
    unknown level or version.
    """
    name = "<input>" if filename is None else filename
    text = obj if isinstance(obj, str) else _to_text(obj, name)
    d = json.loads(_kubeharden.check_pss(text, name, level, version))
    results = []
    for r in d["results"]:
        o = r["object"]
        results.append(
            PssObjectResult(
                file=r["file"],
                document=r["document"],
                object=ObjectRef(o["kind"], o["apiVersion"], o["namespace"], o["name"]),
                allowed=r["allowed"],
                violations=tuple(PssViolation(**v) for v in r["violations"]),
            )
        )
    return PssResult(level=d["level"], version=d["version"], results=tuple(results))


def rules() -> list[Rule]:
    """Every rule of the checklist, sorted by id."""
    sev = {str(s): s for s in Severity}
    out = []
    for r in json.loads(_kubeharden.rules()):
        r["severity"] = sev[r["severity"]]
        r["references"] = tuple(r["references"])
        r["peers"] = tuple(r["peers"])
        out.append(Rule(**r))
    return out
