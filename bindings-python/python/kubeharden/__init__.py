"""kubeharden: the container-security checklist as typed, tested rules, checked from Python.

>>> import kubeharden
>>> report = kubeharden.scan({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
...     "spec": {"containers": [{"name": "app", "image": "nginx",
...                              "securityContext": {"privileged": True}}]}})
>>> [f.name for f in report.findings if f.severity >= kubeharden.Severity.CRITICAL]
['privileged-container']

Every check runs in the Rust core (the same code as the ``kubeharden`` command); this package
only converts values. A report stays in the core until it is read: its findings become frozen
dataclasses on first access, and ``to_json``/``to_sarif``/``to_text`` are the core's renderings.

Errors: ``scan``, ``pss``, ``netpol`` and ``audit`` of one input raise :class:`ParseError` when it cannot
be read (a syntax error, bytes that are not UTF-8, a document that is no Kubernetes object),
unless ``strict=False``; ``scan_paths`` never raises for a bad file and reports it in
:attr:`Report.errors`, as the command does. A bad configuration raises :class:`ConfigError`; a
bad ``now``, level, version, workload or port raises :class:`RequestError`; an argument of the
wrong type raises ``TypeError``.
"""

from __future__ import annotations

from ._kubeharden import (
    ConfigError,
    KubehardenError,
    ParseError,
    RequestError,
    __version__,
)

# Not `typing.TYPE_CHECKING`: importing typing would be most of a bare import's time. Type
# checkers treat any constant of this name the same way.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._api import (
        AuditContainer,
        AuditFinding,
        AuditFlagged,
        AuditImage,
        AuditMissingLimits,
        AuditRegistryImage,
        AuditReport,
        ConfigLike,
        Edit,
        Finding,
        Fix,
        FixResult,
        InputError,
        InputLike,
        KindLike,
        NetpolPair,
        NetpolReport,
        NetpolRule,
        NetpolSide,
        NetpolWarning,
        NowLike,
        ObjectRef,
        PssObjectResult,
        PssResult,
        PssViolation,
        Report,
        Rule,
        Severity,
        StrPath,
        Summary,
        Ticket,
        Tool,
        audit,
        fix,
        netpol,
        pss,
        rules,
        scan,
        scan_paths,
    )

__all__ = [
    "AuditContainer",
    "AuditFinding",
    "AuditFlagged",
    "AuditImage",
    "AuditMissingLimits",
    "AuditRegistryImage",
    "AuditReport",
    "ConfigError",
    "ConfigLike",
    "Edit",
    "Finding",
    "Fix",
    "FixResult",
    "InputError",
    "InputLike",
    "KindLike",
    "KubehardenError",
    "NetpolPair",
    "NetpolReport",
    "NetpolRule",
    "NetpolSide",
    "NetpolWarning",
    "NowLike",
    "ObjectRef",
    "ParseError",
    "PssObjectResult",
    "PssResult",
    "PssViolation",
    "Report",
    "RequestError",
    "Rule",
    "Severity",
    "StrPath",
    "Summary",
    "Ticket",
    "Tool",
    "__version__",
    "audit",
    "fix",
    "netpol",
    "pss",
    "rules",
    "scan",
    "scan_paths",
]

# Everything else lives in `_api`, imported on first access (PEP 562): the dataclass
# definitions and their imports are most of a bare `import kubeharden`'s time, which every
# `python -m kubeharden` run pays.
_LAZY = frozenset(__all__) - {"ConfigError", "KubehardenError", "ParseError", "RequestError", "__version__"}


if not TYPE_CHECKING:  # type checkers see the imports above, and flag misspelt names

    def __getattr__(name: str) -> Any:
        if name in _LAZY:
            from . import _api

            value = getattr(_api, name)
            globals()[name] = value
            return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
