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
from typing import Any, Literal, Optional, Union

from . import _kubeharden
from ._kubeharden import ParseError

#: A path as ``open`` takes it.
StrPath = Union[str, "os.PathLike[str]", bytes, "os.PathLike[bytes]"]
#: A configuration: a ``.kubeharden.yaml``-shaped mapping, or its YAML text.
ConfigLike = Union[Mapping[str, Any], str]
#: "Now" for date rules: an RFC 3339 string or a datetime (naive ones are local time).
NowLike = Union[str, _dt.datetime]
#: One input: YAML or JSON text (or a Dockerfile), its UTF-8 bytes, a manifest as a mapping, or
#: a list of mappings (one document each).
InputLike = Union[str, bytes, bytearray, Mapping[str, Any], Sequence[Mapping[str, Any]]]
#: What an input is read as: ``"yaml"`` (YAML or JSON documents) or ``"dockerfile"``; ``None``:
#: by the file name, then by the content.
KindLike = Optional[Literal["yaml", "dockerfile"]]


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
class Edit:
    """One text edit: the text from (``line``, ``column``) up to (``end_line``, ``end_column``),
    exclusive, becomes ``content`` (an insertion when both ends are the same). 1-based; columns
    count characters."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


@dataclasses.dataclass(frozen=True)
class Fix:
    """A finding's fix: ``applicability`` ``"safe"`` (cannot change what a working workload does)
    or ``"unsafe"`` (may), what it does, and its edits of the finding's input, applied all or
    nothing (:func:`fix` applies them)."""

    applicability: Literal["safe", "unsafe"]
    message: str
    edits: tuple[Edit, ...]


@dataclasses.dataclass(frozen=True)
class Finding:
    """One rule violated at one place. ``line``/``column`` are 1-based, ``document`` 0-based.

    ``end_line``/``end_column`` (exclusive) say where the field ends, so an editor can underline
    it; ``help`` says what to do in one sentence and ``url`` links the rule's documentation.
    """

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
    end_line: Optional[int] = None
    end_column: Optional[int] = None
    help: Optional[str] = None
    url: Optional[str] = None
    fix: Optional[Fix] = None
    """The change that resolves the finding, when the rule offers one here."""


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
    """Counts of a report; ``by_severity`` has every severity, zeros included. ``objects`` are
    Kubernetes objects; ``dockerfiles`` (with their build ``stages``), ``images`` (image
    metadata) and ``reports`` (Trivy reports) count what else was checked."""

    files: int
    documents: int
    objects: int
    findings: int
    errors: int
    suppressed: int
    dockerfiles: int = 0
    stages: int = 0
    images: int = 0
    reports: int = 0
    by_severity: Mapping[Severity, int] = dataclasses.field(default_factory=dict, hash=False)

    def __reduce__(self) -> tuple[Any, ...]:
        # `by_severity` is read-only (a `MappingProxyType`), which pickle cannot copy as it is.
        fields = [getattr(self, f.name) for f in dataclasses.fields(self)]
        return (_summary, (*fields[:-1], dict(self.by_severity)))


def _summary(files: int, documents: int, objects: int, findings: int, errors: int, suppressed: int,
             dockerfiles: int, stages: int, images: int, reports: int, by_severity: dict[Severity, int]) -> Summary:
    return Summary(files, documents, objects, findings, errors, suppressed, dockerfiles, stages, images, reports,
                   MappingProxyType(by_severity))


@dataclasses.dataclass(frozen=True)
class Ticket:
    """One ticket per distinct problem (rule × object × container), as ``kubeharden scan --format
    tickets`` writes them; ``fingerprint`` stays the same from one run to the next."""

    fingerprint: str
    title: str
    severity: Severity
    markdown: str
    """The ticket body: the title as a heading, where, why and how to fix."""


@dataclasses.dataclass(frozen=True)
class Rule:
    """A rule of the checklist."""

    id: str
    name: str
    severity: Severity
    title: str
    enabled_by_default: bool
    fix: Literal["always", "sometimes", "never"]
    references: tuple[str, ...]
    peers: tuple[str, ...]
    docs: str
    help: str = ""
    url: str = ""


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
            found = self._raw.findings()
            object.__setattr__(self, "_findings", found)
        return found

    @property
    def errors(self) -> tuple[InputError, ...]:
        """The inputs that could not be read, in input order."""
        errors = self._errors
        if errors is None:
            errors = self._raw.errors()
            object.__setattr__(self, "_errors", errors)
        return errors

    @property
    def summary(self) -> Summary:
        """The counts."""
        summary = self._summary
        if summary is None:
            summary = self._raw.summary()
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

    def tickets(self) -> tuple[Ticket, ...]:
        """The core's tickets, most severe first: one per rule × object × container, whatever
        the number of its findings (``kubeharden scan --format tickets`` joins their
        ``markdown``)."""
        return tuple(
            Ticket(t["fingerprint"], t["title"], _SEVERITY_BY_NAME[t["severity"]], t["markdown"])
            for t in json.loads(self._raw.tickets())
        )

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


def _input(function: str, obj: object, filename: Optional[str], kind: KindLike = None) -> list[tuple[str, Any, Optional[str]]]:
    """The one input of ``scan``/``pss``/``netpol`` as the core takes it: ``(name, text or bytes,
    kind)``. Mappings become JSON text (so findings have lines); anything else is a TypeError."""
    name = "<input>" if filename is None else filename
    if isinstance(obj, (str, bytes, bytearray)):
        return [(name, obj, kind)]
    if isinstance(obj, Mapping):
        docs: Sequence[object] = [obj]
    elif isinstance(obj, Sequence):
        docs = obj
    else:
        raise TypeError(f"{function}() takes text, bytes, a mapping or a list of mappings, not {type(obj).__name__}")
    for i, d in enumerate(docs):
        if not isinstance(d, Mapping):
            raise TypeError(f"{function}() takes a list of mappings (manifests), but item {i} is {type(d).__name__}")
    try:
        text = "\n---\n".join(json.dumps(d, indent=2, default=_json_default) for d in docs)
    except RecursionError:
        message = "the object is nested too deeply to convert"
        err = ParseError(f"{name}: {message}")
        err.file, err.message = name, message
        raise err from None
    return [(name, text, kind)]


def scan(
    text_or_obj: InputLike,
    *,
    filename: Optional[str] = None,
    kind: KindLike = None,
    config: Optional[ConfigLike] = None,
    now: Optional[NowLike] = None,
    strict: bool = True,
) -> Report:
    """Checks one input: YAML or JSON text (any number of documents) or a Dockerfile, as ``str``
    or UTF-8 ``bytes``; a manifest as a dict (such as ``ApiClient().sanitize_for_serialization(pod)``);
    or a list of them (one document each).

    ``filename`` names the input in findings (default ``<input>``; a ``.json`` name makes the text
    strict JSON, a Dockerfile's name makes it a Dockerfile). ``kind`` (``"yaml"`` or
    ``"dockerfile"``) says what the input is; by default the name decides, then the content (a
    text that starts with ``FROM``, ``ARG`` or ``# syntax=`` is a Dockerfile). ``config`` is a
    ``.kubeharden.yaml``-shaped mapping or its YAML text. ``now`` (RFC 3339 or a datetime)
    defaults to the current time, as the command does.

    Raises :class:`ParseError` (with ``file``, ``document``, ``line``, ``column``) when the input
    cannot be read, or holds a document that is no Kubernetes object (``"hello"``, a dict without
    ``kind``): never a clean report for what was not understood. With ``strict=False`` such
    problems go to :attr:`Report.errors` instead. Raises ``TypeError`` for other argument types.
    For dicts, lines and columns refer to the JSON text the dict was converted to; ``path`` names
    the field.
    """
    files = _input("scan", text_or_obj, filename, kind)
    return Report(_kubeharden.check_texts(files, config=config, now=_now(now), strict=strict))


@dataclasses.dataclass(frozen=True)
class FixResult:
    """What :func:`fix` did: the fixed ``text`` (the input's text when nothing applied), the
    findings whose fixes were applied (as reported before the fix, with their :class:`Fix`), and
    the check of the fixed text (the findings that remain, with their fixes)."""

    text: str
    applied: tuple[Finding, ...]
    remaining: Report

    @property
    def changed(self) -> bool:
        """Whether any fix was applied."""
        return bool(self.applied)


def fix(
    text_or_obj: InputLike,
    *,
    filename: Optional[str] = None,
    kind: KindLike = None,
    unsafe: bool = False,
    config: Optional[ConfigLike] = None,
    now: Optional[NowLike] = None,
) -> FixResult:
    """Fixes one input as ``kubeharden fix`` fixes a file: the safe fixes (with ``unsafe=True``
    the unsafe ones too) applied as edits of the text, everything else byte for byte, comments
    included; then checked again until nothing changes. The input is as :func:`scan` takes it (a
    mapping becomes JSON text, and the fixed text is JSON). ``config``'s ``fix:`` section gives the
    values fixes cannot know (run-as UID, resource sizes, the Secret's name).

    Raises :class:`ParseError` when the input cannot be read (nothing is fixed in a text that is
    not understood), as :func:`scan` does.
    """
    files = _input("fix", text_or_obj, filename, kind)
    text, applied, remaining = _kubeharden.fix_texts(files, unsafe_fixes=unsafe, config=config, now=_now(now))
    return FixResult(text=text, applied=applied, remaining=Report(remaining))


def scan_paths(
    paths: Union[StrPath, Iterable[StrPath]],
    *,
    config: Optional[ConfigLike] = None,
    now: Optional[NowLike] = None,
    follow_symlinks: bool = False,
) -> Report:
    """Checks files and directories exactly as ``kubeharden scan PATH...`` does: directories
    recursively (``.yaml``, ``.yml``, ``.json``, Dockerfiles by name; hidden entries skipped;
    symbolic links followed only with ``follow_symlinks``), ``-`` for standard input. Files are
    read and checked in Rust, in parallel, with the GIL released. A file that cannot be read is
    reported in :attr:`Report.errors`, never raised, and files that hold no Kubernetes object (a
    chart's ``values.yaml``) are skipped, as the command does.
    """
    items: Iterable[StrPath]
    if isinstance(paths, (str, bytes, os.PathLike)):
        items = [paths]
    else:
        items = paths
    return Report(
        _kubeharden.check_paths(
            [os.fsdecode(p) for p in items],
            config=config,
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
    """Pod Security Standards results at one level and version, one per pod-bearing object;
    ``errors`` lists the inputs that could not be read (with ``strict=False``)."""

    level: str
    version: str
    results: tuple[PssObjectResult, ...]
    errors: tuple[InputError, ...] = ()
    # files that are none of kubeharden's inputs, left out; always empty here (the functions
    # report them as input errors), present as in the command line's JSON
    skipped: tuple[InputError, ...] = ()

    @property
    def allowed(self) -> bool:
        """Whether every object is allowed."""
        return all(r.allowed for r in self.results)


def pss(
    obj: InputLike,
    level: str = "restricted",
    version: str = "latest",
    *,
    filename: Optional[str] = None,
    strict: bool = True,
) -> PssResult:
    """Evaluates the Pod Security Standards exactly as Pod Security Admission does, at ``level``
    (``baseline``, ``restricted`` or ``privileged``) and ``version`` (``latest`` or ``v1.N``), for
    every pod-bearing object of ``obj`` (text, bytes, a dict or a list of dicts; controllers are
    judged by the pods they would create).

    Raises :class:`ParseError` when the input cannot be read or holds something other than
    Kubernetes objects (with ``strict=False``: :attr:`PssResult.errors`), and
    :class:`RequestError` for an unknown level or version.
    """
    result: PssResult = _kubeharden.check_pss(_input("pss", obj, filename), level=level, version=version, strict=strict)
    return result


@dataclasses.dataclass(frozen=True)
class NetpolRule:
    """A NetworkPolicy rule that allows a pair."""

    policy: str
    """The NetworkPolicy, ``namespace/name``."""
    rule: str
    """The rule: ``ingress[0]``, ``egress[1]``."""
    peer: Optional[int]
    """Index of the matching peer in the rule's ``from``/``to``; ``None``: the rule has no peers."""
    peer_description: str
    """The peer in words: ``from[0]``, ``ipBlock 10.0.0.0/8``, ``any source``."""
    ports: str
    """The ports this rule allows for the pair."""


@dataclasses.dataclass(frozen=True)
class NetpolSide:
    """One side of a path: the source's egress or the destination's ingress."""

    governed: bool
    """Whether NetworkPolicies govern this side (``False`` for ``external``)."""
    isolated: bool
    """Whether a NetworkPolicy selects the pod for this direction (if none does, all is allowed)."""
    isolated_by: tuple[str, ...]
    ports: str
    """Every port this side allows for the pair."""
    allowed_by: tuple[NetpolRule, ...]
    """The rules that allow the pair (on the port asked, if any)."""


@dataclasses.dataclass(frozen=True)
class NetpolPair:
    """Whether traffic from one endpoint to another is allowed, on which ports, by which rules."""

    from_: str
    """The source endpoint: ``Kind/namespace/name`` or ``external``."""
    to: str
    from_index: int
    """The source's index in :attr:`NetpolReport.workloads`."""
    to_index: int
    allowed: bool
    """Both the source's egress and the destination's ingress allow it (on the port asked)."""
    ports: str
    """With a port asked: that port (``8080/TCP``) or why it cannot be resolved; otherwise every
    port both sides allow (``80/TCP, 443/TCP``, ``all ports``, ``none``)."""
    all_ports: bool
    egress: NetpolSide
    ingress: NetpolSide


@dataclasses.dataclass(frozen=True)
class NetpolWarning:
    """A part of a NetworkPolicy the API server would reject: it matches nothing."""

    file: str
    document: int
    line: int
    column: int
    policy: str
    message: str


@dataclasses.dataclass(frozen=True)
class NetpolReport:
    """Offline NetworkPolicy reachability: the pair asked about, a row (``from_`` only), a column
    (``to`` only) or the matrix, on ``port`` or on every port."""

    workloads: tuple[str, ...]
    """Every endpoint: ``Kind/namespace/name`` of each workload, in input order, then ``external``."""
    scope: Literal["pair", "row", "column", "matrix"]
    from_: Optional[str]
    to: Optional[str]
    port: Optional[str]
    pairs: tuple[NetpolPair, ...]
    errors: tuple[InputError, ...] = ()
    warnings: tuple[NetpolWarning, ...] = ()
    notes: tuple[str, ...] = ()
    # always empty here, as in PssResult
    skipped: tuple[InputError, ...] = ()

    @property
    def allowed(self) -> bool:
        """Whether every pair asked about is allowed."""
        return all(p.allowed for p in self.pairs)


def netpol(
    obj: InputLike,
    *,
    from_: Optional[str] = None,
    to: Optional[str] = None,
    port: Union[str, int, None] = None,
    filename: Optional[str] = None,
    strict: bool = True,
) -> NetpolReport:
    """Which workloads of ``obj`` (text, bytes, a dict or a list of dicts: workloads, Namespaces
    and NetworkPolicies) may reach which, offline, as Kubernetes' NetworkPolicy semantics say.
    ``from_`` and ``to`` name workloads (``name``, ``namespace/name``, ``Kind/namespace/name`` or
    ``external``): both give one pair, one gives a row or a column, neither the whole matrix.
    ``port`` is ``8080``, ``"8080/UDP"`` or a port name of the destination (``"http"``).

    Raises :class:`RequestError` for a workload that is not in the input (or is ambiguous) or a
    bad port, and :class:`ParseError` when the input cannot be read or holds something other than
    Kubernetes objects (with ``strict=False``: :attr:`NetpolReport.errors`).
    """
    files = _input("netpol", obj, filename)
    asked = None if port is None else str(port)
    result: NetpolReport = _kubeharden.check_netpol(files, from_=from_, to=to, port=asked, strict=strict)
    return result


@dataclasses.dataclass(frozen=True)
class AuditContainer:
    """A container of a running pod, as the audit names it."""

    namespace: str
    pod: str
    container: str
    container_kind: str
    """``container``, ``init container`` or ``ephemeral container``."""
    workload: str
    """What owns the pod: ``Deployment/web``, ``StatefulSet/db``..., ``Pod/<name>`` for a bare pod."""

    @property
    def pod_path(self) -> str:
        """``namespace/pod``."""
        return f"{self.namespace}/{self.pod}"


@dataclasses.dataclass(frozen=True)
class AuditFinding:
    """A rule finding behind an audit entry: what ``scan`` reports for the pod (``path`` is
    relative to the pod, ``line``/``column`` are in the pods input)."""

    rule: str
    severity: Severity
    message: str
    document: Optional[int]
    line: Optional[int]
    column: Optional[int]
    path: Optional[str]
    fingerprint: str
    # where the field ends, as in Finding (absent from reports written before they were kept)
    end_line: Optional[int] = None
    end_column: Optional[int] = None


@dataclasses.dataclass(frozen=True)
class AuditFlagged(AuditContainer):
    """A container that rules flag (privileged, running as root), with their findings."""

    findings: tuple[AuditFinding, ...]

    @property
    def reason(self) -> str:
        """The findings' messages, joined by ``; ``."""
        return "; ".join(f.message for f in self.findings)


@dataclasses.dataclass(frozen=True)
class AuditMissingLimits(AuditContainer):
    """A container without some resource limits (``missing``: ``cpu``, ``memory``)."""

    missing: tuple[str, ...]
    findings: tuple[AuditFinding, ...]


@dataclasses.dataclass(frozen=True)
class AuditRegistryImage:
    """What ``registry=True`` fetched for one image in use, or why it could not: an image with an
    ``error`` has an unknown age, never a young one."""

    image: str
    used: Optional[str]
    """What identified the image fetched: ``running digest`` (``status.containerStatuses[].imageID``),
    ``reference digest`` or ``tag``."""
    digest: Optional[str]
    """The digest fetched (of the index, for a multi-platform image)."""
    platform: Optional[str]
    """The platform picked from a multi-platform index."""
    metadata: Optional[str]
    """The name of the metadata it gave (:attr:`AuditImage.metadata`)."""
    cached: bool
    """Whether the manifests and the config came from the cache."""
    error_kind: Optional[str]
    """``denied``, ``not-found``, ``timeout``, ``unreachable``, ``tls``, ``malformed``..."""
    error: Optional[str]


@dataclasses.dataclass(frozen=True)
class AuditImage:
    """An image in use and its age (unknown when no metadata matches)."""

    image: str
    """The reference as the pod spec writes it."""
    created: Optional[str]
    age_days: Optional[int]
    digest: Optional[str]
    metadata: Optional[str]
    """The metadata that matched (a file name, or ``registry:<repository>@<digest>.json``)."""
    matched_by: Optional[str]
    """``digest``, ``tag`` or ``repository``."""
    containers: tuple[AuditContainer, ...]
    finding: Optional[Finding] = None
    """The ``image-too-old`` finding of the metadata, when the image is older than the maximum."""
    registry: Optional[AuditRegistryImage] = None
    """With ``registry=True``: what was fetched, or why not."""


@dataclasses.dataclass(frozen=True)
class AuditReport:
    """The weekly audit: the report of ``kubeharden audit --format json`` (version 2), whose
    fields it has; :meth:`from_json` reads that JSON."""

    version: int
    now: Optional[str]
    file: str
    pods: int
    containers: int
    skipped: int
    """Objects of the list that are not pods."""
    suppressed: int
    """Findings removed by ``kubeharden.io/ignore.*`` annotations."""
    image_age: tuple[AuditImage, ...]
    """Images in use, oldest first, unknown ages last."""
    privileged: tuple[AuditFlagged, ...]
    running_as_root: tuple[AuditFlagged, ...]
    missing_limits: tuple[AuditMissingLimits, ...]
    errors: tuple[InputError, ...]
    max_image_age_days: int
    images_unreachable: Optional[int] = None
    """With ``registry=True``: how many images could not be fetched (``None`` without)."""

    @staticmethod
    def from_json(text: str, filename: str = "<audit>") -> AuditReport:
        """Reads the JSON of ``kubeharden audit --format json``; raises :class:`ParseError` when it
        is not an audit of this version."""
        report: AuditReport = _kubeharden.audit_from_json(filename, text)
        return report


def audit(
    pods: InputLike,
    *,
    images: Optional[Mapping[str, Union[str, bytes, bytearray]]] = None,
    filename: Optional[str] = None,
    now: Optional[NowLike] = None,
    max_image_age_days: int = 90,
    strict: bool = True,
    registry: bool = False,
    platform: str = "linux/amd64",
    insecure_registry: Iterable[str] = (),
    registry_ca: Iterable[StrPath] = (),
    no_cache: bool = False,
    registry_timeout: int = 30,
    registry_concurrency: int = 8,
) -> AuditReport:
    """The weekly audit of ``kubectl get pods -A -o json`` (its text, bytes, or the parsed dict):
    image age, privileged containers, containers running as root, missing limits, as
    ``kubeharden audit`` reports them (:meth:`AuditReport.from_json` reads the command's JSON into
    the same value).

    ``images`` maps names to image metadata texts (``skopeo inspect`` or ``docker inspect`` JSON,
    Trivy reports). With ``registry=True`` every image's manifest and config is fetched from its
    registry, as ``kubeharden audit --registry`` does: the digest its pods run when they report
    one; the platform of their ``nodeSelector``, else ``platform``; the Docker config's
    credentials; HTTPS except for ``insecure_registry`` hosts (``host:port``), extra CA files
    ``registry_ca``; the cache under the user's cache directory unless ``no_cache``;
    ``registry_timeout`` seconds a request, ``registry_concurrency`` images at once (the options
    of the command, by the same names). The GIL is released meanwhile.
    An image that cannot be fetched has :attr:`AuditImage.registry` with its ``error`` and no age,
    and is counted in :attr:`AuditReport.images_unreachable`.

    Raises :class:`ParseError` when the pods (before anything is fetched) or a metadata text
    cannot be read (with ``strict=False``: :attr:`AuditReport.errors`), :class:`RequestError` for a
    bad ``now``, platform, CA file or Docker config.
    """
    (pods_file,) = _input("audit", pods, filename)
    files: list[tuple[str, Union[str, bytes, bytearray], Optional[str]]] = [
        (name, text, None) for name, text in (images or {}).items()
    ]
    report: AuditReport = _kubeharden.audit(
        pods_file,
        files,
        now=_now(now),
        max_image_age_days=max_image_age_days,
        strict=strict,
        registry=registry,
        platform=platform,
        insecure_registry=list(insecure_registry),
        registry_ca=[os.fsdecode(p) for p in registry_ca],
        no_cache=no_cache,
        registry_timeout=registry_timeout,
        registry_concurrency=registry_concurrency,
    )
    return report


def rules() -> list[Rule]:
    """Every rule of the checklist, sorted by id."""
    return list(_kubeharden.rules())


#: The dataclasses (and enums) that the compiled core's results become, by the name of the Rust
#: type: the one conversion (``src/convert.rs``) builds them from the core's values.
_RUST_TYPES: dict[str, type] = {
    "Finding": Finding,
    "Fix": Fix,
    "Edit": Edit,
    "ObjectRef": ObjectRef,
    "InputError": InputError,
    "Summary": Summary,
    "Severity": Severity,
    "RuleInfo": Rule,
    "PssReport": PssResult,
    "PssResult": PssObjectResult,
    "PssViolation": PssViolation,
    "NetpolReport": NetpolReport,
    "NetpolPair": NetpolPair,
    "NetpolSide": NetpolSide,
    "NetpolRule": NetpolRule,
    "NetpolWarning": NetpolWarning,
    "AuditReport": AuditReport,
    "ImageAge": AuditImage,
    "RegistryImage": AuditRegistryImage,
    "ContainerRef": AuditContainer,
    "Flagged": AuditFlagged,
    "MissingLimits": AuditMissingLimits,
    "AuditFinding": AuditFinding,
}
