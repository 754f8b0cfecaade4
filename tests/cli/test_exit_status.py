"""`nixls` behaves like a Unix tool: --version, documented and consistent exit statuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from nixls import __version__
from tests.cli.nixls_run import nixls


def test_version() -> None:
    proc = nixls("--version")
    assert proc.returncode == 0
    assert proc.stdout == f"nixls {__version__}\n"


def test_help_documents_the_exit_statuses() -> None:
    proc = nixls("--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    for status, meaning in [
        ("0", "success"),
        ("1", "an error in the Nix code"),
        ("2", "a usage error, a missing file"),
        ("130", "interrupted (Ctrl-C)"),
    ]:
        assert f"{status} {meaning}" in text


@pytest.mark.parametrize(
    "args",
    [
        ("eval", "nope.nix"),
        ("check", "nope.nix"),
        ("parse", "nope.nix"),
        ("eval", "--no-such-option", "-E", "1"),
        ("check", "--ignore", "no-such-code", "."),
        ("frobnicate",),
    ],
)
def test_missing_files_and_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    proc = nixls(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    if "nope.nix" in args:
        assert "nope.nix" in proc.stderr


def test_errors_in_nix_code_exit_1(tmp_path: Path) -> None:
    (tmp_path / "bad.nix").write_text('{\n  a = 1;\n  b = 1 + "x";\n  c = ;\n}\n')
    (tmp_path / "wrong.nix").write_text('let x = 1;\nin x + "a"\n')
    assert nixls("eval", "wrong.nix", cwd=tmp_path).returncode == 1
    assert nixls("check", "bad.nix", cwd=tmp_path).returncode == 1
    assert nixls("parse", "bad.nix", cwd=tmp_path).returncode == 1
    assert nixls("eval", "-E", 'throw "no"', cwd=tmp_path).returncode == 1


def test_success_exits_0(tmp_path: Path) -> None:
    (tmp_path / "ok.nix").write_text("{ a }: a\n")
    assert nixls("eval", "-E", "1 + 1", cwd=tmp_path).stdout == "2\n"
    assert nixls("check", "ok.nix", cwd=tmp_path).returncode == 0
    assert nixls("parse", "ok.nix", cwd=tmp_path).returncode == 0


def test_eval_without_a_file_reads_default_nix(tmp_path: Path) -> None:
    (tmp_path / "default.nix").write_text('{ greeting = "hi"; n = 1 + 2; }\n')
    proc = nixls("eval", "--strict", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == '{ greeting = "hi"; n = 3; }\n'
    assert nixls("eval", "-A", "n", cwd=tmp_path).stdout == "3\n"


def test_eval_without_a_file_and_no_default_nix(tmp_path: Path) -> None:
    proc = nixls("eval", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == f"error: path '{tmp_path / 'default.nix'}' does not exist\n"


def test_eval_of_a_folder_reads_its_default_nix(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "default.nix").write_text("40 + 2\n")
    assert nixls("eval", "pkg", cwd=tmp_path).stdout == "42\n"


def test_errors_name_the_real_file_with_line_and_column(tmp_path: Path) -> None:
    # Nix: "attribute 'a' already defined at /abs/dup.nix:2:3", never "(string)".
    path = tmp_path / "dup.nix"
    path.write_text("{\n  a = 1;\n  a = 2;\n}\n")
    proc = nixls("eval", "dup.nix", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"error: attribute 'a' already defined at {path}:2:3\n")
    assert f"at {path}:3:3:" in proc.stderr
    assert "(string)" not in proc.stderr
    wrong = tmp_path / "wrong.nix"
    wrong.write_text('let x = 1;\nin x + "a"\n')
    proc = nixls("eval", "wrong.nix", cwd=tmp_path)
    assert f"at {wrong}:2:" in proc.stderr
