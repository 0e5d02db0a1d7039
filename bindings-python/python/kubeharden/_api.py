"""The public API of :mod:`kubeharden`, loaded on first use by ``kubeharden/__init__.py`` (so
``python -m kubeharden`` and a bare ``import kubeharden`` do not pay for the dataclass
definitions). Import names from ``kubeharden``, not from here.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Optional, TypedDict, Union

from . import _kubeharden
from ._kubeharden import ParseError

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


class Report:
    """The result of a scan. Findings are sorted by file, document, line, column and rule.

    The report stays in the Rust core until a part is read: ``findings`` and ``errors`` become
    tuples of frozen dataclasses on first access (then kept), while ``to_json``, ``to_sarif``,
    ``to_text``, ``max_severity`` and ``summary`` never build them. Reports are immutable, comparable and picklable
    (through their JSON; source excerpts for ``to_text`` are not kept).
    """

    __slots__ = ("_raw", "_findings", "_errors", "_summary", "_header")

    _raw: _kubeharden.RawReport
    _findings: Optional[tuple[Finding, ...]]
    _errors: Optional[tuple[InputError, ...]]
    _summary: Optional[Summary]
    _header: tuple[int, str, str, int]

    def __init__(self, raw: _kubeharden.RawReport) -> None:
        """Wraps a report of the compiled core; reports come from :func:`scan`,
        :func:`scan_paths` and :meth:`Report.from_json`."""
        if not isinstance(raw, _kubeharden.RawReport):
            raise TypeError("reports come from scan(), scan_paths() or Report.from_json()")
        init = object.__setattr__
        init(self, "_raw", raw)
        init(self, "_findings", None)
        init(self, "_errors", None)
        init(self, "_summary", None)
        init(self, "_header", raw.header())

    @classmethod
    def from_json(cls, text: str) -> Report:
        """Reads a report written by :meth:`to_json` or ``kubeharden scan --format json``.

        Raises :class:`RequestError` when ``text`` is not such a report.
        """
        return cls(_kubeharden.RawReport.from_json(text))

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The findings (built on first access, then kept)."""
        found = self._findings
        if found is None:
            found = self._raw.findings(Finding, ObjectRef, _SEVERITY_BY_NAME)
            object.__setattr__(self, "_findings", found)
        return found

    @property
    def errors(self) -> tuple[InputError, ...]:
        """The inputs that could not be read, in input order."""
        errors = self._errors
        if errors is None:
            errors = self._raw.errors(InputError)
            object.__setattr__(self, "_errors", errors)
        return errors

    @property
    def summary(self) -> Summary:
        """The counts."""
        summary = self._summary
        if summary is None:
            d = self._raw.summary()
            d["by_severity"] = MappingProxyType({_SEVERITY_BY_NAME[k]: v for k, v in d["by_severity"].items()})
            summary = Summary(**d)
            object.__setattr__(self, "_summary", summary)
        return summary

    @property
    def suppressed(self) -> int:
        """How many findings suppressions removed."""
        return self._header[3]

    @property
    def version(self) -> int:
        """The version of the JSON contract."""
        return self._header[0]

    @property
    def tool(self) -> Tool:
        """The tool that wrote the report."""
        return Tool(self._header[1], self._header[2])

    @property
    def max_severity(self) -> Optional[Severity]:
        """The highest severity of any finding, ``None`` without findings."""
        name = self._raw.max_severity()
        return None if name is None else _SEVERITY_BY_NAME[name]

    def to_json(self) -> str:
        """The report as the core writes it (``kubeharden scan --format json``, contract v1)."""
        return self._raw.to_json()

    def to_sarif(self) -> str:
        """The report as SARIF 2.1.0 (``kubeharden scan --format sarif``), for code scanning."""
        return self._raw.to_sarif()

    def to_text(self, *, color: bool = False) -> str:
        """The report as ``kubeharden scan`` prints it, with source excerpts."""
        return self._raw.to_text(color)

    def _key(self) -> tuple[object, ...]:
        return (self._header, self.summary, self.findings, self.errors)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Report):
            return NotImplemented
        return self is other or self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        s = self.summary
        return (f"Report(files={s.files}, objects={s.objects}, findings={s.findings}, "
                f"errors={s.errors}, suppressed={s.suppressed}, max_severity={self.max_severity!s})")

    def __setattr__(self, name: str, value: object) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Report.from_json, (self.to_json(),))


