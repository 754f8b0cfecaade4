"""What a `flake.nix` says, read from its tree without evaluating.

The inputs it declares (in `inputs = { … }` or as `inputs.x.url = …`
paths at the top), with their URL, flake-ness and `follows` when they are
written as literals; the `outputs` function; and where inputs are used:
its formals (`{ self, nixpkgs, … }:`) and selections from its argument set
(`inputs.nixpkgs`, `inherit (inputs) nixpkgs;`, `inputs ? nixpkgs`).
Anything the model cannot see statically (a computed input name, the
argument set passed on whole) is recorded, so checks stay quiet rather
than guess.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from evaluator.builtins import flakeref
from evaluator.compiler import Analysis
from evaluator.compiler.model import Binding, GlobalRef, LocalRef
from evaluator.syntax import nodes
from nixls.ide.tree import ancestors_at, unparen

Span = tuple[int, int]
Scalar = str | int | bool


@dataclass
class InputDecl:
    """One declared input: every place its name is written, and its literal attributes."""

    name: str
    spans: list[Span] = field(default_factory=list)
    url: str | None = None
    url_span: Span | None = None
    attrs: dict[str, Scalar] = field(default_factory=dict)  # `type = "path"; path = …;`
    flake: bool = True
    follows: str | None = None
    follows_span: Span | None = None
    # Some attribute is computed: the reference cannot be compared with the lock.
    dynamic: bool = False

    def reference(self) -> dict[str, Scalar] | None:
        """The flake reference declared, in attribute form (None if not literal)."""
        if self.dynamic or self.follows is not None:
            return None
        ref: dict[str, Scalar] = {}
        if self.url is not None and self.url.startswith("."):
            ref.update({"type": "path", "path": self.url})  # relative, as Nix reads it
        elif self.url is not None:
            try:
                ref.update(flakeref.parse(self.url))
            except flakeref.FlakeRefError:
                return None
        ref.update(self.attrs)
        return ref or None


@dataclass
class InputUse:
    """A use of an input in the outputs: a formal, or a selection from the argument set."""

    name: str
    span: Span
    kind: str  # "formal"; "select" (`inputs.x`, `inherit (inputs) x`, `inputs ? x`)
    # Fine if not declared: `inputs ? x`, `inputs.x or …`, a formal with a default.
    optional: bool = False


@dataclass
class FlakeModel:
    """The static facts of one `flake.nix` text."""

    root: nodes.AttrSet
    inputs: dict[str, InputDecl] = field(default_factory=dict)
    inputs_span: Span | None = None  # the first `inputs` key
    outputs: nodes.Lambda | None = None
    outputs_span: Span | None = None  # the `outputs` key
    formals: dict[str, Span] = field(default_factory=dict)
    ellipsis: bool = False
    # The binding of the whole argument set (`inputs@{ … }:` or `inputs:`).
    argset: Binding | None = None
    uses: list[InputUse] = field(default_factory=list)
    argset_whole: bool = False  # passed on or used other than by selecting a name
    dynamic_inputs: bool = False  # some input name is computed
    # Inputs other inputs follow (`a.inputs.b.follows = "c"`, `a.follows = "c/d"`).
    followed: set[str] = field(default_factory=set)

    def used_names(self) -> set[str]:
        """Input names the outputs use (formals and selections)."""
        return {u.name for u in self.uses}


def is_flake_file(path: str | None) -> bool:
    """Whether ``path`` names a `flake.nix`."""
    return path is not None and os.path.basename(path) == "flake.nix"


def read_model(root: nodes.Node, analysis: Analysis) -> FlakeModel | None:
    """The model of a flake's tree, or None if its top is not an attribute set."""
    top = unparen(root)
    if not isinstance(top, nodes.AttrSet):
        return None
    model = FlakeModel(top)
    for binding in top.bindings:
        if not isinstance(binding, nodes.AttrDef) or not binding.path:
            continue
        first = binding.path[0]
        if not isinstance(first, nodes.StaticKey):
            continue
        if first.name == "inputs":
            if model.inputs_span is None:
                model.inputs_span = (first.start, first.end)
            _read_inputs(model, binding.path[1:], binding.value)
        elif first.name == "outputs" and len(binding.path) == 1:
            model.outputs_span = (first.start, first.end)
            fn = unparen(binding.value)
            if isinstance(fn, nodes.Lambda):
                _read_outputs(model, fn, analysis, root)
    return model


# ---------------------------------------------------------------- inputs


def _read_inputs(model: FlakeModel, path: list[nodes.AttrKey], value: nodes.Node) -> None:
    if path:
        _read_entry(model, path, value)
        return
    value = unparen(value)
    if not isinstance(value, nodes.AttrSet):
        model.dynamic_inputs = True
        return
    for binding in value.bindings:
        if isinstance(binding, nodes.AttrDef) and binding.path:
            _read_entry(model, binding.path, binding.value)
        else:  # `inherit` of whole inputs: not literal
            model.dynamic_inputs = True


