"""Computed configurations kept across restarts (nixls/ide/options/names_cache.py):
a second host names them at once from `$XDG_CACHE_HOME/nixls/options`; an
edited file the evaluation read, a changed `flake.nix`, a new file in a folder
it listed, a corrupt entry or the opt-out make it evaluate them again."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from evaluator.io import ReadPolicy
from nixls.ide.host import AnalysisHost
from nixls.ide.options import names_cache
from nixls.ide.options.auto import flake_specs
from nixls.ide.options.sets import OptionSets
from nixls.ide.options.spec import OptionSetSpec
from nixls.ide.uris import path_to_uri
from tests.ide.test_options_computed import DATA, HOSTS, _copy, _expanded, _spec_of

NAMED = ["nixosConfigurations.alpha", "nixosConfigurations.beta"]


def _sets(cache: Path) -> OptionSets:
    sets = OptionSets()
    sets.cache_dir = str(cache)
    return sets


def _first_run(tmp_path: Path) -> tuple[Path, Path, OptionSetSpec, ReadPolicy]:
    """A copy of the hosts flake whose configurations one server named (and kept)."""
    flake, cache = _copy(tmp_path, HOSTS), tmp_path / "cache"
    [stand_in] = flake_specs(str(flake / "flake.nix"))
    policy = ReadPolicy.restricted(roots=[str(DATA), str(tmp_path)])
    sets = _sets(cache)
    sets.configure([stand_in])
    assert _expanded(sets, stand_in, policy) == NAMED
    sets.stop()
    [entry] = cache.glob("*.json")
    assert {c["name"] for c in json.loads(entry.read_text())["configurations"]} == {"alpha", "beta"}
    return flake, cache, stand_in, policy


def test_a_second_server_names_them_at_once_and_an_edit_makes_them_stale(tmp_path: Path) -> None:
    flake, cache, stand_in, _policy = _first_run(tmp_path)
    again = _sets(cache)
    started = time.monotonic()
    again.configure([stand_in])
    assert time.monotonic() - started < 2  # no evaluation: a read and a few hashes
    assert [s.name for s in again.specs] == NAMED
    alpha, beta = again.specs
    assert _spec_of(flake / "hosts" / "greeter.nix", again.specs) == beta
    assert _spec_of(flake / "common.nix", again.specs) == alpha
    # A module the evaluation read is edited: the entry is stale.
    greeter = flake / "hosts" / "greeter.nix"
    greeter.write_text(greeter.read_text() + "\n")
    assert [s.name for s in again.changed([str(greeter)])] == ["nixosConfigurations.*"]
    third = _sets(cache)
    third.configure([stand_in])
    assert third.specs == [stand_in]
    # Without a cache folder nothing is read.
    fourth = OptionSets()
    fourth.configure([stand_in])
    assert fourth.specs == [stand_in]


def test_a_changed_flake_nix_is_another_entry(tmp_path: Path) -> None:
    flake, cache, stand_in, _policy = _first_run(tmp_path)
    text = (flake / "flake.nix").read_text()
    (flake / "flake.nix").write_text(text.replace("beta = ./hosts/beta.nix;", ""))
    [changed] = flake_specs(str(flake / "flake.nix"))
    sets = _sets(cache)
    sets.configure([changed])
    assert sets.specs == [changed]


def test_corrupt_entries_and_concurrent_writers(tmp_path: Path) -> None:
    flake, cache, stand_in, policy = _first_run(tmp_path)
    [entry] = cache.glob("*.json")
    good = entry.read_bytes()
    for bad in (b"", b"{not json", b"[]", b'{"format": 1, "configurations": [], "reads": {}}'):
        entry.write_bytes(bad)
        sets = _sets(cache)
        sets.configure([stand_in])  # no exception, no names
        assert sets.specs == [stand_in]
    entry.write_bytes(good)
    kind = "nixosConfigurations"
    found = names_cache.load(str(cache), str(flake), kind)
    assert found is not None and [n for n, _ in found] == ["alpha", "beta"]

    reads = names_cache.Reads()
    reads.note("f", str(flake / "common.nix"))

    def write(n: int) -> None:
        for _ in range(20):
            names_cache.store(str(cache), str(flake), kind, [(f"h{n}", None)], reads)

    writers = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    last = names_cache.load(str(cache), str(flake), kind)
    assert last is not None and last[0][0] in {"h0", "h1", "h2", "h3"}  # one whole entry
    assert [p.name for p in cache.iterdir()] == [entry.name]  # no temporary file left


def test_a_folder_listing_and_an_existence_are_part_of_the_key(tmp_path: Path) -> None:
    hosts, cache = tmp_path / "hosts", tmp_path / "cache"
    hosts.mkdir()
    (hosts / "a.nix").write_text("{ }\n")
    (tmp_path / "flake.nix").write_text("{ outputs = _: { }; }\n")
    io = names_cache.TrackingIO(ReadPolicy.anywhere(), names_cache.Reads())
    assert io.read_dir(str(hosts)) == [("a.nix", "regular")]
    assert io.path_exists(str(tmp_path / "hw.nix")) is False
    assert io.read_file(str(hosts / "a.nix")) == b"{ }\n"
    found: list[names_cache.Configuration] = [("a", (str(hosts / "a.nix"),))]
    names_cache.store(str(cache), str(tmp_path), "k", found, io.reads)
    assert names_cache.load(str(cache), str(tmp_path), "k") == found
    assert names_cache.load(str(cache), str(tmp_path), "other") is None
    (hosts / "b.nix").write_text("{ }\n")
    assert names_cache.load(str(cache), str(tmp_path), "k") is None
    (hosts / "b.nix").unlink()
    assert names_cache.load(str(cache), str(tmp_path), "k") == found
    (tmp_path / "hw.nix").write_text("{ }\n")
    assert names_cache.load(str(cache), str(tmp_path), "k") is None


def test_old_entries_are_deleted_past_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(names_cache, "MAX_ENTRIES", 3)
    cache = tmp_path / "cache"
    for n in range(5):
        names_cache.store(str(cache), str(tmp_path), f"k{n}", [("a", None)], names_cache.Reads())
    kept = [
        k for k in ("k0", "k1", "k2", "k3", "k4") if names_cache.load(str(cache), str(tmp_path), k)
    ]
    assert len(list(cache.glob("*.json"))) == 3 and "k4" in kept


@pytest.mark.parametrize("keep", [True, False])
def test_a_second_host_reuses_them_unless_opted_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keep: bool
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    flake = _copy(tmp_path, HOSTS)

    def host() -> AnalysisHost:
        made = AnalysisHost()
        made.files.roots = [str(flake)]
        made.settings.eval.allowed_paths = [str(DATA)]
        made.settings.eval.compile_cache = keep
        made.options.configure()
        return made

    first = host()
    named = threading.Event()

    def ready(_entry: object) -> None:
        if len(first.options.sets.specs) == 2:
            named.set()

    first.options.on_ready = ready
    beta = flake / "hosts" / "beta.nix"
    snap = first.open(path_to_uri(str(beta)), beta.read_text(), 1)
    assert first.options.entry(snap.document) is not None  # the stand-in starts loading
    assert named.wait(120)
    first.options.stop()
    second = host()
    names = [s.name for s in second.options.sets.specs]
    assert names == (NAMED if keep else ["nixosConfigurations.*"])
    snap = second.open(path_to_uri(str(beta)), beta.read_text(), 1)
    entry = second.options.entry(snap.document)
    assert entry is not None
    assert entry.spec.name == ("nixosConfigurations.beta" if keep else "nixosConfigurations.*")
    second.options.stop()
    assert (tmp_path / "xdg" / "nixls" / "options").exists() is keep
