"""The read policy: every file access of an evaluation goes through its I/O object.

Each sandbox case of issue 17 that lives in the evaluator: denied, with the
one message (or, for existence checks, answered as if nothing were there).
"""

from __future__ import annotations

import ast
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from evaluator.api import Evaluator
from evaluator.io import EvalIO, ReadPolicy, forbidden_message
from evaluator.vm.context import EvalContext, current
from evaluator.vm.errors import NixError

EVALUATOR = Path(__file__).resolve().parents[2] / "evaluator"
PASSWD = "/etc/passwd"


def _ctx(policy: ReadPolicy) -> EvalContext:
    return EvalContext(io=EvalIO(policy))


def _eval(expr: str, policy: ReadPolicy, base_dir: Path) -> Any:
    return Evaluator(_ctx(policy)).eval_source(expr, base_dir=str(base_dir), strict=True)


def _denied(expr: str, policy: ReadPolicy, base_dir: Path) -> str:
    with pytest.raises(NixError) as info:
        _eval(expr, policy, base_dir)
    return info.value.message


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "data.txt").write_text("inside\n")
    (ws / "lib.nix").write_text("{ x = 1; }\n")
    (tmp_path / "secret.nix").write_text("{ password = 42; }\n")
    (tmp_path / "secret.txt").write_text("secret\n")
    return ws


def test_reads_inside_the_roots_work(workspace: Path) -> None:
    policy = ReadPolicy.restricted(roots=[str(workspace)])
    assert _eval("builtins.readFile ./data.txt", policy, workspace) == "inside\n"
    assert _eval("(import ./lib.nix).x", policy, workspace) == 1
    assert _eval("builtins.pathExists ./data.txt", policy, workspace) is True


@pytest.mark.parametrize(
    "expr, denied",
    [
        ("builtins.readFile ../secret.txt", "secret.txt"),
        ("(import ../secret.nix).password", "secret.nix"),
        ("builtins.readDir ../.", ""),
        ('builtins.hashFile "sha256" ../secret.txt', "secret.txt"),
        ('"${../secret.txt}"', "secret.txt"),
        ("builtins.path { path = ../secret.txt; }", "secret.txt"),
        ("builtins.filterSource (p: t: true) ../.", ""),
        ("scopedImport {} ../secret.nix", "secret.nix"),
        ('builtins.readFile "/etc/passwd"', None),
    ],
)
def test_reads_outside_the_roots_are_denied_with_the_message(
    workspace: Path, expr: str, denied: str | None
) -> None:
    policy = ReadPolicy.restricted(roots=[str(workspace)])
    path = PASSWD if denied is None else str(workspace.parent / denied).rstrip("/")
    assert forbidden_message(path) in _denied(expr, policy, workspace)


def test_a_symlink_out_of_the_workspace_is_outside(workspace: Path) -> None:
    (workspace / "link.txt").symlink_to(workspace.parent / "secret.txt")
    policy = ReadPolicy.restricted(roots=[str(workspace)])
    message = _denied("builtins.readFile ./link.txt", policy, workspace)
    assert message == forbidden_message(str(workspace / "link.txt"))
    assert _eval("builtins.readFile ./link.txt", ReadPolicy.anywhere(), workspace) == "secret\n"


def test_a_lone_file_reads_itself_not_its_directory(workspace: Path) -> None:
    lone = workspace / "lone.nix"
    lone.write_text(
        "{ me = builtins.readFile ./lone.nix; other = builtins.readFile ./data.txt; }\n"
    )
    policy = ReadPolicy.restricted(files=[str(lone)])
    ev = Evaluator(_ctx(policy))
    value = ev.eval_file(str(lone))
    assert ev.force(value["me"]).startswith("{ me =")
    with pytest.raises(NixError) as info:
        ev.force(value["other"])
    assert info.value.message == forbidden_message(str(workspace / "data.txt"))
    assert _eval("builtins.pathExists ./data.txt", policy, workspace) is False
    assert forbidden_message(str(workspace)) in _denied("builtins.readDir ./.", policy, workspace)


