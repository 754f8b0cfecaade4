"""Record the expected outputs of the store tests from C++ Nix 2.8.0.

Not a test: run by hand (``python tests/store/record.py``) where
``nix-instantiate``, ``nix-hash``, ``nix-store`` and ``nix`` 2.8.0 are
installed; the tests only read what this writes:

- ``fixtures/units.json``: NAR and flat hashes of ``tree/``, hash parsing
  results, store paths of simple expressions and ``.drv`` files written
  by Nix into a throw-away store under a temporary directory;
- ``fixtures/tree.nar``: ``nix-store --dump tree``;
- ``cases/*.exp`` / ``cases/*.err``: the stdout of
  ``nix-instantiate --eval --strict --readonly-mode`` on each case (or its
  error message when it fails). A case whose first line is
  ``# read-write-mode`` needs a real store (``=``-contexts make Nix read
  ``.drv`` files back) and is run with ``--read-write-mode`` against a
  store in a temporary directory, which gives the same paths.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TREE = HERE / "tree"
CASES = HERE / "cases"
FIXTURES = HERE / "fixtures"

NAR_PATHS = [
    "tree",
    "tree/hello.txt",
    "tree/run.sh",
    "tree/link",
    "tree/sub",
    "tree/sub/up",
    "tree/sub/empty",
    "tree/sub/odd-length",
    "tree/sub/deeper",
]
FLAT_PATHS = ["tree/hello.txt", "tree/run.sh", "tree/sub/empty", "tree/sub/odd-length"]

# (input, --type or None): converted to base-16 by `nix hash to-base16`.
HASH_INPUTS = [
    ("1plfzlzar8byab2hbs399w5bll51r7rvqyspsl19ji2jpdsjwcf3", "sha256"),
    ("sha256:1plfzlzar8byab2hbs399w5bll51r7rvqyspsl19ji2jpdsjwcf3", None),
    ("sha256-wzEudbtSRJkC1Vd7vPPJoVC6Ck9p6AXFUn6hrD79jt4=", None),
    ("wzEudbtSRJkC1Vd7vPPJoVC6Ck9p6AXFUn6hrD79jt4=", "sha256"),
    ("C3312E75BB52449902D5577BBCF3C9A150BA0A4F69E805C5527EA1AC3EFD8EDE", "sha256"),
    ("sha1:3d6068d354d04df91b36a75c9585c99578044c49", None),
    ("95608y4mr62rap576qdzjkfhak9nhq1x", "sha1"),
    ("md5:b4c3020876837707d48146f34a228bcc", None),
    ("6cici4mws6h7a0fxw3fq405hxl", "md5"),
    ("sha512-" + "A" * 86 + "==", None),
    ("zplfzlzar8byab2hbs399w5bll51r7rvqyspsl19ji2jpdsjwcf3", "sha256"),
    ("zzzfzlzar8byab2hbs399w5bll51r7rvqyspsl19ji2jpdsjwcf3", "sha256"),
    ("abc", "sha256"),
    ("sha256:abc", None),
    ("foo:abc", None),
    ("sha256-abc", None),
    ("sha256-wzEudbtSRJkC1Vd7vPPJoVC6Ck9p6AXFUn6hrD79jt4", None),
    ("sha256-wzEudbtSRJkC1Vd7vPPJoVC6Ck9p6AXFUn6hrD79j!4=", None),
    ("md5:b4c3020876837707d48146f34a228bcc", "sha256"),
    ("g3312e75bb52449902d5577bbcf3c9a150ba0a4f69e805c5527ea1ac3efd8ede", "sha256"),
]

# Expressions whose (string) value the unit tests recompute from the library.
EXPRESSIONS = {
    "tree": '"${./tree}"',
    "tree_link": '"${./tree/link}"',
    "tree_run": '"${./tree/run.sh}"',
    "tree_sub": '"${./tree/sub}"',
    "tree_flat_hello": "builtins.path { path = ./tree/hello.txt; recursive = false; }",
    "tree_named": 'builtins.path { path = ./tree; name = "renamed"; }',
    "toFile_ab": 'builtins.toFile "a" "b"',
    "toFile_refs": 'builtins.toFile "a" "${./tree/hello.txt} ${builtins.toFile "b" "c"}"',
    "hello_in_store": '"${./tree/hello.txt}"',
    "toFile_b": 'builtins.toFile "b" "c"',
    "placeholder_out": 'builtins.placeholder "out"',
    "placeholder_dev": 'builtins.placeholder "dev"',
    "drv_simple": '(derivation { name = "a"; builder = "b"; system = "x"; }).drvPath',
}

# Derivations written into a temporary store, to compare .drv files byte for byte.
DRVS = {
    "simple": 'derivation { name = "a"; builder = "b"; system = "x"; }',
    "escapes": (
        'derivation { name = "esc"; builder = "/bin/sh"; system = "x86_64-linux";'
        ' args = [ "-c" "echo \\"hi\\"\\n\\tthere\\\\" ];'
        ' weird = "a\\rb\\"c"; list = [ 1 2.5 true false null "s" [ ] ]; }'
    ),
    "multi": (
        'derivation { name = "m"; builder = "b"; system = "x"; outputs = [ "out" "dev" "lib" ]; }'
    ),
    "fixed_flat": (
        'derivation { name = "f"; builder = "b"; system = "x";'
        ' outputHash = "sha256-wzEudbtSRJkC1Vd7vPPJoVC6Ck9p6AXFUn6hrD79jt4="; }'
    ),
    "fixed_rec": (
        'derivation { name = "f"; builder = "b"; system = "x"; outputHashMode = "recursive";'
        ' outputHashAlgo = "sha1"; outputHash = "95608y4mr62rap576qdzjkfhak9nhq1x"; }'
    ),
    "inputs": (
        'let a = derivation { name = "a"; builder = "b"; system = "x"; outputs = ["out" "dev"]; };'
        ' f = derivation { name = "f"; builder = "b"; system = "x";'
        ' outputHash = "sha256-wzEudbtSRJkC1Vd7vPPJoVC6Ck9p6AXFUn6hrD79jt4="; };'
        ' in derivation { name = "c"; builder = "${a.dev}/bin/sh"; system = "x";'
        ' src = ./tree; f = f; t = builtins.toFile "t" "x"; }'
    ),
    "drvpath_closure": (
        'let a = derivation { name = "a"; builder = "b"; system = "x"; src = ./tree; };'
        ' b = derivation { name = "b"; builder = "b"; system = "x"; a = a; };'
        ' in derivation { name = "c"; builder = "b"; system = "x"; d = b.drvPath; }'
    ),
    "structured": (
        'derivation { name = "s"; builder = "b"; system = "x"; __structuredAttrs = true;'
        ' outputs = [ "out" "bin" ]; n = null; f = 1.5; l = [ 1 "a" ./tree/hello.txt ];'
        ' a = { y = 1; x = "q"; }; }'
    ),
}


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL")}
    env["NIX_CONFIG"] = "experimental-features = nix-command"
    return env


def _run(cmd: list[str], cwd: Path = HERE) -> tuple[int, str, str]:
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=_env(), check=False)
    return p.returncode, p.stdout, p.stderr


def _error_message(stderr: str) -> str:
    """The first line of Nix's error, without the ``error: `` prefix."""
    for line in stderr.splitlines():
        if line.startswith("error: "):
            return line[len("error: ") :]
    return stderr.strip()


