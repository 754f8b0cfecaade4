"""C++ Nix 2.26's language suite run against nixls, in-process.

The same commands, environment and comparisons as
``tests/data/conformance/run_lang_suite.py`` (which follows upstream's
``tests/functional/lang.sh``), but calling ``nixls eval`` / ``nixls parse``
as functions instead of starting one process per test: a scratch root
holds a real copy of the suite named ``lang/`` and is the working
directory; the root's absolute path reads ``/pwd`` in outputs.

Each test gets two verdicts: ``status`` (the exit status is right) and
``exact`` (the compared outputs are byte-identical too).
"""

from __future__ import annotations

import io
import os
import shlex
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass
from pathlib import Path

from nixls.cli import eval_cmd, parse_cmd

SUITE = Path(__file__).resolve().parents[1] / "data" / "conformance" / "nix-2.26-lang"
KINDS = ("parse-okay", "parse-fail", "eval-okay", "eval-fail")


@dataclass
class Verdict:
    """What one test did: exit status, outputs, and the two verdicts."""

    name: str
    kind: str
    rc: int
    out: str
    err: str
    status: bool
    exact: bool


def case_names() -> list[str]:
    """Every test of the suite (those upstream runs), sorted."""
    names = []
    for p in SUITE.glob("*.nix"):
        parts = p.stem.split("-")
        if parts[0] in ("parse", "eval") and parts[1:2] in (["okay"], ["fail"]):
            if not (SUITE / f"{p.stem}.exp-disabled").exists():
                names.append(p.stem)
    return sorted(names)


def make_root(root: Path) -> None:
    """Prepare a scratch root: ``lang/`` (a real copy, symlinks kept), ``etc/``."""
    shutil.copytree(SUITE, root / "lang", symlinks=True)
    (root / "etc").mkdir()


def environment(root: Path) -> dict[str, str]:
    """The environment of every command (as the runner sets it)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "NIX_REMOTE": "dummy://",
        "NIX_STORE_DIR": "/nix/store",
        "TEST_VAR": "foo",
        "HOME": str(root / "home"),
        "NIX_CONF_DIR": str(root / "etc"),
        "NIX_STATE_DIR": str(root / "var/nix"),
        "NIX_LOCALSTATE_DIR": str(root / "var"),
        "NIX_LOG_DIR": str(root / "var/log"),
        "PAGER": "cat",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "_NIX_TEST_NO_ENVIRONMENT_WARNINGS": "1",
        "NIX_CONFIG": "experimental-features = nix-command flakes fetch-tree parse-toml-timestamps",
    }


@contextmanager
def _in(root: Path, env: dict[str, str]) -> Iterator[None]:
    old_cwd, old_env = os.getcwd(), dict(os.environ)
    os.chdir(root)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(old_env)


def _nix_instantiate(
    root: Path, argv: list[str], stdin: bytes | None = None, extra: dict[str, str] | None = None
) -> tuple[str, str, int]:
    """``nix-instantiate ARGV`` as nixls: (stdout, stderr, exit status)."""
    env = dict(environment(root), **(extra or {}))
    out, err = io.BytesIO(), io.StringIO()
    with _in(root, env), redirect_stderr(err):
        try:
            if argv[:1] == ["--parse"]:
                rc = parse_cmd.main(argv[1:], io.BytesIO(stdin or b""), out, err)
            else:
                rc = eval_cmd.main(argv, out, err, env)
        except SystemExit as exc:  # argparse: an option nixls does not know
            rc = exc.code if isinstance(exc.code, int) else 2
    text = out.getvalue().decode("utf-8", "replace")
    return text.replace(str(root), "/pwd"), err.getvalue().replace(str(root), "/pwd"), rc


def _read(name: str) -> str | None:
    p = SUITE / name
    return p.read_text(encoding="utf-8", errors="replace") if p.exists() else None


def run_case(root: Path, name: str) -> Verdict:
    """Run one test of the suite the way upstream's lang.sh does."""
    kind = "-".join(name.split("-")[:2])
    flags_txt = _read(f"{name}.flags")
    if kind.startswith("parse"):
        out, err, rc = _nix_instantiate(
            root, ["--parse", "-"], (SUITE / f"{name}.nix").read_bytes()
        )
        if kind == "parse-fail":
            status = rc == 1
            exact = status and err == (_read(f"{name}.err.exp") or "")
        else:
            status = rc == 0
            exp = _read(f"{name}.exp")
            exact = (
                status and (exp is None or out == exp) and err == (_read(f"{name}.err.exp") or "")
            )
    elif kind == "eval-fail":
        flags = (
            shlex.split("\n".join(line.split("#")[0] for line in flags_txt.splitlines()))
            if flags_txt
            else ["--eval", "--strict", "--show-trace"]
        )
        out, err, rc = _nix_instantiate(root, [*flags, f"lang/{name}.nix"])
        status = rc == 1
        exact = status and err == (_read(f"{name}.err.exp") or "")
    elif _read(f"{name}.exp.xml") is not None:
        argv = ["--eval", "--xml", "--no-location", "--strict", f"lang/{name}.nix"]
        out, err, rc = _nix_instantiate(root, argv)
        status = rc == 0
        exact = status and out == _read(f"{name}.exp.xml")
    else:
        flags = shlex.split(flags_txt.splitlines()[0]) if flags_txt else []
        extra = {"NIX_PATH": "lang/dir3:lang/dir4", "HOME": "/fake-home"}
        out, err, rc = _nix_instantiate(
            root, [*flags, "--eval", "--strict", f"lang/{name}.nix"], None, extra
        )
        status = rc == 0
        exp, err_exp = _read(f"{name}.exp"), _read(f"{name}.err.exp")
        exact = status and (exp is None or out == exp) and (err_exp is None or err == err_exp)
    return Verdict(name, kind, rc, out, err, status, bool(exact))


def reference() -> dict[str, tuple[bool, bool]]:
    """What C++ Nix 2.26.3 did: name -> (status ok, exact)."""
    rows = {}
    for line in (SUITE / "REFERENCE-2.26.3.tsv").read_text().splitlines()[1:]:
        cols = line.split("\t")
        rows[cols[0]] = (cols[2] == "1", cols[3] == "1")
    return rows


def summary(results: list[Verdict]) -> list[str]:
    """Per-kind totals, the total, then every test that is not byte-exact."""
    lines = []
    for kind in KINDS:
        rs = [r for r in results if r.kind == kind]
        lines.append(
            f"{kind}: {len(rs)} tests, {sum(r.status for r in rs)} status-ok, "
            f"{sum(r.exact for r in rs)} exact"
        )
    lines.append(
        f"total: {len(results)} tests, {sum(r.status for r in results)} status-ok, "
        f"{sum(r.exact for r in results)} exact"
    )
    for r in results:
        if not r.exact:
            lines.append(f"  {'status-ok' if r.status else 'FAILED   '} {r.name}")
    return lines
