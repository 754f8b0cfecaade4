"""The eval tests of C++ Nix 2.8's language suite, run as upstream runs them.

As ``tests/data/conformance/README.md`` describes: a scratch ``$TEST_ROOT``
holds a real copy of the suite named ``lang/``; commands run with that
directory as working directory and the reference environment, e.g.
``NIX_PATH=lang/dir3:lang/dir4 nixls eval $(cat lang/X.flags) --eval
--strict lang/X.nix`` compared byte for byte with ``X.exp``. The commands
run in-process (``nixls.cli.eval_cmd.main``) to keep the suite fast.
"""

from __future__ import annotations

import io
import os
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from nixls.cli import eval_cmd

SUITE = Path(__file__).resolve().parents[1] / "data" / "conformance" / "nix-lang"

RESULTS: dict[str, list[str]] = {"pass": [], "fail": []}


def _cases(prefix: str) -> list[str]:
    if not SUITE.is_dir():
        return []
    return sorted(p.name[: -len(".nix")] for p in SUITE.glob(f"{prefix}*.nix"))


@pytest.fixture(scope="module")
def test_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("nix-lang")
    shutil.copytree(SUITE, root / "lang", symlinks=False)
    (root / "test-home").mkdir()
    (root / "etc").mkdir()
    yield root
    total = len(RESULTS["pass"]) + len(RESULTS["fail"])
    print(f"\nnix-lang eval conformance: {len(RESULTS['pass'])}/{total} passed")
    if RESULTS["fail"]:
        print("failed: " + " ".join(sorted(RESULTS["fail"])))


def _environ(root: Path, nix_path: str | None) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "NIX_REMOTE": "dummy://",
        "TEST_VAR": "foo",
        "HOME": str(root / "test-home"),
        "NIX_CONF_DIR": str(root / "etc"),
        "NIX_STATE_DIR": str(root / "var/nix"),
        "NIX_LOCALSTATE_DIR": str(root / "var"),
        "NIX_LOG_DIR": str(root / "var/log/nix"),
        "PAGER": "cat",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "IMPURE_VAR1": "foo",
        "IMPURE_VAR2": "bar",
    }
    if nix_path is not None:
        env["NIX_PATH"] = nix_path
    return env


def _run(
    root: Path, argv: list[str], nix_path: str | None, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, bytes, str]:
    env = _environ(root, nix_path)
    monkeypatch.chdir(root)
    monkeypatch.setenv("HOME", env["HOME"])
    out = io.BytesIO()
    err = io.StringIO()
    status = eval_cmd.main(argv, out, err, env)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", _cases("eval-okay-"))
def test_eval_okay(name: str, test_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lang = test_root / "lang"
    exp = lang / f"{name}.exp"
    exp_xml = lang / f"{name}.exp.xml"
    if exp.exists():
        flags_file = lang / f"{name}.flags"
        flags = shlex.split(flags_file.read_text()) if flags_file.exists() else []
        argv = [*flags, "--eval", "--strict", f"lang/{name}.nix"]
        status, out, err = _run(test_root, argv, "lang/dir3:lang/dir4", monkeypatch)
        expected = exp.read_bytes()
    elif exp_xml.exists():
        argv = ["--eval", "--xml", "--no-location", "--strict", f"lang/{name}.nix"]
        status, out, err = _run(test_root, argv, None, monkeypatch)
        expected = exp_xml.read_bytes()
    else:
        # No expected output (upstream skips these): it must evaluate.
        argv = ["--eval", "--strict", f"lang/{name}.nix"]
        status, out, err = _run(test_root, argv, "lang/dir3:lang/dir4", monkeypatch)
        expected = None
    ok = status == 0 and (expected is None or out == expected)
    RESULTS["pass" if ok else "fail"].append(name)
    assert status == 0, err
    if expected is not None:
        assert out.decode("utf-8", "replace") == expected.decode("utf-8", "replace")


def _reference_notes() -> dict[str, str]:
    """The error line (``error: MESSAGE``) nix-instantiate 2.26.3 printed for each test.

    ``REFERENCE-2.26.3-eval-fail.tsv`` was recorded with nix226-instantiate in
    the environment of the README: 2.26 is the reference now, and it words
    several of these errors differently from 2.8 (``REFERENCE.tsv``).
    """
    notes = {}
    table = SUITE / "REFERENCE-2.26.3-eval-fail.tsv"
    for line in table.read_text().splitlines()[1:]:
        cols = line.split("\t")
        notes[cols[0]] = cols[1]
    return notes


def error_line(stderr: str) -> str:
    """The ``error: MESSAGE`` line of nix-instantiate's output (after any trace)."""
    lines = [line.strip() for line in stderr.splitlines()]
    found = [line for line in lines if line.startswith("error: ")]
    return found[-1] if found else ""


NOTES = _reference_notes()


@pytest.mark.parametrize("name", _cases("eval-fail-"))
def test_eval_fail(name: str, test_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    status, out, err = _run(test_root, ["--eval", f"lang/{name}.nix"], None, monkeypatch)
    first = error_line(err)
    expected = NOTES[name].replace("$TEST_ROOT", str(test_root))
    ok = status != 0 and first == expected
    RESULTS["pass" if ok else "fail"].append(name)
    assert status != 0
    # The same message as Nix 2.26.3 (REFERENCE-2.26.3-eval-fail.tsv).
    assert first == expected
