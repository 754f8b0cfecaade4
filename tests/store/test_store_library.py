"""The store library against values recorded from C++ Nix 2.8.0 (see record.py)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from evaluator.store import aterm, hashes, nar, nixbase32, paths
from evaluator.store.derivation import DerivationSpec, KnownPaths, instantiate
from evaluator.store.errors import StoreError

HERE = Path(__file__).resolve().parent
UNITS = json.loads((HERE / "fixtures" / "units.json").read_text())
STORE = "/nix/store"


def test_tree_is_checked_out_as_recorded() -> None:
    # The recorded hashes depend on the exec bit and the symlinks surviving git.
    tree = HERE / "tree"
    assert os.stat(tree / "run.sh").st_mode & stat.S_IXUSR
    assert not os.stat(tree / "hello.txt").st_mode & stat.S_IXUSR
    assert os.readlink(tree / "link") == "hello.txt"
    assert os.readlink(tree / "sub" / "up") == "../hello.txt"


def test_nar_bytes_match_nix_store_dump() -> None:
    assert nar.nar_bytes(str(HERE / "tree")) == (HERE / "fixtures" / "tree.nar").read_bytes()


@pytest.mark.parametrize("rel", sorted(UNITS["nar"]))
def test_nar_hashes(rel: str) -> None:
    expected = UNITS["nar"][rel]
    for algo in ("sha256", "sha1", "md5", "sha512"):
        assert nar.hash_path(str(HERE / rel), algo).base16() == expected[algo]
    assert nar.hash_path(str(HERE / rel)).base32() == expected["sha256_base32"]


@pytest.mark.parametrize("rel", sorted(UNITS["flat"]))
def test_flat_hashes(rel: str) -> None:
    assert nar.hash_file(str(HERE / rel)).base16() == UNITS["flat"][rel]


def test_nar_of_missing_path() -> None:
    with pytest.raises(StoreError, match="getting status of '/nonexistent/x': No such file"):
        nar.hash_path("/nonexistent/x")


def test_nar_filter_sees_full_paths_and_prunes_directories() -> None:
    root = str(HERE / "tree")
    seen: list[str] = []

    def keep(p: str) -> bool:
        seen.append(p)
        return not p.endswith("/sub")

    nar.nar_bytes(root, keep)
    assert seen == [root + "/" + n for n in ["hello.txt", "link", "run.sh", "skip.bak", "sub"]]


def test_nixbase32_round_trip_and_errors() -> None:
    for entry in UNITS["nar"].values():
        digest = bytes.fromhex(entry["sha256"])
        assert nixbase32.encode(digest) == entry["sha256_base32"]
        assert nixbase32.decode(entry["sha256_base32"], 32) == digest
    with pytest.raises(StoreError):
        nixbase32.decode("e" * 52, 32)
    with pytest.raises(StoreError):  # too many bits in the top digit
        nixbase32.decode("z" + "0" * 51, 32)


@pytest.mark.parametrize("case", UNITS["hash_parse"], ids=lambda c: c["input"][:20])
def test_hash_parsing(case: dict[str, str]) -> None:
    if "base16" in case:
        assert hashes.parse_any(case["input"], case["type"]).base16() == case["base16"]
    else:
        with pytest.raises(StoreError) as info:
            hashes.parse_any(case["input"], case["type"])
        assert str(info.value) == case["error"]


def test_hash_forms() -> None:
    h = hashes.parse_any("sha256:1plfzlzar8byab2hbs399w5bll51r7rvqyspsl19ji2jpdsjwcf3", None)
    assert h.sri() == "sha256-wzEudbtSRJkC1Vd7vPPJoVC6Ck9p6AXFUn6hrD79jt4="
    empty, warning = hashes.parse_allow_empty("", "sha256")
    assert empty.digest == bytes(32)
    assert warning == "found empty hash, assuming 'sha256-" + "A" * 43 + "='"
    with pytest.raises(StoreError, match="empty hash requires explicit hash type"):
        hashes.parse_allow_empty("", None)


def test_source_paths() -> None:
    expr = UNITS["expressions"]
    for key, rel in [
        ("tree", "tree"),
        ("tree_link", "tree/link"),
        ("tree_run", "tree/run.sh"),
        ("tree_sub", "tree/sub"),
        ("hello_in_store", "tree/hello.txt"),
    ]:
        h = nar.hash_path(str(HERE / rel))
        assert paths.make_fixed_output_path(True, h, rel.rpartition("/")[2], STORE) == expr[key]
    h = nar.hash_path(str(HERE / "tree"))
    assert paths.make_fixed_output_path(True, h, "renamed", STORE) == expr["tree_named"]
    flat = nar.hash_file(str(HERE / "tree/hello.txt"))
    assert paths.make_fixed_output_path(False, flat, "hello.txt", STORE) == expr["tree_flat_hello"]


def test_text_paths_and_placeholders() -> None:
    expr = UNITS["expressions"]
    assert paths.make_text_path("a", b"b", [], STORE) == expr["toFile_ab"]
    assert paths.make_text_path("b", b"c", [], STORE) == expr["toFile_b"]
    refs = [expr["hello_in_store"], expr["toFile_b"]]
    text = f"{refs[0]} {refs[1]}".encode()
    assert paths.make_text_path("a", text, refs, STORE) == expr["toFile_refs"]
    assert paths.placeholder("out") == expr["placeholder_out"]
    assert paths.placeholder("dev") == expr["placeholder_dev"]


def test_store_path_names() -> None:
    with pytest.raises(StoreError, match="contains illegal character ' '"):
        paths.make_text_path("a b", b"", [], STORE)
    with pytest.raises(StoreError, match="has an empty name"):
        paths.make_text_path("", b"", [], STORE)
    with pytest.raises(StoreError, match="longer than 211 characters"):
        paths.make_text_path("a" * 212, b"", [], STORE)
    assert paths.make_text_path("a" * 211, b"", [], STORE).endswith("-" + "a" * 211)
    assert paths.make_text_path(".a+-_?=", b"", [], STORE).endswith("-.a+-_?=")
    assert paths.is_store_path(UNITS["expressions"]["tree"], STORE)
    assert not paths.is_store_path("/nix/store/eeee", STORE)
    assert not paths.is_store_path(UNITS["expressions"]["tree"] + "/x", STORE)
    assert paths.to_store_path(UNITS["expressions"]["tree"] + "/x/y", STORE)[1] == "/x/y"


def test_store_dir_is_part_of_the_fingerprint() -> None:
    other = UNITS["other_store_dir"]
    assert paths.make_text_path("a", b"b", [], "/other/store") == other["toFile_ab"]
    h = nar.hash_path(str(HERE / "tree"))
    assert paths.make_fixed_output_path(True, h, "tree", "/other/store") == other["tree"]
    env = {"builder": "b", "name": "a", "system": "x"}
    spec = DerivationSpec("a", "b", "x", env=env)
    assert instantiate(spec, [], KnownPaths(), "/other/store")[0] == other["drv_simple"]


@pytest.mark.parametrize("drv_path", sorted(UNITS["store_drvs"]))
def test_aterm_round_trip(drv_path: str) -> None:
    text = UNITS["store_drvs"][drv_path]
    assert aterm.unparse(aterm.parse(text)) == text


def _spec_of(drv_path: str, drv: aterm.Derivation) -> tuple[DerivationSpec, list[str]]:
    """What derivationStrict would have collected for this recorded derivation."""
    name = drv_path.rpartition("/")[2][33 : -len(".drv")]
    spec = DerivationSpec(
        name=name,
        builder=drv.builder,
        platform=drv.platform,
        args=drv.args,
        env={k: v for k, v in drv.env.items() if k not in drv.outputs},
        outputs=set(drv.outputs),
    )
    if drv.is_fixed_output:
        out = drv.outputs["out"]
        spec.recursive = out.hash_algo.startswith("r:")
        spec.output_hash_algo = out.hash_algo.removeprefix("r:")
        spec.output_hash = out.hash
    context = list(drv.input_srcs)
    for dep, outputs in drv.input_drvs.items():
        context += [f"!{o}!{dep}" for o in outputs]
    return spec, context


def test_recorded_derivations_are_recomputed() -> None:
    """Every .drv Nix wrote: same output paths, same text, same .drv path."""
    parsed = {p: aterm.parse(t) for p, t in UNITS["store_drvs"].items()}
    known = KnownPaths()
    done: set[str] = set()
    while len(done) < len(parsed):
        progress = False
        for drv_path, drv in sorted(parsed.items()):
            if drv_path in done or not set(drv.input_drvs) <= done:
                continue
            spec, context = _spec_of(drv_path, drv)
            got_path, got = instantiate(spec, context, known, STORE)
            assert got_path == drv_path
            assert aterm.unparse(got) == UNITS["store_drvs"][drv_path]
            done.add(drv_path)
            progress = True
        assert progress, "a recorded derivation refers to one that was not recorded"
    for entry in UNITS["drvs"].values():
        drv = parsed[entry["drvPath"]]
        first = "out" if "out" in drv.outputs else sorted(drv.outputs)[0]
        assert drv.outputs[first].path == entry["outPath"]


def test_drv_path_context_takes_the_closure() -> None:
    known = KnownPaths()
    src = UNITS["expressions"]["tree"]
    env = {"builder": "b", "name": "a", "system": "x", "src": src}
    a, _ = instantiate(DerivationSpec("a", "b", "x", env=env), [src], known, STORE)
    env = {"builder": "b", "name": "b", "system": "x"}
    b, _ = instantiate(DerivationSpec("b", "b", "x", env=env), [f"!out!{a}"], known, STORE)
    env = {"builder": "b", "name": "c", "system": "x", "d": b}
    c, drv = instantiate(DerivationSpec("c", "b", "x", env=env), ["=" + b], known, STORE)
    assert drv.input_srcs == {src, a, b}
    assert drv.input_drvs == {a: {"out"}, b: {"out"}}
    with pytest.raises(StoreError, match="is not valid"):
        instantiate(
            DerivationSpec("d", "b", "x"), ["=/nix/store/" + "0" * 32 + "-x.drv"], known, STORE
        )


@pytest.mark.parametrize(
    "spec,message",
    [
        (DerivationSpec("a", platform="x"), "required attribute 'builder' missing"),
        (DerivationSpec("a", builder="b"), "required attribute 'system' missing"),
        (DerivationSpec("a.drv", "b", "x"), "derivation names are not allowed to end in '.drv'"),
        (
            DerivationSpec("a", "b", "x", outputs={"out", "dev"}, output_hash=""),
            "multiple outputs are not supported in fixed-output derivations",
        ),
        (
            DerivationSpec("a", "b", "x", output_hash="abc", output_hash_algo="sha256"),
            "hash 'abc' has wrong length for hash type 'sha256'",
        ),
        (DerivationSpec("a", "b", "x", output_hash=""), "empty hash requires explicit hash type"),
    ],
)
def test_derivation_errors(spec: DerivationSpec, message: str) -> None:
    with pytest.raises(StoreError) as info:
        instantiate(spec, [], KnownPaths(), STORE)
    assert str(info.value) == message