def _eval(expr: str, store: str | None = None, store_dir: str | None = None) -> str:
    cmd = ["nix-instantiate", "--eval", "--strict"]
    if store_dir:
        cmd = ["env", f"NIX_STORE_DIR={store_dir}"] + cmd
    if store:
        cmd += ["--store", store, "--read-write-mode"]
    else:
        cmd += ["--readonly-mode"]
    code, out, err = _run(cmd + ["-E", expr])
    if code != 0:
        raise RuntimeError(f"{expr}: {err}")
    return json.loads(out)  # the printed string is a valid JSON string here


def record_units() -> None:
    """Write fixtures/units.json and fixtures/tree.nar."""
    units: dict[str, object] = {}
    nar = {}
    for rel in NAR_PATHS:
        entry = {}
        for algo in ("sha256", "sha1", "md5", "sha512"):
            entry[algo] = _run(["nix-hash", "--type", algo, rel])[1].strip()
        entry["sha256_base32"] = _run(["nix-hash", "--type", "sha256", "--base32", rel])[1].strip()
        nar[rel] = entry
    units["nar"] = nar
    units["flat"] = {
        rel: _run(["nix-hash", "--type", "sha256", "--flat", rel])[1].strip() for rel in FLAT_PATHS
    }
    parsed = []
    for text, algo in HASH_INPUTS:
        cmd = ["nix", "hash", "to-base16"] + (["--type", algo] if algo else []) + [text]
        code, out, err = _run(cmd)
        if code == 0:
            parsed.append({"input": text, "type": algo, "base16": out.strip()})
        else:
            parsed.append({"input": text, "type": algo, "error": _error_message(err)})
    units["hash_parse"] = parsed
    units["expressions"] = {k: _eval(e) for k, e in EXPRESSIONS.items()}
    units["other_store_dir"] = {
        k: _eval(EXPRESSIONS[k], store_dir="/other/store")
        for k in ("tree", "toFile_ab", "drv_simple")
    }
    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "root")
        drvs = {}
        for key, expr in DRVS.items():
            drv_path = _eval(f"({expr}).drvPath", store)
            out_path = _eval(f"({expr}).outPath", store)
            text = Path(store + drv_path).read_text()
            drvs[key] = {"expr": expr, "drvPath": drv_path, "outPath": out_path, "drv": text}
        units["drvs"] = drvs
        store_dir = Path(store + "/nix/store")
        units["store_drvs"] = {
            "/nix/store/" + f.name: f.read_text() for f in sorted(store_dir.glob("*.drv"))
        }
    (FIXTURES / "units.json").write_text(json.dumps(units, indent=1, sort_keys=True) + "\n")
    (FIXTURES / "tree.nar").write_bytes(
        subprocess.run(["nix-store", "--dump", "tree"], cwd=HERE, capture_output=True).stdout
    )


def record_cases() -> None:
    """Write cases/*.exp (stdout) or cases/*.err (error message) for every case."""
    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "root")
        for case in sorted(CASES.glob("*.nix")):
            cmd = ["nix-instantiate", "--eval", "--strict"]
            if case.read_text().startswith("# read-write-mode"):
                cmd += ["--store", store, "--read-write-mode"]
            else:
                cmd += ["--readonly-mode"]
            code, out, err = _run(cmd + [case.name], cwd=CASES)
            for suffix in (".exp", ".err"):
                case.with_suffix(suffix).unlink(missing_ok=True)
            # Messages may name files of this directory: keep them location-free.
            if code == 0:
                case.with_suffix(".exp").write_text(out.replace(str(HERE), "@HERE@"))
            else:
                message = _error_message(err).replace(str(HERE), "@HERE@")
                case.with_suffix(".err").write_text(message + "\n")


if __name__ == "__main__":
    what = sys.argv[1:] or ["units", "cases"]
    if "units" in what:
        record_units()
    if "cases" in what:
        record_cases()