def test_a_lone_file_at_the_filesystem_root_cannot_read_etc() -> None:
    # The case of issue 17: a file at `/` made `/` the read root.
    policy = ReadPolicy.restricted(files=["/lone.nix"])
    assert not policy.allows(PASSWD)
    message = _denied(f"builtins.readFile {PASSWD}", policy, Path("/"))
    assert message == forbidden_message(PASSWD)
    # The settings may still allow more.
    assert ReadPolicy.restricted(roots=["/etc"], files=["/lone.nix"]).allows(PASSWD)


def test_path_exists_reveals_nothing_outside(workspace: Path) -> None:
    policy = ReadPolicy.restricted(roots=[str(workspace)])
    assert _eval(f"builtins.pathExists {PASSWD}", ReadPolicy.anywhere(), workspace) is True
    assert _eval(f"builtins.pathExists {PASSWD}", policy, workspace) is False
    assert _eval("builtins.pathExists ../secret.txt", policy, workspace) is False


def test_find_file_reveals_nothing_outside(workspace: Path) -> None:
    search = '[ { prefix = ""; path = "/etc"; } ]'
    found = _eval(f'builtins.findFile {search} "passwd"', ReadPolicy.anywhere(), workspace)
    assert found.path == PASSWD
    policy = ReadPolicy.restricted(roots=[str(workspace)])
    # An existing and a missing file outside answer alike.
    existing = _denied(f'builtins.findFile {search} "passwd"', policy, workspace)
    missing = _denied(f'builtins.findFile {search} "no-such-file-here"', policy, workspace)
    assert existing == missing.replace("no-such-file-here", "passwd")
    assert "was not found in the Nix search path" in existing


def _with_timeout(fn: Any, seconds: float = 10.0) -> Any:
    """Run ``fn`` on a thread; fail (rather than hang the suite) if it blocks."""
    result: list[Any] = []

    def target() -> None:
        try:
            result.append(fn())
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            result.append(e)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the read blocked"
    return result[0]


@pytest.mark.parametrize(
    "expr",
    [
        "builtins.readFile ./fifo",
        "import ./fifo",
        'builtins.hashFile "sha256" ./fifo',
        "builtins.path { path = ./fifo; recursive = false; }",
    ],
)
def test_fifos_are_refused_before_they_block(workspace: Path, expr: str) -> None:
    os.mkfifo(workspace / "fifo")
    policy = ReadPolicy.restricted(roots=[str(workspace)])
    error = _with_timeout(lambda: _eval(expr, policy, workspace))
    assert isinstance(error, NixError), error
    assert f"cannot read '{workspace / 'fifo'}': it is not a regular file" in error.message


def test_devices_are_refused(workspace: Path) -> None:
    error = _with_timeout(
        lambda: _eval("builtins.readFile /dev/zero", ReadPolicy.anywhere(), workspace)
    )
    assert isinstance(error, NixError), error
    assert "cannot read '/dev/zero': it is not a regular file" in error.message


def test_no_context_reads_nothing() -> None:
    # Outside an evaluation, `current()` must not hand out a context that reads anything.
    done: list[EvalContext] = []
    thread = threading.Thread(target=lambda: done.append(current()))
    thread.start()
    thread.join()
    assert not done[0].io.allows(PASSWD)
    assert done[0].getenv("HOME") == ""


# Modules allowed to touch the file system directly: the I/O object itself, the
# NAR walk below a root it has checked, the parser's table loader, and the
# memory bound reading the process's own resident size (/proc/self/statm).
# cache/store.py: the compile cache's own directory, never a file an evaluation reads.
_RAW_IO_ALLOWED = {
    "io.py",
    "store/nar.py",
    "syntax/tables.py",
    "vm/memory.py",
    "cache/store.py",
}
_RAW_CALLS = {
    "open",
    "os.open",
    "os.scandir",
    "os.listdir",
    "os.lstat",
    "os.stat",
    "os.readlink",
    "os.path.exists",
    "os.path.lexists",
    "os.path.isdir",
    "os.path.isfile",
}


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return _dotted(node.value) + "." + node.attr
    return ""


def test_every_file_access_goes_through_the_io_object() -> None:
    found = []
    for path in sorted(EVALUATOR.rglob("*.py")):
        rel = path.relative_to(EVALUATOR).as_posix()
        if rel in _RAW_IO_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and _dotted(node.func) in _RAW_CALLS:
                found.append(f"{rel}:{node.lineno}: {_dotted(node.func)}")
    assert not found, found