_SEVERITY_BY_NAME: dict[str, Severity] = {str(s): s for s in Severity}


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
    return Report(_kubeharden.check_texts([(name, text)], config=_config_json(config), now=_now(now), strict=strict))


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
    return Report(
        _kubeharden.check_paths(
            [os.fsdecode(p) for p in items],
            config=_config_json(config),
            now=_now(now),
            follow_symlinks=follow_symlinks,
        )
    )


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
    out = []
    for r in json.loads(_kubeharden.rules()):
        r["severity"] = _SEVERITY_BY_NAME[r["severity"]]
        r["references"] = tuple(r["references"])
        r["peers"] = tuple(r["peers"])
        out.append(Rule(**r))
    return out


class AuditContainer(TypedDict):
    """A container of a running pod, as the audit names it."""

    namespace: str
    pod: str
    container: str
    container_kind: str
    """``container``, ``init container`` or ``ephemeral container``."""
    workload: str
    """``Deployment/web``, ``StatefulSet/db``..., ``Pod/<name>`` for a bare pod."""


class AuditRegistryImage(TypedDict):
    """What ``registry=True`` fetched for one image, or why it could not."""

    image: str
    used: Optional[str]
    """``running digest`` (``status.containerStatuses[].imageID``), ``reference digest`` or ``tag``."""
    digest: Optional[str]
    platform: Optional[str]
    cached: bool
    error_kind: Optional[str]
    """``denied``, ``not-found``, ``timeout``, ``unreachable``, ``tls``, ``malformed``..."""
    error: Optional[str]


class _AuditImageAgeBase(TypedDict):
    image: str
    created: Optional[str]
    age_days: Optional[int]
    digest: Optional[str]
    metadata: Optional[str]
    matched_by: Optional[str]
    containers: list[AuditContainer]


class AuditImageAge(_AuditImageAgeBase, total=False):
    """An image in use and its age; ``registry`` only with ``registry=True``."""

    registry: AuditRegistryImage


class AuditRootContainer(AuditContainer):
    """A container that runs, or may run, as root, and why."""

    reason: str


class AuditMissingLimits(AuditContainer):
    """A container without CPU or memory limits."""

    missing: list[str]


class AuditError(TypedDict):
    """An input the audit could not read."""

    source: str
    line: Optional[int]
    message: str


class _AuditReportBase(TypedDict):
    version: int
    now: Optional[str]
    pods: int
    containers: int
    skipped: int
    image_age: list[AuditImageAge]
    privileged: list[AuditContainer]
    running_as_root: list[AuditRootContainer]
    missing_limits: list[AuditMissingLimits]
    errors: list[AuditError]
    max_image_age_days: int


class AuditReport(_AuditReportBase, total=False):
    """The audit, exactly as ``kubeharden audit --format json`` writes it;
    ``images_unreachable`` only with ``registry=True``."""

    images_unreachable: int


def audit(
    pods: Union[str, Mapping[str, Any]],
    *,
    images: Optional[Mapping[str, str]] = None,
    registry: bool = False,
    platform: str = "linux/amd64",
    insecure_registries: Sequence[str] = (),
    registry_ca: Sequence[StrPath] = (),
    cache: bool = True,
    timeout: int = 30,
    concurrency: int = 8,
    now: Optional[NowLike] = None,
    max_image_age_days: int = 90,
) -> AuditReport:
    """The weekly audit of ``kubectl get pods -A -o json`` (its text or the parsed dict): image
    age, privileged containers, containers running as root, missing limits — the report of
    ``kubeharden audit --format json``.

    ``images`` maps names to image metadata texts (``skopeo inspect`` or ``docker inspect`` JSON).
    With ``registry=True`` every image's manifest and config is fetched from its registry (the
    digest its pods run when they report one), with the Docker config's credentials, HTTPS except
    for ``insecure_registries`` (``host:port``), extra CA files ``registry_ca``, the cache under
    the user's cache directory unless ``cache=False``; the GIL is released meanwhile. An image that
    cannot be fetched has ``image_age[i]["registry"]["error"]`` and is counted in
    ``images_unreachable``.

    Raises :class:`ParseError` when ``pods`` is not a list of pods and :class:`RequestError` for
    a bad ``now``, platform, CA file or Docker config.
    """
    text = pods if isinstance(pods, str) else json.dumps(pods, default=_json_default)
    report: AuditReport = json.loads(
        _kubeharden.audit(
            text,
            list((images or {}).items()),
            _now(now),
            max_image_age_days,
            registry,
            platform,
            list(insecure_registries),
            [os.fsdecode(p) for p in registry_ca],
            cache,
            timeout,
            concurrency,
        )
    )
    return report
