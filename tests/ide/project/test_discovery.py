"""Finding nixpkgs: each source in its own situation (temporary HOME, NIX_PATH,
NIX_STORE_DIR, flake.lock), the order between them, and `nixls env`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from evaluator.store import hashes, paths
from nixls.ide.project import discovery as d
from nixls.ide.project.flake_lock import read_inputs
from tests.cli.nixls_run import command, environment

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "nixpkgs-fixture"
# A directory's NAR hash and the store paths C++ Nix 2.26.3 gives it as a
# source (`nix store add --dry-run --name source`, with NIX_STORE_DIR set).
NAR_HASH = "sha256-h4gyzSK14DjhF7cBN4VY+Km2ytc4Gg5tV6noZdNPhaY="
NIX_STORE_PATH = "/nix/store/ms37m6i4z2hfa1lm7a6lch7lw9vcr26l-source"
CUSTOM_STORE_PATH = "/custom/store/46vcrp137vlqmcqwmgrf5g9llbmrj4r5-source"


def write_lock(directory: Path, locked: dict[str, object]) -> None:
    """A flake.lock (version 7) whose `nixpkgs` input is locked to ``locked``."""
    directory.mkdir(parents=True, exist_ok=True)
    lock = {
        "nodes": {
            "nixpkgs": {"locked": locked, "original": {"type": "indirect", "id": "nixpkgs"}},
            "root": {"inputs": {"nixpkgs": "nixpkgs"}},
        },
        "root": "root",
        "version": 7,
    }
    (directory / "flake.lock").write_text(json.dumps(lock))


def github(nar_hash: str = NAR_HASH) -> dict[str, object]:
    return {
        "type": "github",
        "owner": "NixOS",
        "repo": "nixpkgs",
        "rev": "0" * 40,
        "narHash": nar_hash,
        "lastModified": 1,
    }


def env(tmp: Path, **extra: str) -> dict[str, str]:
    """An environment with an empty home and state directory, plus ``extra``."""
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    return {"HOME": str(home), "NIX_STATE_DIR": str(tmp / "state"), "USER": "alice", **extra}


def test_nothing_found_says_what_to_set(tmp_path: Path) -> None:
    found = d.discover(d.Inputs(roots=[str(tmp_path)], environ=env(tmp_path)))
    assert found.nixpkgs is None and found.source is None
    assert [a.source for a in found.attempts] == [
        d.SETTINGS,
        d.FLAKE_LOCK,
        d.NIX_PATH,
        d.CHANNELS,
        d.CHANNELS,
        d.CHANNELS,
        d.CHANNELS,
    ]


def test_nix_path_of_the_environment(tmp_path: Path) -> None:
    found = d.discover(
        d.Inputs(roots=[str(tmp_path)], environ=env(tmp_path, NIX_PATH=f"nixpkgs={FIXTURE}"))
    )
    assert (found.nixpkgs, found.source) == (str(FIXTURE), d.NIX_PATH)
    assert ("nixpkgs", str(FIXTURE)) in found.search_path


def test_nix_path_plain_entry_holding_nixpkgs_and_urls(tmp_path: Path) -> None:
    holder = tmp_path / "channels"
    holder.mkdir()
    (holder / "nixpkgs").symlink_to(FIXTURE)
    value = f"foo=https://example.org/x.tar.gz:{holder}"
    assert d.split_nix_path(value) == ["foo=https://example.org/x.tar.gz", str(holder)]
    found = d.discover(d.Inputs(environ=env(tmp_path, NIX_PATH=value)))
    assert found.nixpkgs == str(holder / "nixpkgs")


def test_settings_win_over_everything(tmp_path: Path) -> None:
    write_lock(tmp_path / "ws", {"type": "path", "path": str(FIXTURE / "pkgs")})
    found = d.discover(
        d.Inputs(
            nix_path=[f"nixpkgs={FIXTURE}"],
            roots=[str(tmp_path / "ws")],
            environ=env(tmp_path, NIX_PATH="nixpkgs=/nowhere"),
        )
    )
    assert (found.nixpkgs, found.source) == (str(FIXTURE), d.SETTINGS)


def test_flake_lock_path_input_wins_over_nix_path(tmp_path: Path) -> None:
    write_lock(tmp_path / "ws", {"type": "path", "path": str(FIXTURE)})
    found = d.discover(
        d.Inputs(roots=[str(tmp_path / "ws")], environ=env(tmp_path, NIX_PATH="nixpkgs=/x"))
    )
    assert (found.nixpkgs, found.source) == (str(FIXTURE), d.FLAKE_LOCK)
    assert [i.name for i in found.inputs] == ["nixpkgs"]


def test_flake_lock_relative_path_input() -> None:
    inputs, error = read_inputs(str(FIXTURE / "example-flake"), "/nix/store")
    assert error is None
    assert [(i.name, i.kind, i.path) for i in inputs] == [("nixpkgs", "path", str(FIXTURE))]


def test_locked_github_input_store_path_as_nix_computes_it(tmp_path: Path) -> None:
    write_lock(tmp_path, github())
    (one,) = read_inputs(str(tmp_path), "/nix/store")[0]
    assert one.path is None and NIX_STORE_PATH in one.note
    (two,) = read_inputs(str(tmp_path), "/custom/store")[0]
    assert two.path is None and CUSTOM_STORE_PATH in two.note


def test_locked_github_input_found_in_a_fake_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    write_lock(tmp_path / "ws", github())
    (one,) = read_inputs(str(tmp_path / "ws"), str(store))[0]
    assert one.path is None  # not there yet
    # The arithmetic checked against Nix above, in this store directory.
    wanted = paths.make_fixed_output_path(
        True, hashes.parse_any(NAR_HASH, None), "source", str(store)
    )
    assert wanted in one.note
    Path(wanted).symlink_to(FIXTURE)
    found = d.discover(
        d.Inputs(roots=[str(tmp_path / "ws")], environ=env(tmp_path, NIX_STORE_DIR=str(store)))
    )
    assert (found.nixpkgs, found.source) == (wanted, d.FLAKE_LOCK)


def test_broken_lock_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "flake.lock").write_text("{ not json")
    found = d.discover(d.Inputs(roots=[str(tmp_path)], environ=env(tmp_path)))
    assert found.nixpkgs is None
    assert "flake.lock" in found.attempts[1].note
    assert "invalid JSON" in found.attempts[1].note


def test_channels_user_then_root(tmp_path: Path) -> None:
    environ = env(tmp_path)
    root_channels = tmp_path / "state" / "profiles" / "per-user" / "root" / "channels"
    root_channels.mkdir(parents=True)
    (root_channels / "nixpkgs").symlink_to(FIXTURE)
    found = d.discover(d.Inputs(environ=environ))
    assert (found.nixpkgs, found.source) == (str(root_channels / "nixpkgs"), d.CHANNELS)
    user = Path(environ["HOME"]) / ".nix-defexpr" / "channels"
    user.mkdir(parents=True)
    (user / "nixpkgs").symlink_to(FIXTURE)
    found = d.discover(d.Inputs(environ=environ))
    assert found.nixpkgs == str(user / "nixpkgs")


def test_read_dirs_follow_the_lib_symlink() -> None:
    found = d.Discovery(nixpkgs=str(FIXTURE), source=d.NIX_PATH, where="NIX_PATH")
    assert str((FIXTURE / "lib").resolve()) in found.read_dirs()


def run_env(cwd: Path, environ: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    full = {**environment(), **environ}
    return subprocess.run(
        command("env", *args), capture_output=True, text=True, cwd=cwd, env=full, timeout=120
    )


def test_cli_env_reports_each_situation(tmp_path: Path) -> None:
    nothing = run_env(tmp_path, env(tmp_path))
    assert nothing.returncode == 1
    assert "nixpkgs: not found" in nothing.stdout and "nixls.eval.nixPath" in nothing.stdout
    by_env = run_env(tmp_path, env(tmp_path, NIX_PATH=f"nixpkgs={FIXTURE}"))
    assert by_env.returncode == 0
    assert f"nixpkgs: {FIXTURE}\n  from NIX_PATH" in by_env.stdout
    by_lock = run_env(FIXTURE / "example-flake", env(tmp_path), "--json")
    data = json.loads(by_lock.stdout)
    assert (data["nixpkgs"], data["source"], data["lib"]) == (
        str(FIXTURE),
        "flake.lock",
        str(FIXTURE / "lib"),
    )
    assert data["missing"] == []
    (tmp_path / "nixls.toml").write_text(f'[eval]\nnixPath = ["nixpkgs={FIXTURE}"]\n')
    by_toml = run_env(tmp_path, env(tmp_path))
    assert f"from nixls.toml: {tmp_path / 'nixls.toml'}" in by_toml.stdout


def test_nix_path_flake_entry_through_the_registry(tmp_path: Path) -> None:
    # NixOS sets NIX_PATH=nixpkgs=flake:nixpkgs and pins nixpkgs in the registry.
    registry = tmp_path / "registry.json"
    pinned = {
        "from": {"id": "nixpkgs", "type": "indirect"},
        "to": {"path": str(FIXTURE), "type": "path"},
    }
    registry.write_text(json.dumps({"version": 2, "flakes": [pinned]}))
    given = d.Inputs(
        environ=env(tmp_path, NIX_PATH="nixpkgs=flake:nixpkgs"), registries=[str(registry)]
    )
    found = d.discover(given)
    assert (found.nixpkgs, found.source) == (str(FIXTURE), d.NIX_PATH)
    unpinned = d.Inputs(environ=given.environ, registries=[str(tmp_path / "none.json")])
    missing = d.discover(unpinned)
    assert missing.nixpkgs is None
    assert "nixpkgs=flake:nixpkgs is not a directory" in missing.attempts[2].note
