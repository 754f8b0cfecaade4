"""Reader for ``fixtures/cases.nix-cases`` (see the header of that file)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Expect:
    code: str
    text: str
    severity: str | None  # None: the code's default


@dataclass
class Case:
    name: str
    source: bytes
    expects: list[Expect]


def _expect(spec: str) -> Expect:
    code, _, text = spec.partition(" ")
    severity = None
    for level in ("error", "warning", "information", "hint"):
        suffix = f" ({level})"
        if text.endswith(suffix):
            text, severity = text[: -len(suffix)], level
    return Expect(code, text, severity)


def load_cases() -> list[Case]:
    """Every case of the fixture file, in order."""
    cases: list[Case] = []
    name: str | None = None
    body: list[str] = []
    expects: list[Expect] = []

    def flush() -> None:
        if name is not None:
            text = "\n".join(body).strip("\n") + "\n"
            cases.append(Case(name, text.encode("utf-8"), list(expects)))

    for line in (FIXTURES / "cases.nix-cases").read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            flush()
            name, body, expects = line[4:].strip(), [], []
        elif name is None:
            continue
        elif line.startswith("# expect: "):
            expects.append(_expect(line[len("# expect: ") :]))
        else:
            body.append(line)
    flush()
    return cases


def load_verdicts() -> dict[str, tuple[bool, str]]:
    """Case name -> (accepted by `nix-instantiate --parse`, its error message)."""
    verdicts = {}
    lines = (FIXTURES / "nix_verdicts.tsv").read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        name, verdict, message = line.split("\t")
        verdicts[name] = (verdict == "ok", message)
    return verdicts