def _read_entry(model: FlakeModel, path: list[nodes.AttrKey], value: nodes.Node) -> None:
    """`name.rest… = value` inside `inputs`."""
    first = path[0]
    if not isinstance(first, nodes.StaticKey):
        model.dynamic_inputs = True
        return
    decl = model.inputs.get(first.name)
    if decl is None:
        decl = model.inputs[first.name] = InputDecl(first.name)
    decl.spans.append((first.start, first.end))
    rest = path[1:]
    if rest:
        _read_attr(model, decl, rest, value)
        return
    value = unparen(value)
    if isinstance(value, nodes.AttrSet):
        for binding in value.bindings:
            if isinstance(binding, nodes.AttrDef) and binding.path:
                _read_attr(model, decl, binding.path, binding.value)
            else:
                decl.dynamic = True
    elif isinstance(value, nodes.Str) and _literal(value) is not None:
        decl.url, decl.url_span = _literal(value), (value.start, value.end)
    else:
        decl.dynamic = True


def _read_attr(
    model: FlakeModel, decl: InputDecl, path: list[nodes.AttrKey], value: nodes.Node
) -> None:
    """One attribute of an input (`url`, `flake`, `follows`, `type`…)."""
    key = path[0]
    if not isinstance(key, nodes.StaticKey):
        decl.dynamic = True
        return
    if key.name == "inputs":  # the input's own inputs (`follows` overrides)
        _read_followed(model, path, value)
        return
    if len(path) > 1:
        decl.dynamic = True
        return
    literal = _scalar(unparen(value))
    if literal is None:
        decl.dynamic = True
        return
    span = (value.start, value.end)
    if key.name == "url" and isinstance(literal, str):
        decl.url, decl.url_span = literal, span
    elif key.name == "flake" and isinstance(literal, bool):
        decl.flake = literal
    elif key.name == "follows" and isinstance(literal, str):
        decl.follows, decl.follows_span = literal, span
        model.followed.add(literal.split("/")[0])
    else:
        decl.attrs[key.name] = literal


def _read_followed(model: FlakeModel, path: list[nodes.AttrKey], value: nodes.Node) -> None:
    """The inputs named by `follows` strings anywhere under an input's `inputs`."""
    todo: list[tuple[list[nodes.AttrKey], nodes.Node]] = [(path, value)]
    while todo:
        keys, node = todo.pop()
        node = unparen(node)
        last = keys[-1] if keys else None
        if isinstance(last, nodes.StaticKey) and last.name == "follows":
            literal = _scalar(node)
            if isinstance(literal, str) and literal:
                model.followed.add(literal.split("/")[0])
        elif isinstance(node, nodes.AttrSet):
            for binding in node.bindings:
                if isinstance(binding, nodes.AttrDef) and binding.path:
                    todo.append((binding.path, binding.value))


def _literal(node: nodes.Str) -> str | None:
    if all(isinstance(p, str) for p in node.parts):
        return "".join(p for p in node.parts if isinstance(p, str))
    return None


def _scalar(node: nodes.Node) -> Scalar | None:
    if isinstance(node, nodes.Str):
        return _literal(node)
    if isinstance(node, nodes.Int):
        return node.value
    if isinstance(node, nodes.Var) and isinstance(node.resolution, GlobalRef):
        if node.name in ("true", "false"):
            return node.name == "true"
    return None


# ---------------------------------------------------------------- outputs


def _read_outputs(
    model: FlakeModel, fn: nodes.Lambda, analysis: Analysis, root: nodes.Node
) -> None:
    model.outputs = fn
    if fn.formals is not None:
        model.ellipsis = fn.formals.ellipsis
        for formal in fn.formals.entries:
            name = formal.name
            model.formals.setdefault(name.name, (name.start, name.end))
            if name.name != "self":
                optional = formal.default is not None
                model.uses.append(InputUse(name.name, (name.start, name.end), "formal", optional))
    if fn.param is None:
        return
    scope = analysis.resolved.scope_of.get(fn)
    binding = scope.bindings.get(fn.param.name) if scope is not None else None
    model.argset = binding
    if binding is None:
        return
    for var in binding.references:
        if not _selection_use(model, var, root):
            model.argset_whole = True


def _selection_use(model: FlakeModel, var: nodes.Var, root: nodes.Node) -> bool:
    """Record `inputs.x`, `inputs ? x`, `inherit (inputs) x`; False for any other use."""
    chain = ancestors_at(root, var.start)
    if var not in chain:
        return False
    at = chain.index(var)
    parent = chain[at - 1] if at > 0 else None
    if isinstance(parent, nodes.Select | nodes.HasAttr) and parent.expr is var:
        key = parent.path[0]
        if not isinstance(key, nodes.StaticKey):
            return False
        if key.name != "self":
            optional = isinstance(parent, nodes.HasAttr) or parent.default is not None
            model.uses.append(InputUse(key.name, (key.start, key.end), "select", optional))
        return True
    if isinstance(parent, nodes.Inherit) and parent.from_ is var:
        for key in parent.names:
            if key.name != "self":
                model.uses.append(InputUse(key.name, (key.start, key.end), "select"))
        return True
    return False


def argset_select_at(model: FlakeModel, root: nodes.Node, offset: int) -> bool:
    """Whether ``offset`` is on the first key after the argument set (`inputs.|`)."""
    if model.argset is None:
        return False
    for node in reversed(ancestors_at(root, offset)):
        if isinstance(node, nodes.Select | nodes.HasAttr):
            expr = unparen(node.expr)
            key = node.path[0]
            if (
                isinstance(expr, nodes.Var)
                and isinstance(expr.resolution, LocalRef)
                and expr.resolution.binding is model.argset
                and key.start <= offset <= key.end
            ):
                return True
    return False
