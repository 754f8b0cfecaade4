"""The ATerm text of a derivation, byte for byte as Nix writes ``.drv`` files.

``Derive([outputs],[input drvs],[input srcs],system,builder,[args],[env])``
with every map sorted by key. Only the builder, the arguments and the
environment are escaped; Nix writes the other fields unescaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")

_ESCAPES = str.maketrans({'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


@dataclass
class DerivationOutput:
    """One output: its path ("" while unknown) and, if fixed, its hash."""

    path: str
    hash_algo: str = ""  # e.g. "sha256" or "r:sha256" for a fixed output
    hash: str = ""  # hexadecimal digest for a fixed output


@dataclass
class Derivation:
    """A store derivation, as it would be written to a ``.drv`` file."""

    name: str
    outputs: dict[str, DerivationOutput] = field(default_factory=dict)
    # input derivation path -> names of the outputs used
    input_drvs: dict[str, set[str]] = field(default_factory=dict)
    input_srcs: set[str] = field(default_factory=set)
    platform: str = ""
    builder: str = ""
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def is_fixed_output(self) -> bool:
        """Whether this is a fixed-output derivation (its output has a hash)."""
        return any(o.hash for o in self.outputs.values())

    def references(self) -> set[str]:
        """The store paths the ``.drv`` file refers to."""
        return set(self.input_srcs) | set(self.input_drvs)


def _quoted(s: str) -> str:
    return '"' + s.translate(_ESCAPES) + '"'


def _raw(s: str) -> str:
    return '"' + s + '"'


def _raw_list(items: Iterable[str]) -> str:
    return "[" + ",".join(_raw(s) for s in items) + "]"


def unparse(
    drv: Derivation,
    mask_outputs: bool = False,
    actual_inputs: Mapping[str, Iterable[str]] | None = None,
) -> str:
    """The ATerm of ``drv``.

    ``mask_outputs`` blanks output paths and the matching environment
    variables; ``actual_inputs`` replaces the input derivations (used by
    the hashing-modulo rule, which keys them by hash instead of path).
    """
    outs = []
    for name in sorted(drv.outputs):
        o = drv.outputs[name]
        path = "" if mask_outputs else o.path
        outs.append(f"({_raw(name)},{_raw(path)},{_raw(o.hash_algo)},{_raw(o.hash)})")
    inputs = actual_inputs if actual_inputs is not None else drv.input_drvs
    ins = [f"({_raw(k)},{_raw_list(sorted(inputs[k]))})" for k in sorted(inputs)]
    env = []
    for key in sorted(drv.env):
        value = "" if mask_outputs and key in drv.outputs else drv.env[key]
        env.append(f"({_quoted(key)},{_quoted(value)})")
    return "".join(
        [
            "Derive([",
            ",".join(outs),
            "],[",
            ",".join(ins),
            "],",
            _raw_list(sorted(drv.input_srcs)),
            ",",
            _raw(drv.platform),
            ",",
            _quoted(drv.builder),
            ",[",
            ",".join(_quoted(a) for a in drv.args),
            "],[",
            ",".join(env),
            "])",
        ]
    )


_UNESCAPES = {"n": "\n", "r": "\r", "t": "\t"}


class _Reader:
    """A cursor over ATerm text; raises ValueError on anything unexpected."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def expect(self, token: str) -> None:
        if not self.text.startswith(token, self.pos):
            raise ValueError(f"expected {token!r} at offset {self.pos} of a derivation")
        self.pos += len(token)

    def peek(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def string(self) -> str:
        self.expect('"')
        out = []
        text = self.text
        i = self.pos
        while True:
            j = i
            while j < len(text) and text[j] != '"' and text[j] != "\\":
                j += 1
            out.append(text[i:j])
            if j >= len(text):
                raise ValueError("unterminated string in a derivation")
            if text[j] == '"':
                self.pos = j + 1
                return "".join(out)
            if j + 1 >= len(text):
                raise ValueError("unterminated string in a derivation")
            c = text[j + 1]
            out.append(_UNESCAPES.get(c, c))
            i = j + 2

    def items(self, read_item: Callable[[], T]) -> list[T]:
        """A ``[a,b,...]`` list."""
        self.expect("[")
        result: list[T] = []
        while not self.peek("]"):
            if result:
                self.expect(",")
            result.append(read_item())
        self.expect("]")
        return result


def parse(text: str) -> Derivation:
    """Read a ``.drv`` file's ATerm (the inverse of :func:`unparse`).

    The name is not part of the text; it is left empty. Raises
    ``ValueError`` if ``text`` is not a derivation.
    """
    r = _Reader(text)
    r.expect("Derive(")
    drv = Derivation(name="")

    def output() -> None:
        r.expect("(")
        name = r.string()
        r.expect(",")
        path = r.string()
        r.expect(",")
        algo = r.string()
        r.expect(",")
        digest = r.string()
        r.expect(")")
        drv.outputs[name] = DerivationOutput(path, algo, digest)

    def input_drv() -> None:
        r.expect("(")
        path = r.string()
        r.expect(",")
        drv.input_drvs[path] = set(r.items(r.string))
        r.expect(")")

    def env_entry() -> None:
        r.expect("(")
        key = r.string()
        r.expect(",")
        drv.env[key] = r.string()
        r.expect(")")

    r.items(output)
    r.expect(",")
    r.items(input_drv)
    r.expect(",")
    drv.input_srcs = set(r.items(r.string))
    r.expect(",")
    drv.platform = r.string()
    r.expect(",")
    drv.builder = r.string()
    r.expect(",")
    drv.args = r.items(r.string)
    r.expect(",")
    r.items(env_entry)
    r.expect(")")
    if r.pos != len(text):
        raise ValueError("trailing text after a derivation")
    return drv
