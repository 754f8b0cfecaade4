"""Live evaluation over JSON-RPC: eval diagnostics, hover values, evaluate command,
code lenses, inlay hints, budgets, cancellation and confinement.

Expected error messages are the ones C++ Nix 2.8 prints (checked with
``nix-instantiate --eval --strict -E``).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.server.harness import Session, pos, rng

pytestmark = pytest.mark.asyncio(loop_scope="session")

INIT_OPTIONS = {
    "nixls": {
        "diagnostics": {"debounceMs": 0},
        "eval": {
            "diagnostics": "onType",
            "budget": {"timeoutMs": 1500, "steps": 10**9, "maxCallDepth": 0},
        },
        "hover": {"waitMs": 3000},
    }
}


def ident(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def eval_diags(diags: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in diags if d.source == "nixls-eval"]


async def evaluate(session: Session, arg: dict[str, Any]) -> dict[str, Any]:
    result = await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="nixls.evaluate", arguments=[arg])
    )
    assert isinstance(result, dict)
    return result


def as_json(r: types.Range) -> dict[str, Any]:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


async def hover_text(session: Session, uri: str, at: types.Position) -> str:
    result = await session.client.text_document_hover_async(
        types.HoverParams(text_document=ident(uri), position=at)
    )
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    return result.contents.value


async def configure(session: Session, settings: dict[str, Any]) -> None:
    merged = {"nixls": {**INIT_OPTIONS["nixls"], **settings}}
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=merged)
    )
    await asyncio.sleep(0.1)


# ---------------------------------------------------------------- diagnostics


@pytest.mark.parametrize(
    ("text", "message", "at"),
    [
        # Located at the right operand, as Nix 2.26 locates errors of `+`.
        ('let x = 1; in x + "a"\n', "cannot add a string to an integer", '"a"'),
        ("{ a = 1; }.b\n", "attribute 'b' missing", "{ a = 1; }.b"),
        # Nix 2.26 explains a failed `==` assertion
        (
            "assert 1 == 2; 3\n",
            "an integer with value '1' is not equal to an integer with value '2'",
            "assert",
        ),
        # at the failing call, where Nix 2.26's trace points ("while calling the 'throw' builtin")
        ('{ a.b = throw "boom"; }\n', "boom", 'throw "boom"'),
        ("let x = x; in x\n", "infinite recursion encountered", None),
    ],
)
async def test_evaluation_errors_become_diagnostics(
    session: Session, text: str, message: str, at: str | None
) -> None:
    uri = session.open(f"err-{abs(hash(text))}.nix", text)
    diags = await session.diagnostics(uri, until=lambda ds: bool(eval_diags(ds)))
    (d,) = eval_diags(diags)
    assert d.message == message
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.code == "eval-error"
    if at is not None:
        assert d.range.start == pos(text, at)


async def test_errors_in_a_function_file_use_defaults_and_skip_unknowns(session: Session) -> None:
    text = "{ pkgs, n ? 2 }:\n{\n  fine = pkgs.hello;\n  bad = n + true;\n}\n"
    uri = session.open("fn-file.nix", text)
    diags = await session.diagnostics(uri, until=lambda ds: bool(eval_diags(ds)))
    (d,) = eval_diags(diags)
    assert d.message == "cannot add a Boolean to an integer"
    assert d.range.start == pos(text, "true")  # the right operand, as Nix 2.26


async def test_every_failing_attribute_is_reported(session: Session) -> None:
    text = '{\n  a = 1 + true;\n  b = throw "nope";\n  c = 2;\n  d = [ (assert false; 1) ];\n}\n'
    uri = session.open("many-errors.nix", text)
    diags = await session.diagnostics(uri, until=lambda ds: len(eval_diags(ds)) >= 3)
    messages = sorted(d.message for d in eval_diags(diags))
    assert messages == ["assertion 'false' failed", "cannot add a Boolean to an integer", "nope"]


async def test_successful_evaluation_publishes_no_eval_diagnostics(session: Session) -> None:
    uri = session.open("fine.nix", "let xs = [ 1 2 3 ]; in builtins.length xs\n")
    # Wait for the evaluation to finish: the status reports no running evaluation.
    await wait_idle(session)
    assert eval_diags(await session.diagnostics(uri)) == []


async def _wait_status(session: Session, running: bool, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        status = await session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="nixls.status", arguments=[])
        )
        assert isinstance(status, dict)
        if (status["runningEvaluations"] > 0) == running:
            return
        assert time.monotonic() < deadline, status
        await asyncio.sleep(0.02)


async def wait_idle(session: Session, timeout: float = 60) -> None:
    await _wait_status(session, False, timeout)


async def wait_running(session: Session, timeout: float = 60) -> None:
    await _wait_status(session, True, timeout)


async def test_runaway_evaluation_hits_budget_while_hover_answers(session: Session) -> None:
    # Calibrated on this machine, now: the same hover with nothing running.
    # A hover that waited for the runaway would take its whole time budget,
    # at least four times the bound.
    quiet_text = "let\n  f = x: f x;\n  y = 1 + 2;\nin\n  1\n"
    quiet = session.open("runaway-quiet.nix", quiet_text)
    await wait_idle(session)
    started = time.monotonic()
    assert "```nix\n3\n```" in await hover_text(session, quiet, pos(quiet_text, "y ="))
    idle = time.monotonic() - started
    bound = max(1.0, 5 * idle)  # sharing the interpreter with the runaway slows it
    budget_s = 4 * bound
    try:
        await configure(
            session, {"eval": {**INIT_OPTIONS["nixls"]["eval"], "budget": {
                "timeoutMs": int(budget_s * 1000), "steps": 10**9, "maxCallDepth": 0}}},
        )  # fmt: skip
        text = "let\n  f = x: f x;\n  y = 1 + 2;\nin\n  f 1\n"
        uri = session.open("runaway.nix", text)
        await wait_running(session)  # the file evaluation is now spinning
        started = time.monotonic()
        hover = await hover_text(session, uri, pos(text, "y ="))
        took = time.monotonic() - started
        assert "`y`: let binding" in hover
        assert "```nix\n3\n```" in hover
        assert took < bound, (took, idle)
        diags = await session.diagnostics(uri, until=lambda ds: bool(eval_diags(ds)), timeout=30)
    finally:
        await configure(session, {})
    (d,) = eval_diags(diags)
    # No call-depth limit here (INIT_OPTIONS): only the time budget stops it.
    assert d.message.startswith("evaluation budget exceeded"), d.message
    assert d.code == "eval-budget"
    assert d.severity == types.DiagnosticSeverity.Warning


async def test_hostile_file_is_denied(session: Session) -> None:
    text = "builtins.readFile /etc/passwd + (import /etc/hostname)\n"
    uri = session.open("hostile.nix", text)
    diags = await session.diagnostics(uri, until=lambda ds: bool(eval_diags(ds)))
    (d,) = eval_diags(diags)
    assert "'/etc/passwd'" in d.message and "forbidden" in d.message
    result = await evaluate(
        session, {"uri": uri, "range": as_json(rng(text, "(import /etc/hostname)"))}
    )
    assert result["value"] is None
    assert "'/etc/hostname'" in result["error"] and "forbidden" in result["error"]
    # getEnv sees nothing.
    text2 = 'builtins.getEnv "PATH"\n'
    uri2 = session.open("env.nix", text2)
    result = await evaluate(session, {"uri": uri2, "position": {"line": 0, "character": 0}})
    assert result["value"] == '""'


async def test_reads_inside_the_workspace_are_allowed(session: Session) -> None:
    session.write("data.txt", "hello")
    text = "builtins.readFile ./data.txt\n"
    uri = session.open("reads.nix", text)
    result = await evaluate(session, {"uri": uri, "position": {"line": 0, "character": 0}})
    assert result == {**result, "value": '"hello"', "type": "string", "error": None}


async def test_nix_path_and_allowed_paths(
    session: Session, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "default.nix").write_text('{ greeting = "hi"; }\n')
    (outside / "data.txt").write_text("outside data")
    text = "(import <mylib>).greeting\n"
    uri = session.open("nixpath.nix", text)
    at = {"uri": uri, "position": {"line": 0, "character": 0}}
    # No search path entry: the lookup fails.
    result = await evaluate(session, at)
    assert "mylib" in (result["error"] or "")
    data = f"builtins.readFile {outside}/data.txt\n"
    data_uri = session.open("outside-read.nix", data)
    data_at = {"uri": data_uri, "position": {"line": 0, "character": 0}}
    assert "forbidden" in ((await evaluate(session, data_at))["error"] or "")
    try:
        await configure(session, {"eval": {"nixPath": [f"mylib={outside}"], "diagnostics": "off"}})
        assert (await evaluate(session, at))["value"] == '"hi"'
        await configure(session, {"eval": {"allowedPaths": [str(outside)], "diagnostics": "off"}})
        assert (await evaluate(session, data_at))["value"] == '"outside data"'
    finally:
        await configure(session, {})


async def test_eval_enable_and_code_lens_settings(session: Session) -> None:
    text = "let a = 1 + 1; in a\n"
    try:
        await configure(session, {"eval": {"enable": False}, "codeLens": {"evaluate": False}})
        uri = session.open("disabled.nix", text)
        hover = await hover_text(session, uri, pos(text, "a ="))
        assert "let binding" in hover and "```nix\n2" not in hover
        lenses = await session.client.text_document_code_lens_async(
            types.CodeLensParams(text_document=ident(uri))
        )
        assert not lenses
        result = await evaluate(session, {"uri": uri, "position": {"line": 0, "character": 0}})
        assert "disabled" in result["error"]
    finally:
        await configure(session, {})


async def test_modes_off_and_on_save(session: Session) -> None:
    text = "1 + true\n"
    try:
        await configure(session, {"eval": {"diagnostics": "off"}})
        uri = session.open("off.nix", text)
        await wait_idle(session)
        assert eval_diags(await session.diagnostics(uri)) == []
        await configure(session, {"eval": {"diagnostics": "onSave"}})
        uri = session.open("onsave.nix", "1\n")
        await wait_idle(session)
        session.replace(uri, text)
        await wait_idle(session)
        assert eval_diags(await session.diagnostics(uri)) == []  # not saved yet
        session.save(uri)
        diags = await session.diagnostics(uri, until=lambda ds: bool(eval_diags(ds)))
        assert eval_diags(diags)[0].message == "cannot add a Boolean to an integer"
    finally:
        await configure(session, {})


async def test_imported_file_changes_reevaluate_open_documents(session: Session) -> None:
    dep = session.write("dep.nix", "{ value = 1 + true; }\n")
    uri = session.open("uses-dep.nix", "(import ./dep.nix).value\n")
    diags = await session.diagnostics(uri, until=lambda ds: bool(eval_diags(ds)))
    assert eval_diags(diags)[0].message == "cannot add a Boolean to an integer"
    session.write("dep.nix", "{ value = 1; }\n")
    session.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=dep.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    assert eval_diags(await session.diagnostics(uri, until=lambda ds: not eval_diags(ds))) == []


# ---------------------------------------------------------------- hover values


async def test_hover_shows_shallow_value_type_and_time(session: Session) -> None:
    text = (
        'let\n  s = { a = 1; b = [ 1 2 3 ]; c = { d = 1; }; e = "x"; f = y: y;\n'
        "        g = null; h = 1.5; i = true; j = 0; };\nin s\n"
    )
    uri = session.open("hover-value.nix", text)
    hover = await hover_text(session, uri, pos(text, "s", nth=1))
    assert (
        '```nix\n{ a = 1; b = «list of 3»; c = «set of 1 attribute»; e = "x"; f = «lambda»; '
        "g = null; h = 1.5; i = true; … }\n```"
    ) in hover
    assert "*set (9 attributes)*" in hover
    assert " ms" in hover


async def test_hover_names_the_unknown_argument(session: Session) -> None:
    text = "{ pkgs }:\nlet v = pkgs.hello; in v\n"
    uri = session.open("unknown-arg.nix", text)
    hover = await hover_text(session, uri, pos(text, "v", nth=1))
    assert "depends on argument `pkgs` of the function on line 1" in hover


async def test_auto_args_supply_the_top_level_function(session: Session) -> None:
    text = "{ pkgs }:\nlet v = pkgs.hello; in v\n"
    try:
        await configure(
            session, {"eval": {"diagnostics": "off", "autoArgs": {"pkgs": "{ hello = 42; }"}}}
        )
        uri = session.open("auto-args.nix", text)
        hover = await hover_text(session, uri, pos(text, "v", nth=1))
        assert "```nix\n42\n```" in hover
    finally:
        await configure(session, {})


async def test_definition_through_an_evaluated_with(session: Session) -> None:
    defs = "{\n  alpha = 1;\n  beta = 2;\n}\n"
    session.write("evaluated-defs.nix", defs)
    text = (
        "let local = { gamma = 3; }; in\n"
        "with (if true then import ./evaluated-defs.nix else { });\n"
        "with (if true then local else { });\n"
        "[ beta gamma ]\n"
    )
    uri = session.open("evaluated-with.nix", text)
    result = await session.client.text_document_definition_async(
        types.DefinitionParams(text_document=ident(uri), position=pos(text, "beta"))
    )
    assert isinstance(result, list) and len(result) == 1
    loc = result[0]
    assert isinstance(loc, types.Location)
    assert loc.uri == session.uri("evaluated-defs.nix")
    assert loc.range == rng(defs, "beta")
    result = await session.client.text_document_definition_async(
        types.DefinitionParams(text_document=ident(uri), position=pos(text, "gamma ]"))
    )
    assert isinstance(result, list) and len(result) == 1
    assert isinstance(result[0], types.Location)
    assert result[0].uri == uri and result[0].range == rng(text, "gamma")


# ---------------------------------------------------------------- command, lens, hints


async def test_evaluate_command_and_inlay_hint(session: Session) -> None:
    text = "let\n  xs = builtins.genList (i: i * i) 5;\nin\n  builtins.length xs\n"
    uri = session.open("command.nix", text)
    refreshes: dict[str, int] = session.client.refreshes  # type: ignore[attr-defined]
    before = refreshes["inlayHint"]
    result = await evaluate(
        session, {"uri": uri, "range": as_json(rng(text, "builtins.genList (i: i * i) 5"))}
    )
    assert result["value"] == "[ 0 1 4 9 16 ]"
    assert result["type"] == "list (5 items)"
    assert result["error"] is None
    hints = await session.client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=ident(uri),
            range=types.Range(start=pos(text, "let"), end=pos(text, "xs\n", 2)),
        )
    )
    assert hints is not None
    (hint,) = hints
    assert hint.label == "= [ 0 1 4 9 16 ]"
    assert hint.position == pos(text, ";")
    deadline = time.monotonic() + 60  # only a refresh that never comes reaches it
    while refreshes["inlayHint"] == before:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    # A position evaluates the innermost expression there.
    result = await evaluate(
        session, {"uri": uri, "position": as_json(rng(text, "length"))["start"]}
    )
    assert result["value"] == "5"
    # The document changes: the hints are gone.
    session.replace(uri, text + " ")
    hints = await session.client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=ident(uri),
            range=types.Range(start=pos(text, "let"), end=pos(text, "xs\n", 2)),
        )
    )
    assert not hints


async def test_evaluate_rejects_bad_arguments(session: Session) -> None:
    with pytest.raises(JsonRpcException):
        await evaluate(session, {"nope": 1})
    with pytest.raises(JsonRpcException):
        await evaluate(
            session, {"uri": session.uri("not-open.nix"), "position": {"line": 0, "character": 0}}
        )


async def test_code_lenses_evaluate_root_and_top_level_bindings(session: Session) -> None:
    text = "let\n  a = 1;\nin\n{\n  b = a + 1;\n  c = [ a ];\n}\n"
    uri = session.open("lens.nix", text)
    lenses = await session.client.text_document_code_lens_async(
        types.CodeLensParams(text_document=ident(uri))
    )
    assert lenses is not None
    assert [lens.range.start.line for lens in lenses] == [0, 1, 4, 5]
    assert all(lens.command is not None and lens.command.title == "Evaluate" for lens in lenses)
    values = []
    for lens in lenses:
        assert lens.command is not None and lens.command.arguments
        arg = lens.command.arguments[0]
        assert isinstance(arg, dict)
        values.append((await evaluate(session, arg))["value"])
    assert values == ["{ b = 2; c = «list of 1»; }", "1", "2", "[ 1 ]"]


async def test_let_binding_values_as_inlay_hints(session: Session) -> None:
    text = "let\n  a = 20;\n  b = a + 22;\n  f = x: x;\nin\n  b\n"
    try:
        await configure(session, {"inlayHints": {"values": True}})
        uri = session.open("let-hints.nix", text)
        hints = await session.client.text_document_inlay_hint_async(
            types.InlayHintParams(
                text_document=ident(uri),
                range=types.Range(start=pos(text, "let"), end=pos(text, "in\n")),
            )
        )
        assert hints is not None
        assert [(h.position.line, h.label) for h in hints] == [
            (1, "= 20"),
            (2, "= 42"),
            (3, "= «lambda»"),
        ]
    finally:
        await configure(session, {})


# ---------------------------------------------------------------- cancellation, progress


# Endless tail calls: with no call-depth limit (maxCallDepth 0 in these
# tests), only the time budget or cancellation stops them.
RUNAWAY = "let f = x: f x; in f 1\n"


async def test_call_depth_limit_ends_endless_recursion(session: Session) -> None:
    try:
        budget = {"timeoutMs": 60000, "maxCallDepth": 10000}
        await configure(session, {"eval": {"diagnostics": "onType", "budget": budget}})
        uri = session.open("depth.nix", RUNAWAY)
        diags = await session.diagnostics(uri, until=lambda ds: bool(eval_diags(ds)), timeout=15)
        (d,) = eval_diags(diags)
        assert "max-call-depth exceeded" in d.message, d.message
    finally:
        await configure(session, {})


async def test_cancel_request_stops_the_evaluation(session: Session) -> None:
    try:
        await configure(
            session,
            {"eval": {"diagnostics": "off", "budget": {"timeoutMs": 60000, "maxCallDepth": 0}}},
        )
        uri = session.open("cancel.nix", RUNAWAY)
        await wait_idle(session)
        future = session.client.protocol.send_request(
            types.WORKSPACE_EXECUTE_COMMAND,
            types.ExecuteCommandParams(
                command="nixls.evaluate",
                arguments=[{"uri": uri, "position": {"line": 0, "character": 19}}],
            ),
            msg_id="cancel-me",
        )
        await wait_running(session)  # whatever the load, the evaluation is under way
        session.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="cancel-me"))
        # Far less than the budget (60 s): only a cancel that did not stop it waits.
        with pytest.raises(JsonRpcException) as info:
            await asyncio.wait_for(asyncio.wrap_future(future), 30)
        assert info.value.code == -32800  # RequestCancelled
        await wait_idle(session, timeout=30)
    finally:
        await configure(session, {})


async def test_document_change_cancels_the_evaluation(session: Session) -> None:
    try:
        await configure(
            session,
            {"eval": {"diagnostics": "off", "budget": {"timeoutMs": 60000, "maxCallDepth": 0}}},
        )
        uri = session.open("change-cancels.nix", RUNAWAY)
        task = asyncio.ensure_future(
            evaluate(session, {"uri": uri, "position": {"line": 0, "character": 19}})
        )
        await wait_running(session)  # whatever the load, the evaluation is under way
        session.replace(uri, "1\n")
        # Far less than the budget (60 s): only an edit that did not stop it waits.
        with pytest.raises(JsonRpcException) as info:
            await asyncio.wait_for(task, 30)
        assert info.value.code == -32801  # ContentModified
        await wait_idle(session, timeout=30)
    finally:
        await configure(session, {})


async def test_long_evaluations_report_progress(session: Session) -> None:
    # Well past the moment after which progress shows (0.3 s) on a fast, idle
    # machine too: summing 400,000 items came under it once `foldl'` got faster
    # (0.26 s of evaluation); their digits' `toString` takes ~1.7 s there.
    items = 400_000
    text = (
        "builtins.foldl' (a: b: a + builtins.stringLength (toString b)) 0"
        f" (builtins.genList (i: i) {items})\n"
    )
    try:
        budget = {"timeoutMs": 30000, "steps": 10**9}
        await configure(session, {"eval": {"diagnostics": "off", "budget": budget}})
        uri = session.open("progress.nix", text)
        reports: dict[Any, list[Any]] = session.client.progress_reports
        before = set(reports)
        result = await evaluate(session, {"uri": uri, "position": {"line": 0, "character": 0}})
        assert result["value"] == str(sum(len(str(i)) for i in range(items)))
        new = [reports[t] for t in set(reports) - before]
        assert any(
            isinstance(r[0], types.WorkDoneProgressBegin)
            and isinstance(r[-1], types.WorkDoneProgressEnd)
            for r in new
            if r
        ), new
    finally:
        await configure(session, {})
