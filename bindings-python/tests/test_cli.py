"""`python -m kubeharden` behaves like the native `kubeharden`: same stdout, stderr and exit code
for every subcommand (the module runs the command's own code); the `kubeharden` console script
that pip installs is the same program."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, SELECT

NOW = "2026-11-22T00:00:00Z"
SEL = "--select=" + ",".join(SELECT)


def run(argv: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, cwd=cwd, check=False)


def py(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "kubeharden", *args], cwd)


def console_script() -> Path:
    """The `kubeharden` command pip put beside this interpreter (`[project.scripts]`)."""
    script = Path(sys.executable).parent / "kubeharden"
    assert script.is_file(), f"{script}: the package was installed without its console script"
    return script


CASES = {
    "findings-text": ["scan", str(DATA / "app"), SEL, "--now", NOW, "--color", "never"],
    "findings-json": ["scan", str(DATA / "app"), SEL, "--now", NOW, "--format", "json"],
    "fail-on-never": ["scan", str(DATA / "app"), SEL, "--now", NOW, "--fail-on", "never"],
    "fail-on-critical-ignored": ["scan", str(DATA / "app"), SEL, "--ignore", "POD001", "--fail-on", "critical"],
    "broken": ["scan", str(DATA / "broken"), str(DATA / "app"), SEL, "--now", NOW, "--color", "never"],
    "missing": ["scan", str(DATA / "nope.yaml"), "--now", NOW],
    "config": ["scan", str(DATA / "app"), "--config", str(DATA / "kubeharden-config.yaml"), "--format", "json", "--now", NOW],
    "bad-config": ["scan", str(DATA / "app"), "--config", str(DATA / "app" / "web-deployment.yaml")],
    "missing-config": ["scan", str(DATA / "app"), "--config", str(DATA / "nope.yaml")],
    "directory-config": ["scan", str(DATA / "app"), "--config", str(DATA / "app")],
    "bad-fail-on": ["scan", str(DATA / "app"), "--fail-on", "sometimes"],
    "bad-rule": ["scan", str(DATA / "app"), "--select", "no-such-rule"],
    "clean": ["scan", str(DATA / "app" / "web-deployment.yaml"), SEL],
    "suppressions-off": ["scan", str(DATA / "app"), SEL, "--no-annotation-suppressions", "--format", "json", "--now", NOW],
    "no-paths": ["scan"],
    "sarif": ["scan", str(DATA / "app"), SEL, "--now", NOW, "--format", "sarif"],
    "junit": ["scan", str(DATA / "app"), SEL, "--now", NOW, "--format", "junit"],
    "github": ["scan", str(DATA / "app"), SEL, "--now", NOW, "--format", "github"],
    "rules": ["rules"],
    "rules-json": ["rules", "--format", "json"],
    "explain": ["explain", "privileged-container"],
    "explain-unknown": ["explain", "no-such-rule"],
    "pss": ["pss", str(DATA / "app"), "--level", "restricted"],
    "pss-baseline-json": ["pss", str(DATA / "app"), "--level", "baseline", "--format", "json"],
    "netpol": ["netpol", str(DATA / "app")],
    "version": ["--version"],
    "help": ["--help"],
    "scan-help": ["scan", "--help"],
    "unknown-command": ["frobnicate"],
    "unknown-option": ["scan", str(DATA / "app"), "--no-such-option"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_exit_code_and_stdout_as_native(name: str, native_cli: Path) -> None:
    args = CASES[name]
    ours = py(*args)
    theirs = run([str(native_cli), *args])
    assert ours.returncode == theirs.returncode, (ours.stderr, theirs.stderr)
    assert ours.stdout == theirs.stdout
    assert ours.stderr == theirs.stderr


@pytest.mark.parametrize("name", ["findings-text", "broken", "no-paths", "version", "unknown-command", "rules-json"])
def test_console_script_is_python_m(name: str) -> None:
    args = CASES[name]
    ours, theirs = run([str(console_script()), *args]), py(*args)
    assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr)


def test_tickets_are_the_commands(native_cli: Path) -> None:
    import kubeharden

    report = kubeharden.scan_paths(DATA / "app", config={"select": SELECT}, now=NOW)
    tickets = report.tickets()
    native = run([str(native_cli), "scan", str(DATA / "app"), SEL, "--now", NOW, "--format", "tickets"])
    assert tickets and native.stdout == "\n---\n\n".join(t.markdown for t in tickets)
    assert [t.severity for t in tickets] == sorted((t.severity for t in tickets), reverse=True)
    assert all(t.markdown.startswith(f"## {t.title}\n") and t.fingerprint in t.markdown for t in tickets)


def test_exit_codes() -> None:
    assert py(*CASES["findings-text"]).returncode == 1
    assert py(*CASES["fail-on-never"]).returncode == 0
    assert py(*CASES["clean"]).returncode == 0
    assert py(*CASES["broken"]).returncode == 2
    assert py(*CASES["bad-config"]).returncode == 2
    assert py(*CASES["no-paths"]).returncode == 2
    assert py(*CASES["version"]).returncode == 0
    assert py(*CASES["unknown-command"]).returncode == 2


def test_main_is_callable_with_an_argument_list(capfd: pytest.CaptureFixture[str]) -> None:
    from kubeharden.__main__ import main

    assert main(["explain", "POD001"]) == 0
    out = capfd.readouterr().out
    assert out.startswith("# POD001 privileged-container: ")


def test_reads_the_working_directory_config(tmp_path: Path) -> None:
    (tmp_path / ".kubeharden.yaml").write_text("select: [run-as-non-root]\nfail-on: critical\n")
    out = py("scan", str(DATA / "app"), "--format", "json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert '"POD001"' not in out.stdout and '"POD003"' in out.stdout


def test_unreadable_config_file(tmp_path: Path, native_cli: Path) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"select: [caf\xe9]\n")
    args = ["scan", str(DATA / "app"), "--config", str(bad)]
    ours, theirs = py(*args), run([str(native_cli), *args])
    assert ours.returncode == theirs.returncode == 2
    assert ours.stderr == theirs.stderr
    # The working-directory file, when it exists but cannot be read, is an error too, never the
    # defaults in silence (natively too).
    (tmp_path / ".kubeharden.yaml").write_bytes(b"select: [caf\xe9]\n")
    args = ["scan", str(DATA / "app"), "--format", "json", "--now", "2026-11-22T00:00:00Z"]
    ours, theirs = py(*args, cwd=tmp_path), run([str(native_cli), *args], cwd=tmp_path)
    assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr)
    assert ours.returncode == 2 and ours.stdout == ""
    assert ".kubeharden.yaml" in ours.stderr


def test_stdin(native_cli: Path) -> None:
    text = (DATA / "app" / "worker-cronjob.yaml").read_text()
    args = ["scan", "-", SEL, "--color", "never"]
    ours = subprocess.run([sys.executable, "-m", "kubeharden", *args], input=text, capture_output=True, text=True, check=False)
    theirs = subprocess.run([str(native_cli), *args], input=text, capture_output=True, text=True, check=False)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout)
    assert "<stdin>:18:17: POD001" in ours.stdout


@pytest.mark.parametrize("launcher", ["python -m", "console script"])
def test_ctrl_c_stops_the_command_at_once(launcher: str) -> None:
    import signal
    import time

    command = [sys.executable, "-m", "kubeharden"] if launcher == "python -m" else [str(console_script())]
    # `scan -` blocks reading stdin inside the command's Rust code.
    p = subprocess.Popen([*command, "scan", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # Wait until it blocks in read(0, ...) (Linux: /proc/PID/syscall), i.e. inside the command.
        syscall = Path(f"/proc/{p.pid}/syscall")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and p.poll() is None:
            try:
                if syscall.read_text().startswith("0 0x0 "):
                    break
            except OSError:
                time.sleep(1.0)
                break
            time.sleep(0.02)
        assert p.poll() is None
        p.send_signal(signal.SIGINT)
        assert p.wait(timeout=10) == -signal.SIGINT
    finally:
        p.kill()
        p.communicate()
