"""Option sets behind the analysis host, in offsets and plain data (no server):
the home-manager-shaped modules of tests/data/home-manager-like as the set."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from nixls.ide.host import AnalysisHost
from nixls.ide.options.sets import LoadedSet
from nixls.ide.uris import path_to_uri

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "data" / "home-manager-like"
USER = """\
{ config, lib, ... }:
{
  programs.git = {
    enable = true;
    enabel = true;
  };
}
"""


def test_the_host_loads_the_set_and_answers_in_offsets(tmp_path: Path) -> None:
    host = AnalysisHost()
    host.files.roots = [str(tmp_path)]
    host.settings.eval.allowed_paths = [str(REPO / "tests" / "data")]
    host.settings.options = {
        "home": {"expr": f"(import {FIXTURE}/eval.nix).options", "files": ["home.nix"]},
        "broken": {"files": ["x.nix"]},
    }
    started: list[str] = []
    ready = threading.Event()
    host.options.on_start = lambda found: started.append(found.spec.name)

    def finished(found: LoadedSet) -> None:
        ready.set()

    host.options.on_ready = finished
    problems = host.options.configure()
    assert problems == ["option set 'broken': expected { expr = \"…\", files = [...] }"]
    uri = path_to_uri(str(tmp_path / "home.nix"))
    snap = host.open(uri, USER, 1)
    assert host.options.tree(snap.document) is None  # loading: nobody waits
    assert ready.wait(120)
    assert started == ["home"]  # announced once, when it started
    doc = snap.document
    source = USER.encode()

    async def ask() -> None:
        at = source.index(b"enable =") + 2
        items = await host.options.items(doc, at)
        assert items is not None and "enable" in {i.name for i in items}
        hover = await host.options.hover(doc, at)
        assert hover is not None and "boolean" in hover[0]
        assert source[hover[1][0] : hover[1][1]] == b"enable"
        declared = await host.options.declarations(doc, at)
        assert declared and declared[0].file.endswith(".nix")
        diags = await host.options.diagnostics(doc, snap.generation)
        assert diags is not None
        [typo] = [d for d in diags if source[d.start : d.end] == b"enabel"]
        fixes = host.options.fixes_in(uri, snap.generation, typo.start, typo.end)
        assert [f.text for f in fixes] == ["enable"]
        assert host.options.fixes_in(uri, snap.generation + 1, typo.start, typo.end) == []

    asyncio.run(ask())
    host.options.stop()
