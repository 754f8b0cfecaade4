"""Automatic option sets that change while the server runs, over the wire: a
module newly imported by a configuration gets the configuration's options
once the importing file is saved, and configurations a flake computes
(`lib.mapAttrs mkHost hosts`) each give their own modules their options."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lsprotocol import types

from tests.server.harness import REPO, Session, pos
from tests.server.test_options import _complete, _eventually

pytestmark = pytest.mark.asyncio(loop_scope="session")

OWN_SERVER = True  # copies flakes into its workspace root

DATA = REPO / "tests" / "data"


def _copy(session: Session, name: str) -> Path:
    target = session.root / name
    shutil.copytree(DATA / "flakes" / name, target)
    lock = json.loads((target / "flake.lock").read_text())
    lock["nodes"]["nixpkgs"]["locked"]["path"] = str(DATA / "nixos-like")
    lock["nodes"]["nixpkgs-lib"]["locked"]["path"] = str(DATA / "corpus/nixpkgs-lib-26.11/lib")
    (target / "flake.lock").write_text(json.dumps(lock))
    return target


@pytest.fixture(scope="module")
def flakes(session: Session) -> Path:
    """The `nixos` and `hosts` fixture flakes in the workspace."""
    _copy(session, "nixos")
    _copy(session, "hosts")
    (session.root / "nixls.toml").write_text(f'[eval]\nallowedPaths = ["{DATA}"]\n')
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"nixls": {"diagnostics": {"debounceMs": 0}}})
    )
    return session.root


async def test_a_newly_imported_module_gets_the_options(session: Session, flakes: Path) -> None:
    config = (flakes / "nixos" / "configuration.nix").read_text()
    config_uri = session.open("nixos/configuration.nix", config, write=False)
    at = pos(config, "enable = true")
    labels = await _eventually(lambda: _complete(session, config_uri, at), lambda ls: "ports" in ls)
    assert "ports" in labels  # the set is loaded
    text = "{ ... }:\n{\n  services.openssh = {  };\n}\n"
    extra = session.open("nixos/extra.nix", text)
    inside = pos(text, "{  }", 2)
    assert "ports" not in await _complete(session, extra, inside)  # in no configuration yet
    config = config.replace("./users.nix", "./users.nix ./extra.nix")
    session.replace(config_uri, config)
    (flakes / "nixos" / "configuration.nix").write_text(config)
    session.save(config_uri)
    labels = await _eventually(lambda: _complete(session, extra, inside), lambda ls: "ports" in ls)
    assert {"enable", "ports", "settings"} <= set(labels)


async def test_computed_configurations_get_their_own_sets(session: Session, flakes: Path) -> None:
    beta = (flakes / "hosts" / "hosts" / "beta.nix").read_text()
    uri = session.open("hosts/hosts/beta.nix", beta, write=False)
    at = pos(beta, "enable = true")
    # Only beta's configuration imports greeter.nix, which declares `services.greeter`.
    labels = await _eventually(lambda: _complete(session, uri, at), lambda ls: "enable" in ls)
    assert labels == ["enable"]
    alpha = "{ ... }:\n{\n  services.greeter.enable = true;\n}\n"
    uri = session.open("hosts/hosts/alpha.nix", alpha)
    diags = await session.diagnostics(
        uri, until=lambda ds: any(d.code == "unknown-option" for d in ds), timeout=120
    )
    assert any("unknown option `services.greeter`" in d.message for d in diags)


async def test_a_value_that_is_not_a_literal_is_type_checked(
    session: Session, flakes: Path
) -> None:
    text = (
        '{ lib, ... }:\nlet\n  port = "22";\nin\n{\n  imports = [ ./users.nix ];\n'
        '  services.openssh.ports = [ port ];\n  networking.hostName = lib.mkDefault "ok";\n}\n'
    )
    uri = session.uri("nixos/configuration.nix")
    if uri in session.versions:  # opened by an earlier test
        session.replace(uri, text)
    else:
        session.open("nixos/configuration.nix", text, write=False)
    diags = await session.diagnostics(
        uri, until=lambda ds: any(d.code == "option-type" for d in ds), timeout=120
    )
    [wrong] = [d for d in diags if d.code == "option-type"]
    assert wrong.range.start == pos(text, "[ port ]")
    expected = 'this evaluates to `[ "22" ]`, which is not of type `list of 16'
    assert wrong.message.startswith(expected)
