"""`nixls eval` and its cache of compiled files, as separate processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from evaluator.cache import codec, store

from .sample import write_sample

ROOT = Path(__file__).resolve().parents[2]


def start(file: Path, attr: str, env: dict[str, str], *flags: str) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "nixls", "eval", "--strict", *flags, str(file), "-A", attr]
    return subprocess.Popen(
        cmd, cwd=file.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def nixls_eval(file: Path, attr: str, env: dict[str, str], *flags: str) -> str:
    out, err = start(file, attr, env, *flags).communicate(timeout=300)
    assert err == ""
    return out


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "NIX_PATH")}
    env.update(PYTHONPATH=str(ROOT), HOME=str(home), **extra)
    return env


def test_concurrent_writers_leave_a_valid_cache(tmp_path: Path) -> None:
    file = write_sample(tmp_path / "src", parts=5)
    cache = tmp_path / "cache"
    env = environment(tmp_path, XDG_CACHE_HOME=str(cache))
    attrs = [f"part{i}" for i in range(5)]
    expected = {a: nixls_eval(file, a, env, "--no-eval-cache") for a in attrs}
    assert not cache.exists()
    # Five processes write the same entries at the same time, twice over.
    for _ in range(2):
        procs = {a: start(file, a, env) for a in attrs}
        for attr, proc in procs.items():
            out, err = proc.communicate(timeout=300)
            assert (out, err) == (expected[attr], "")
    folder = cache / "nixls" / "compiled"
    stored = sorted(p for p in folder.iterdir() if p.name != store.LEDGER)
    assert [p.suffix for p in stored] == [".nxc", ".nxc"]  # no temporary file left
    # Every writer's record is whole (appended in one write each).
    assert all(line.isdigit() for line in (folder / store.LEDGER).read_text().splitlines())
    for entry in stored:
        codec.read_raw(entry.read_bytes(), entry.stem)
    for attr in attrs:
        assert nixls_eval(file, attr, env) == expected[attr]


def test_opting_out_writes_nothing(tmp_path: Path) -> None:
    file = write_sample(tmp_path / "src")
    cache = tmp_path / "cache"
    env = environment(tmp_path, XDG_CACHE_HOME=str(cache))
    expected = nixls_eval(file, "part1", env, "--no-eval-cache")
    assert not cache.exists()
    (file.parent / "nixls.toml").write_text("[eval]\ncompileCache = false\n", encoding="utf-8")
    assert nixls_eval(file, "part1", env) == expected
    assert not cache.exists()
    (file.parent / "nixls.toml").write_text("[eval]\ncompileCache = true\n", encoding="utf-8")
    assert nixls_eval(file, "part1", env) == expected
    assert len(list((cache / "nixls" / "compiled").glob("*.nxc"))) == 2
    assert list((tmp_path / "home").iterdir()) == []


def test_without_xdg_cache_home_the_cache_is_in_home(tmp_path: Path) -> None:
    file = write_sample(tmp_path / "src")
    env = environment(tmp_path)
    nixls_eval(file, "part1", env)
    assert len(list((tmp_path / "home" / ".cache" / "nixls" / "compiled").glob("*.nxc"))) == 2


def test_a_bad_setting_is_reported(tmp_path: Path) -> None:
    file = write_sample(tmp_path / "src")
    (file.parent / "nixls.toml").write_text('[eval]\ncompileCache = "no"\n', encoding="utf-8")
    proc = start(file, "part1", environment(tmp_path), "--no-eval-cache")
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 2
    assert "nixls.toml:2:1: 'eval.compileCache': expected true or false" in err


def test_a_cached_file_behind_a_feature_still_needs_the_feature(tmp_path: Path) -> None:
    # The gate is checked when a file is loaded, from the cache too (the
    # error's module is then imported on demand); message and location as
    # C++ Nix 2.26.3 prints them.
    file = tmp_path / "pipe.nix"
    file.write_text("{ a = 1 |> (x: x + 1); }\n")
    env = environment(tmp_path, XDG_CACHE_HOME=str(tmp_path / "cache"))
    assert nixls_eval(file, "a", env, "--extra-experimental-features", "pipe-operators") == "2\n"
    proc = start(file, "a", env)
    out, err = proc.communicate(timeout=300)
    assert (proc.returncode, out) == (1, "")
    assert err.startswith(
        "error: experimental Nix feature 'pipe-operators' is disabled; add"
        " '--extra-experimental-features pipe-operators' to enable it\n"
        f"       at {file}:1:9:\n"
    ), err
