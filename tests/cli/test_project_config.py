"""nixls.toml: found by walking up, validated with located messages, used by check and eval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluator.compiler.diagnostics import Severity
from nixls.cli import main
from nixls.cli.check_cmd import check_source
from nixls.project_config import (
    KEYS,
    ConfigError,
    adjust,
    config_for,
    find_config,
    is_excluded,
    load_config,
    overlay,
    settings_json,
)
from tests.cli.nixls_run import nixls

FULL = """\
[diagnostics]
ignored = ["shadowed-builtin"]
exclude = ["vendor/*"]
severity = { unused-with = "hint", unused-rec = "off", unused-argument = "warning" }

[eval]
nixPath = ["lib=./lib", "https://example.org/x.tar.gz"]
allowedPaths = ["../common"]
autoArgs = { greeting = '"hello"' }

[eval.budget]
steps = 1000
timeoutMs = 500
memoryMB = 64
maxCallDepth = 100
"""


def test_found_by_walking_up_nearest_first(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    assert find_config(deep) is None or not str(find_config(deep)).startswith(str(tmp_path))
    (tmp_path / "nixls.toml").write_text("")
    assert find_config(deep / "file.nix") == tmp_path / "nixls.toml"
    (tmp_path / "a" / ".nixls.toml").write_text("")
    assert find_config(deep) == tmp_path / "a" / ".nixls.toml"
    (tmp_path / "a" / "nixls.toml").write_text("")
    assert find_config(deep) == tmp_path / "a" / "nixls.toml"  # preferred to the dot-file


def test_every_key_is_read_and_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "nixls.toml").write_text(FULL)
    config = config_for(tmp_path)
    assert config.ignored == {"shadowed-builtin"}
    assert config.exclude == [f"{tmp_path}/vendor/*"]
    assert config.severity["unused-rec"] == "off"
    assert config.get("eval.nixPath") == [f"lib={tmp_path}/lib", "https://example.org/x.tar.gz"]
    assert config.get("eval.allowedPaths") == [f"{tmp_path.parent}/common"]
    assert config.get("eval.autoArgs") == {"greeting": '"hello"'}
    assert config.get("eval.budget.maxCallDepth") == 100
    nested = settings_json(config)
    assert nested["eval"]["budget"] == {
        "steps": 1000,
        "timeoutMs": 500,
        "memoryMB": 64,
        "maxCallDepth": 100,
    }


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("[diagnostics]\nignored = [\n", "3:1", "Invalid"),
        ('[eval]\nnixPath = ["a"]\nbogus = 1\n', "3:1", "unknown key 'eval.bogus'"),
        ('[diagnostics]\n\nignored = ["no-such"]\n', "3:1", "unknown diagnostic code 'no-such'"),
        ('[eval.budget]\nsteps = "10"\n', "2:1", "expected a non-negative integer"),
        ('[diagnostics.severity]\nunused-with = "loud"\n', "2:1", "must be one of"),
        ("colour = true\n", "1:1", "unknown key 'colour'"),
    ],
)
def test_bad_files_give_a_located_message(
    tmp_path: Path, text: str, where: str, message: str
) -> None:
    path = tmp_path / "nixls.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}:{where}: ")
    assert message in str(caught.value)


def test_bad_file_in_check_exits_2_with_the_message(tmp_path: Path) -> None:
    (tmp_path / "nixls.toml").write_text("[diagnostics]\nignore = []\n")
    (tmp_path / "a.nix").write_text("1\n")
    proc = nixls("check", "a.nix", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"nixls check: {tmp_path / 'nixls.toml'}:2:1: unknown key")
    assert "Traceback" not in proc.stderr
    proc = nixls("eval", "a.nix", cwd=tmp_path)
    assert (proc.returncode, proc.stderr.count("\n")) == (2, 1)


def test_adjust_ignores_and_changes_severities() -> None:
    source = b"x: with {}; rec { a = 1; }"
    diags = check_source(source, "t.nix")
    assert {d.code for d in diags} == {"unused-argument", "unused-with", "unused-rec"}
    out = adjust(diags, ["unused-with"], {"unused-rec": "off", "unused-argument": "error"})
    assert [(d.code, d.severity) for d in out] == [("unused-argument", Severity.ERROR)]


def test_exclude_globs_match_files_and_folders(tmp_path: Path) -> None:
    patterns = [f"{tmp_path}/vendor", f"{tmp_path}/gen-*.nix"]
    assert is_excluded(tmp_path / "vendor" / "x" / "y.nix", patterns)
    assert is_excluded(tmp_path / "gen-1.nix", patterns)
    assert not is_excluded(tmp_path / "src" / "gen.nix", patterns)


def test_check_applies_the_project_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "nixls.toml").write_text(
        '[diagnostics]\nignored = ["unused-binding"]\nexclude = ["vendor"]\n'
        '[diagnostics.severity]\nunused-with = "error"\n'
    )
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "bad.nix").write_text("{ a = ; }\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.nix").write_text("let unused = 1; in with {}; 2\n")
    assert main(["check", "--format", "json", str(tmp_path)]) == 1
    records = json.loads(capsys.readouterr().out)
    assert [(r["file"], r["code"], r["severity"]) for r in records] == [
        (str(tmp_path / "src" / "a.nix"), "unused-with", "error")
    ]
    # A file named on the command line is checked even if excluded.
    assert main(["check", str(tmp_path / "vendor" / "bad.nix")]) == 1


def test_eval_uses_the_project_eval_settings(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "default.nix").write_text('{ shout = s: s + "!"; }\n')
    (tmp_path / "nixls.toml").write_text(
        '[eval]\nnixPath = ["mylib=./lib"]\nautoArgs = { greeting = \'"hello"\' }\n'
        "[eval.budget]\nmaxCallDepth = 50\n"
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "default.nix").write_text("{ greeting }: (import <mylib>).shout greeting\n")
    proc = nixls("eval", cwd=tmp_path / "sub")
    assert (proc.returncode, proc.stdout) == (0, '"hello!"\n'), proc.stderr
    # Command-line arguments override the file.
    proc = nixls("eval", "--argstr", "greeting", "hi", cwd=tmp_path / "sub")
    assert proc.stdout == '"hi!"\n'
    deep = "let f = n: if n == 0 then 0 else f (n - 1); in f 100"
    proc = nixls("eval", "-E", deep, cwd=tmp_path / "sub")
    assert "max-call-depth exceeded" in proc.stderr
    assert nixls("eval", "--max-call-depth", "200", "-E", deep, cwd=tmp_path).stdout == "0\n"


def test_editor_settings_override_the_file_unless_left_at_their_default() -> None:
    base = {
        "diagnostics": {"ignored": ["unused-rec"], "exclude": ["/x"]},
        "eval": {"nixPath": ["a"]},
    }
    defaults = {"diagnostics": {"ignored": [], "exclude": []}, "eval": {"nixPath": []}}
    editor = {"diagnostics": {"ignored": [], "exclude": ["/y"]}, "eval": {"enable": False}}
    assert overlay(base, editor, defaults) == {
        "diagnostics": {"ignored": ["unused-rec"], "exclude": ["/y"]},
        "eval": {"nixPath": ["a"], "enable": False},
    }
    assert overlay(base, None, defaults) == base


def test_readme_documents_every_key_with_an_example_that_loads(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Project configuration", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "nixls.toml").write_text(example)
    config = load_config(tmp_path / "nixls.toml")
    assert sorted(config.values) == sorted(KEYS)
