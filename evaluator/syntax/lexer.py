"""The Nix lexer: a hand-written, mode-aware scanner over UTF-8 bytes.

It follows the flex scanner of C++ Nix 2.8 (`src/libexpr/lexer.l`): the same
token classes, the same longest-match outcomes and the same mode stack
(default code, `"…"` strings, `''…''` strings, paths with `${}`), so that
what Nix accepts we accept and tokens end where Nix ends them.

Differences that make life easier for the grammar (all invisible to users):

* a string or indented string without `${}` becomes one token (``STRING`` /
  ``IND_STRING``), and so does a path without `${}` (``PATH``); only
  interpolated ones are streamed as open / parts / close tokens;
* `{` is emitted as ``LBRACE_F`` when it opens lambda formals (its matching
  `}` is followed by `:` or `@`) and ``LBRACE`` otherwise, which removes the
  one ambiguity that makes Nix's own grammar non-LALR;
* problems the lexer can see (unterminated string or comment, a path with a
  trailing slash, a byte that starts no token) are reported as errors with a
  span and lexing goes on, so the parser always gets a complete stream.
"""

# No postponed annotations: NamedTuple would compile() each string (ForwardRef),
# and a process's first compile() builds CPython's ast types (~10 M instructions).
import re
from itertools import islice
from sys import intern
from typing import Any, NamedTuple

from evaluator.syntax.regex_cache import compiled


class Token(NamedTuple):
    """One token: ``type`` is the grammar's terminal name; offsets are bytes.

    ``value`` is the decoded text for names, the number for numbers, the
    unescaped text for string pieces (``IND_TEXT``: a ``(text, indentable)``
    pair; ``IND_STRING``: a list of such pairs), else ``None``.
    """

    type: str
    start: int
    end: int
    value: object


RawToken = tuple[str, int, int, Any]

# Beyond this many tokens (some 400,000 lines of typical Nix) the rest of
# the input is not analysed: it bounds the memory and time a hostile or
# generated file can take.
MAX_TOKENS = 2_000_000


class _TooManyTokens(Exception):
    pass


class LexError(NamedTuple):
    """A problem found by the lexer, with its byte span."""

    start: int
    end: int
    message: str


# A keyword's token type is its name in capitals (`or`'s is `OR_KW`).
KEYWORDS = {word: word.upper() for word in "if then else assert with let in rec inherit".split()}
KEYWORDS["or"] = "OR_KW"

OPERATORS = {
    "...": "ELLIPSIS",
    "==": "EQ",
    "!=": "NEQ",
    "<=": "LEQ",
    ">=": "GEQ",
    "&&": "AND",
    "||": "OR",
    "->": "IMPL",
    "//": "UPDATE",
    "++": "CONCAT",
    # Pipe operators (Nix 2.24+, experimental `pipe-operators`): always lexed
    # as operators; the evaluator refuses them unless the feature is on.
    "|>": "PIPE_INTO",
    "<|": "PIPE_FROM",
}

# One-byte punctuation and its token types, in the same order.
PUNCT = dict(
    zip(
        "()[];:,@?.=<>!+-*/",
        "LPAREN RPAREN LBRACK RBRACK SEMI COLON COMMA AT QUESTION DOT EQUALS LT GT NOT PLUS"
        " MINUS STAR SLASH".split(),
        strict=True,
    )
)

# Terminal names (beyond keywords/operators/punctuation) the grammar declares.
OTHER_TERMINALS = (
    "ID INT FLOAT URI SPATH PATH PATH_BEGIN PATH_STR PATH_END STRING STR_OPEN STR_TEXT"
    " STR_CLOSE IND_STRING IND_OPEN IND_TEXT IND_CLOSE DOLLAR_CURLY LBRACE LBRACE_F RBRACE"
    " INVALID ERRTOK"
).split()

# Path characters and the default-mode token regexes: trivia (blanks and
# both kinds of comment), then one token in a numbered group; `lastindex`
# says which. Alternatives are ordered so that the first that matches is also
# flex's longest match (each earlier one is strictly longer whenever it
# matches at all). Quantifiers are possessive where that changes nothing but
# the cost of failing (a character class that excludes what follows).
_PC = rb"[a-zA-Z0-9._+\-]"
# Blanks first as one character-class run: most tokens follow blanks only,
# and a run of one class is far cheaper for `re` than a repeated group.
_TRIVIA = rb"[ \t\r\n]*+(?:(?:\#[^\r\n]*+|/\*(?:[^*]++|\*(?!/))*+\*/)[ \t\r\n]*+)*+"
# First the frequent tokens that no path or URI can start at: a name not
# followed by a path character, `/` or `:` (a path or URI from its start
# would need its run to end in `/` or `:`), punctuation that is no path
# character, strings, braces. They spare most tokens the path look-ahead.
_EARLY_GROUPS = (  # a template: each `%b` is `_CHAIN`/`_NAME_EQ` or `_NEVER`
    rb"([a-zA-Z_][a-zA-Z0-9_'\-]*+)"  # 1: identifier or keyword
    rb"%b(?![a-zA-Z0-9._+\-/:])"  # 2: `.name`s after it (see `_CHAIN`)
    rb"%b"  # 3: the `=` after them (see `_NAME_EQ`)
    rb"|([()\[\];:,@?*]|[=!>](?!=))"  # 4: punctuation
    rb'|("(?:[^$"\\]++|\$[^{"\\]|\\[\s\S]|\$\\[\s\S])*+\$?")'  # 5: string without `${`
    rb"|(\{)"  # 6
    rb"|(\})"  # 7
)
_PATH_GROUPS = (
    rb"(" + _PC + rb"*+/\$\{)"  # 8: path up to `${`
    rb"|(" + _PC + rb"*+(?:/" + _PC + rb"++)++/?)"  # 9: path
    rb"|([a-zA-Z][a-zA-Z0-9+\-.]*+:[a-zA-Z0-9%/?:@&=+$,\-_.!~*']++)"  # 10: URI
)
# Inside a run of path characters no path can start (see lex_long_run): the
# same groups that never match keep the group numbers.
_NO_PATH_GROUPS = rb"((?!))|((?!))|((?!))"
_TOKEN_GROUPS = (
    rb"|([a-zA-Z_][a-zA-Z0-9_'\-]*+)"  # 12: identifier or keyword
    rb"|([()\[\];:,@?*]|[=!>](?!=)|\.(?![0-9]|\.\.)|\+(?!\+)|-(?!>)|/(?![/*]))"  # 13: punctuation
    rb"|((?:[1-9][0-9]*+\.[0-9]*+|0?\.[0-9]++)(?:[Ee][+-]?[0-9]++)?)"  # 14: float
    rb"|([0-9]++)"  # 15: integer
    rb"|(\.\.\.|==|!=|<=|>=|&&|\|\||->|//|\+\+|\|>|<\|)"  # 16: operator
    rb"|(<" + _PC + rb"++(?:/" + _PC + rb"++)*+>)"  # 17: search path
    rb"|(\$\{)"  # 18
    rb"|(''(?:\ *\n)?)"  # 19: indented string
    rb'|(")'  # 20: string with `${` (or unterminated)
    rb"|(~/\$\{)"  # 21: home path up to `${`
    rb"|(~(?:/" + _PC + rb"++)++/?)"  # 22: home path
    rb"|(/\*)"  # 23: unterminated comment
    rb"|([\s\S])"  # 24: anything else
)


# For the parser (`lex_for_parser`), a run of names joined by dots
# (`a.b.c`: no path can start in it, see `_EARLY_GROUPS`) is one token, and
# so is a name or such a run with the `=` after it (blanks between): a
# selection or a binding's start is then one match, one shift and one
# reduction instead of several of each. Elsewhere the groups never match,
# which keeps the group numbers.
# `(?:X|)`, not `X?`: the same choice, but `_sre` runs `?` of a group as a
# repeat (alternations inside it save the marks): ~14% of the scan's cost.
_CHAIN = rb"(?:((?:\.[a-zA-Z_][a-zA-Z0-9_'\-]*+)++)|)"
_NAME_EQ = rb"(?:[ \t\r\n]*+(=)(?!=)|)"
_NEVER = rb"(?:((?!))|)"


def _token_regex(
    look_ahead: bytes, paths: bytes, long_run: bytes, compound: bool = False
) -> re.Pattern[bytes]:
    # The compound scan is made by every process that parses: from its
    # stored program (`regex_cache`); the lazy ones, made rarely, by `re`.
    return (compiled if compound else re.compile)(
        _TRIVIA
        + rb"(?:"
        + _EARLY_GROUPS % ((_CHAIN, _NAME_EQ) if compound else (_NEVER, _NEVER))
        + rb"|(?="
        + look_ahead
        + rb")(?:"
        + paths
        + rb")|"
        + long_run
        + _TOKEN_GROUPS
        + rb"|)"  # or only trivia (see `_CHAIN`)
    )


# The path and URI groups can only match where the run of path characters
# ahead ends in `/` or `:`: one look-ahead spares most tokens three scans.
_DEFAULT_ARGS = (_PC + rb"*+[/:]", _PATH_GROUPS, rb"((?!))")
# What the token loop of `lex_code` scans with: the look-ahead bounded, so
# that it costs little at every token of a run: a run is at most 64 bytes
# long, or group 11 matches (empty) and `lex_long_run` takes the run.
_FAST_ARGS = (_PC + rb"{0,64}+[/:]", _PATH_GROUPS, rb"(?=" + _PC + rb"{65})()")
_FAST = _token_regex(*_FAST_ARGS, True)
# The other scans are made on first use (~8 M instructions each to compile;
# most processes need none: runs of over 64 path characters, `lex`).
_LAZY_ARGS = {
    "_DEFAULT": _DEFAULT_ARGS,
    "_NO_PATH": (rb"(?!)", _NO_PATH_GROUPS, rb"((?!))"),
    "_FAST_SPLIT": _FAST_ARGS,  # `_FAST` without compound tokens
}
_lazy: dict[str, re.Pattern[bytes]] = {}


def _pattern(name: str) -> re.Pattern[bytes]:
    pattern = _lazy.get(name)
    if pattern is None:
        pattern = _lazy[name] = _token_regex(*_LAZY_ARGS[name])
    return pattern


def __getattr__(name: str) -> re.Pattern[bytes]:
    if name in _LAZY_ARGS:
        return _pattern(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_PUNCT_TYPES = {ord(k): v for k, v in PUNCT.items()}
_RUN = compiled(_PC + rb"*")
_URI_BODY = compiled(rb"[a-zA-Z0-9%/?:@&=+$,\-_.!~*']+")
_PC_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-")
_LETTERS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_STR_TEXT = compiled(rb'(?:[^$"\\]++|\$[^{"\\]|\\[\s\S]|\$\\[\s\S])*+')
_IND_TEXT = compiled(rb"(?:[^$']++|\$[^{']|'[^'$])++")
_PATH_PIECE = compiled(_PC + rb"*+(?:/" + _PC + rb"++)++/?|" + _PC + rb"*+/|" + _PC + rb"++")
_UNESCAPE = compiled(rb"\\([\s\S])|\r\n?")


def _decode(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


def _unescape_sub(m: re.Match[bytes]) -> bytes:
    esc = m.group(1)
    if esc is None:  # a bare CR or CRLF inside a string reads as LF
        return b"\n"
    return {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(esc, esc)


# `bytes in bytes` first tries the needle as an integer and formats (then
# drops) a TypeError: some 1,800 instructions. An integer needle is a memchr.
_BACKSLASH = 0x5C
_CR = 0x0D


def unescape(raw: bytes) -> str:
    """Nix's ``unescapeStr``: backslash escapes, and CR / CRLF become LF."""
    if _BACKSLASH not in raw and _CR not in raw:
        return _decode(raw)
    return _decode(_UNESCAPE.sub(_unescape_sub, raw))


# Mode stack entries.
_INITIAL = 0  # bottom of the stack: `}` does not pop it
_CODE = 1  # code inside `{` or `${`
_STRING = 2
_IND = 3
_INPATH = 4  # inside a path after a `${…}` or a segment


# Token kinds in the regexes above, by group number.
_G_ID0, _G_CHAIN, _G_NAME_EQ, _G_PUNCT0, _G_STRING, _G_LBRACE, _G_RBRACE = range(1, 8)
_G_PATHI, _G_PATH, _G_URI, _G_LONG, _G_ID, _G_PUNCT, _G_FLOAT, _G_INT = range(8, 16)
_G_OP, _G_SPATH, _G_DOLLAR, _G_IND, _G_QUOTE, _G_HPATHI, _G_HPATH = range(16, 23)
_G_COMMENT, _G_CHAR = range(23, 25)


_TABLES = (
    dict[bytes, str](),
    dict[bytes, tuple[str, str]](),
    dict[bytes, tuple[str, ...] | list[str]](),
)
_MAX_WORDS = 100_000


class _Lexer:
    def __init__(self, src: bytes, compound: bool = False) -> None:
        self.src = src
        # Tokens the compound ones stand for, beyond one each (`lex_for_parser`).
        self.extra = 0
        self.fast = _FAST if compound else _pattern("_FAST_SPLIT")
        # Plain tuples `(type, start, end, value)`: the parser reads them by
        # index; `lex` makes them `Token`s for everyone else.
        self.tokens: list[RawToken] = []
        self.errors: list[LexError] = []
        # Each mode entry: (mode, index of the opening token or -1, saw `${`).
        self.modes: list[tuple[int, int, bool]] = [(_INITIAL, -1, False)]
        # (index of a `}`, index of its `{`): the `{` opens lambda formals
        # when the token after the `}` is `:` or `@` (decided at the end).
        self.closed_braces: list[tuple[int, int]] = []
        self.max_tokens = MAX_TOKENS  # read at run time: tests lower it
        # Names by their bytes: a string each; a name's token type and text
        # (one look-up per name); a chain's names (see `lex_chain`). Shared
        # by every file lexed (most names recur), until they grow too many.
        if len(_TABLES[0]) + len(_TABLES[2]) > _MAX_WORDS:
            for table in _TABLES:
                table.clear()
        self.words, self.names, self.chains = _TABLES

    def emit(self, type_: str, start: int, end: int, value: object = None) -> None:
        tokens = self.tokens
        tokens.append((type_, start, end, value))
        if len(tokens) > self.max_tokens:
            raise _TooManyTokens

    def run(self) -> None:
        src = self.src
        n = len(src)
        tokens = self.tokens
        try:
            self.lex_all(0)
        except _TooManyTokens:
            del tokens[self.max_tokens + 1 :]
            stop = tokens[-1][1]
            del tokens[-1]
            self.errors.append(
                LexError(stop, n, f"file too large: analysis stops after {self.max_tokens} tokens")
            )
        tokens.append(("$END", n, n, None))
        last = len(tokens) - 1
        for close, opener in self.closed_braces:
            if close < last and tokens[close + 1][0] in ("COLON", "AT"):
                t = tokens[opener]
                tokens[opener] = ("LBRACE_F", t[1], t[2], t[3])

    def lex_all(self, pos: int) -> None:
        n = len(self.src)
        while True:
            mode = self.modes[-1][0]
            if mode == _STRING:
                pos = self.lex_string(pos)
            elif mode == _IND:
                pos = self.lex_ind(pos)
            elif mode == _INPATH:
                pos = self.lex_path_rest(pos)
            else:
                pos = self.lex_code(pos)
            if pos >= n and self.modes[-1][0] in (_INITIAL, _CODE):
                break

    # -- default mode ------------------------------------------------------

    def lex_code(self, pos: int) -> int:
        """Lex code tokens until the mode changes or input ends.

        The hot loop of the lexer: one match of `_FAST` per token, taken from
        one `finditer` (no Python-level call per token), dispatched on the
        number of the group that matched, most frequent kinds first. Returns
        where lexing goes on; the caller looks at the mode again (a return
        in code mode short of the end resumes here with a fresh scan).
        """
        src = self.src
        tokens = self.tokens
        append = tokens.append
        modes = self.modes
        keywords = KEYWORDS
        punct = _PUNCT_TYPES
        # One string per distinct name, shared by every occurrence and (by
        # `intern`) with other files' trees: names are most of a tree's text.
        words = self.words
        names = self.names
        # Each match adds at most one token: the scan stops one token past
        # the limit, and the next call raises.
        budget = self.max_tokens + 1 - len(tokens)
        if budget <= 0:
            raise _TooManyTokens
        end = pos
        # The group numbers as locals (each test is then a fast local load).
        g_punct0, g_id0, g_id, g_name_eq, g_chain = _G_PUNCT0, _G_ID0, _G_ID, _G_NAME_EQ, _G_CHAIN
        g_string, g_rbrace, g_lbrace, g_punct = _G_STRING, _G_RBRACE, _G_LBRACE, _G_PUNCT
        for m in islice(self.fast.finditer(src, pos), budget):
            kind = m.lastindex
            if kind == g_punct0:  # `;`, `(`, `)`, `:`… (the most frequent)
                start = m.start(kind)  # one byte each
                end = start + 1
                append((punct[src[start]], start, end, None))
            elif kind == g_id0 or kind == g_id:
                start, end = m.span(kind)
                named = names.get(src[start:end])
                if named is None:
                    named = self.name_token(src[start:end])
                append((named[0], start, end, named[1]))
            elif kind == g_name_eq:
                if m.start(g_chain) >= 0:
                    end = self.lex_chain(m, True)
                    continue
                start, end = m.span(g_id0)
                raw = src[start:end]
                word = words.get(raw)
                if word is None:
                    word = words[raw] = intern(raw.decode("ascii"))
                end = m.end()
                if word in keywords:  # `or = …;` and mistakes: as two tokens
                    append((keywords[word], start, start + len(word), word))
                    append(("EQUALS", end - 1, end, None))
                else:  # the name's end is `start + len(word)`: names are ASCII
                    append(("NAME_EQ", start, end, word))
                    self.extra += 1
            elif kind == g_chain:
                end = self.lex_chain(m, False)
            elif kind == g_string:
                start, end = m.span(kind)
                raw = src[start + 1 : end - 1]
                if _BACKSLASH in raw or _CR in raw:
                    append(("STRING", start, end, unescape(raw)))
                else:  # `unescape`'s common case inline
                    append(("STRING", start, end, raw.decode("utf-8", "surrogateescape")))
            elif kind == g_rbrace:
                start, end = m.span(kind)
                top, opener, _ = modes[-1]
                if top != _INITIAL:
                    modes.pop()
                if top == _CODE and opener >= 0 and tokens[opener][0] == "LBRACE":
                    self.closed_braces.append((len(tokens), opener))
                append(("RBRACE", start, end, None))
                if modes[-1][0] > _CODE:
                    return end
            elif kind == g_lbrace:
                start, end = m.span(kind)
                modes.append((_CODE, len(tokens), False))
                append(("LBRACE", start, end, None))
            elif kind == g_punct:  # `.`, `+`, `-`, `/`
                start, end = m.span(kind)
                append((punct[src[start]], start, end, None))
            elif kind is None:
                return len(src)  # only trivia up to the end
            else:
                start, end = m.span(kind)
                after = self.lex_other(kind, start, end)
                if after != end:
                    return ~after if after < 0 else after
        return end

    def name_token(self, raw: bytes) -> tuple[str, str]:
        """The token type and text of the name ``raw`` (first occurrence)."""
        word = self.words.get(raw)
        if word is None:
            word = self.words[raw] = intern(raw.decode("ascii"))
        named = self.names[raw] = (KEYWORDS.get(word, "ID"), word)
        return named

    def lex_chain(self, m: re.Match[bytes], eq: bool) -> int:
        """`a.b.c` (and its `=` when ``eq``) as one ``CHAIN`` (``CHAIN_EQ``)
        token whose value is the tuple of names; where it ends."""
        start = m.start(_G_ID0)
        end = m.end(_G_CHAIN)
        raw = self.src[start:end]
        # Chains repeat (`lib.mkOption`, `config.services.x`): one look-up
        # of the whole text, one tuple shared by every occurrence (a list
        # when a keyword is among the names).
        names = self.chains.get(raw)
        if names is None:
            words = self.words
            found: list[str] = []
            for part in raw.split(b"."):
                word = words.get(part)
                if word is None:
                    word = words[part] = intern(part.decode("ascii"))
                found.append(word)
            names = tuple(found) if KEYWORDS.keys().isdisjoint(found) else found
            self.chains[raw] = names
        tokens = self.tokens
        if type(names) is tuple:
            if eq:
                tokens.append(("CHAIN_EQ", start, m.end(), names))
                self.extra += 2 * len(names) - 1
                return m.end()
            tokens.append(("CHAIN", start, end, names))
            self.extra += 2 * len(names) - 2
            return end
        # A keyword among the names (`a.or.b`, mistakes): the plain tokens.
        tokens.extend(_split_chain(start, names))
        if eq:
            tokens.append(("EQUALS", m.end() - 1, m.end(), None))
            return m.end()
        return end

    def lex_other(self, kind: int, start: int, end: int) -> int:
        """The tokens of :meth:`lex_code` other than names, punctuation,
        simple strings and braces: where lexing goes on, complemented
        (``~pos``) when the mode changed there."""
        src = self.src
        if kind == _G_INT:
            # Beyond 64 bits the parser reports an invalid integer; the
            # text is kept (Python refuses int() of over 4,300 digits).
            text = src[start:end]
            value = int(text) if end - start < 40 else text.decode()
            self.tokens.append(("INT", start, end, value))
        elif kind == _G_FLOAT:
            self.tokens.append(("FLOAT", start, end, float(src[start:end])))
        elif kind == _G_OP:
            self.tokens.append((OPERATORS[src[start:end].decode("ascii")], start, end, None))
        elif kind == _G_DOLLAR:
            self.modes.append((_CODE, -1, False))
            self.tokens.append(("DOLLAR_CURLY", start, end, None))
        elif kind == _G_LONG:
            # A run of path characters too long for `_FAST`'s look-ahead.
            return self.lex_long_run(start)
        else:
            return self.lex_rare(kind, start, end)
        return end

    def lex_long_run(self, pos: int) -> int:
        """Lex the run of path characters at ``pos`` (over 64 bytes long):
        where lexing goes on after it, or where the mode changed in it.

        Paths and URIs may only start where a run of path characters ends
        in `/` or `:`; re-scanning a long run for them at every token in it
        would be quadratic. Once the first token of a run is not a path,
        no later one is (same run, same end), so the rest of the run up to
        `safe_until` is lexed without the path alternatives, and a URI is
        recognised directly (it needs `:` after the run, no `_` before).
        """
        src = self.src
        n = len(src)
        tokens = self.tokens
        words = self.words
        safe_until = -1
        uri_from = uri_end = -1
        m = _pattern("_DEFAULT").match(src, pos)
        no_path = _pattern("_NO_PATH")
        while True:
            if len(tokens) > self.max_tokens:
                raise _TooManyTokens
            assert m is not None  # the pattern can match empty
            kind = m.lastindex
            if kind is None:
                return n  # only trivia up to the end
            start, end = m.span(kind)
            if end < n and end > safe_until and src[end] in _PC_BYTES:
                # the token is followed by more path characters: a run
                safe_until, uri_from, uri_end = self.path_run(start)
            if kind == _G_ID0 or kind == _G_ID:
                raw = src[start:end]
                word = words.get(raw)
                if word is None:
                    word = words[raw] = intern(raw.decode("ascii"))
                tokens.append((KEYWORDS.get(word, "ID"), start, end, word))
            elif kind == _G_PUNCT0 or kind == _G_PUNCT:
                tokens.append((_PUNCT_TYPES[src[start]], start, end, None))
            elif kind in (_G_STRING, _G_LBRACE, _G_RBRACE):
                return start  # cannot start in a run: `lex_code` takes it
            else:
                after = self.lex_other(kind, start, end)
                if after != end:
                    return ~after if after < 0 else after
            pos = end
            if pos >= safe_until:
                return pos
            if uri_end > 0 and pos >= uri_from and src[pos] in _LETTERS:
                # The URI the run ends in (its body goes past the run).
                tokens.append(("URI", pos, uri_end, _decode(src[pos:uri_end])))
                return uri_end
            m = no_path.match(src, pos)

    def path_run(self, start: int) -> tuple[int, int, int]:
        """The run of path characters from ``start``: where it ends, and the
        span of the URI it may end in (``-1, -1`` if none)."""
        src = self.src
        run = _RUN.match(src, start)
        assert run is not None  # `[PC]*` always matches
        run_end = run.end()
        if src.startswith(b":", run_end):
            body = _URI_BODY.match(src, run_end + 1)
            if body is not None:
                return run_end, src.rfind(b"_", start, run_end) + 1 or start, body.end()
        return run_end, -1, -1

    def lex_rare(self, kind: int, start: int, end: int) -> int:
        """The less frequent tokens of :meth:`lex_code`: where lexing goes on,
        complemented (``~pos``) when the mode changed there."""
        src = self.src
        emit = self.emit
        modes = self.modes
        if kind == _G_PATH or kind == _G_HPATH:
            value = _decode(src[start:end])
            if src.startswith(b"${", end):
                modes.append((_INPATH, len(self.tokens), False))
                emit("PATH_BEGIN", start, end, value)
                return ~end
            if src[end - 1] == 0x2F:  # /
                # Located just after the path, as Nix 2.26 does.
                self.errors.append(LexError(end, end, "path has a trailing slash"))
            emit("PATH", start, end, value)
        elif kind == _G_PATHI or kind == _G_HPATHI:
            seg_end = end - 2
            modes.append((_INPATH, len(self.tokens), False))
            emit("PATH_BEGIN", start, seg_end, _decode(src[start:seg_end]))
            return ~seg_end
        elif kind == _G_URI:
            emit("URI", start, end, _decode(src[start:end]))
        elif kind == _G_SPATH:
            emit("SPATH", start, end, _decode(src[start + 1 : end - 1]))
        elif kind == _G_QUOTE:
            modes.append((_STRING, len(self.tokens), False))
            emit("STR_OPEN", start, end)
            return ~end
        elif kind == _G_IND:
            modes.append((_IND, len(self.tokens), False))
            emit("IND_OPEN", start, end)
            return ~end
        elif kind == _G_COMMENT:  # a `/*` without `*/` (the others are trivia)
            n = len(src)
            self.errors.append(LexError(start, n, "unterminated comment"))
            return ~n
        else:
            tt = _PUNCT_TYPES.get(src[start])  # `<` (the others are matched as punctuation)
            if tt is None:
                emit("INVALID", start, self.char_end(start), None)
                return self.char_end(start)
            emit(tt, start, end)
        return end

    def char_end(self, pos: int) -> int:
        """End of the UTF-8 character starting at ``pos`` (for error spans)."""
        src = self.src
        b = src[pos]
        if b < 0xC0:
            return pos + 1
        width = 2 if b < 0xE0 else 3 if b < 0xF0 else 4
        end = pos + 1
        while end < pos + width and end < len(src) and 0x80 <= src[end] < 0xC0:
            end += 1
        return end

    # -- strings -------------------------------------------------------------

    def lex_string(self, pos: int) -> int:
        src = self.src
        n = len(src)
        m = _STR_TEXT.match(src, pos)
        assert m is not None
        end = m.end()
        if src.startswith(b'$"', end):  # a `$` right before the closing quote
            end += 1
        elif end < n and src[end] != 0x22 and not src.startswith(b"${", end):
            end = n  # a lone `$` or backslash can only stop the run at EOF
        if end > pos:
            self.emit("STR_TEXT", pos, end, unescape(src[pos:end]))
        if end >= n:
            # Worded and located as Nix's parser reports it: at the end of the file.
            message = "syntax error, unexpected end of file, expecting '\"'"
            self.errors.append(LexError(n, n, message))
            self.close_string("STR_CLOSE", n, n)
            return n
        if src[end] == 0x22:
            self.close_string("STR_CLOSE", end, end + 1)
            return end + 1
        # `${`
        self.interpolate()
        self.emit("DOLLAR_CURLY", end, end + 2)
        return end + 2

    def close_string(self, close_type: str, start: int, end: int) -> None:
        """Pop the string mode; fold an interpolation-free string to one token."""
        _, opener, interpolated = self.modes.pop()
        tokens = self.tokens
        if not interpolated:
            parts = tokens[opener + 1 :]
            first = tokens[opener]
            del tokens[opener:]
            if close_type == "STR_CLOSE":
                # unescaped text of one run, or none
                self.emit("STRING", first[1], end, parts[0][3] if parts else "")
            else:
                self.emit("IND_STRING", first[1], end, [t[3] for t in parts])
            return
        self.emit(close_type, start, end)

    def interpolate(self) -> None:
        """`${` inside a string or path: mark the string, enter code mode."""
        mode, opener, _ = self.modes[-1]
        self.modes[-1] = (mode, opener, True)
        self.modes.append((_CODE, -1, False))

    def lex_ind(self, pos: int) -> int:
        src = self.src
        n = len(src)
        emit = self.emit
        while pos < n:
            c = src[pos]
            if c == 0x27:  # '
                if src.startswith(b"''", pos):
                    if src.startswith(b"'''", pos):
                        emit("IND_TEXT", pos, pos + 3, ("''", False))
                        pos += 3
                    elif src.startswith(b"''$", pos):
                        emit("IND_TEXT", pos, pos + 3, ("$", False))
                        pos += 3
                    elif src.startswith(b"''\\", pos) and pos + 3 < n:
                        end = self.char_end(pos + 3) if src[pos + 3] >= 0x80 else pos + 4
                        emit("IND_TEXT", pos, end, (unescape(src[pos + 2 : end]), False))
                        pos = end
                    else:
                        self.close_string("IND_CLOSE", pos, pos + 2)
                        return pos + 2
                    continue
            elif c == 0x24 and src.startswith(b"${", pos):  # $
                self.interpolate()
                emit("DOLLAR_CURLY", pos, pos + 2)
                return pos + 2
            m = _IND_TEXT.match(src, pos)
            if m is not None:
                emit("IND_TEXT", pos, m.end(), (_decode(m.group()), True))
                pos = m.end()
            else:  # a lone `'` or `$` that the run above cannot take
                emit("IND_TEXT", pos, pos + 1, (chr(c), False))
                pos += 1
        message = (
            "syntax error, unexpected end of file,"
            " expecting IND_STR or DOLLAR_CURLY or IND_STRING_CLOSE"
        )
        self.errors.append(LexError(n, n, message))  # as Nix's parser reports it
        self.close_string("IND_CLOSE", n, n)
        return n

    # -- paths with interpolation --------------------------------------------

    def lex_path_rest(self, pos: int) -> int:
        """After a path segment or `${…}`: more segments, `${`, or the end."""
        src = self.src
        while True:
            if src.startswith(b"${", pos):
                self.interpolate()
                self.emit("DOLLAR_CURLY", pos, pos + 2)
                return pos + 2
            m = _PATH_PIECE.match(src, pos)
            if m is None:
                break
            self.emit("PATH_STR", pos, m.end(), _decode(m.group()))
            pos = m.end()
        ttype, start, end, _ = self.tokens[-1]
        if ttype == "PATH_STR" and src[end - 1] == 0x2F and end > start:
            self.errors.append(LexError(end, end, "path has a trailing slash"))
        self.modes.pop()
        self.emit("PATH_END", pos, pos)
        return pos


def lex_raw(source: bytes) -> tuple[list[RawToken], list[LexError]]:
    """Tokenize ``source`` into plain tuples ``(type, start, end, value)``
    (cheaper to make than :class:`Token`); the list ends in ``$END``."""
    lexer = _Lexer(source)
    lexer.run()
    return lexer.tokens, lexer.errors


def lex_for_parser(source: bytes) -> tuple[list[RawToken], list[LexError]]:
    """:func:`lex_raw` with compound tokens for the parser: a name followed
    by `=` is one ``NAME_EQ`` (``start`` the name's, ``end`` the `=`'s,
    ``value`` the name), names joined by dots are one ``CHAIN`` (``value``
    the tuple of names), and one ``CHAIN_EQ`` with the `=` after them.
    :func:`split_compound` gives back the stream of :func:`lex_raw`.

    Each counts as the tokens it stands for towards :data:`MAX_TOKENS`:
    where the limit is near, the tokens are made as :func:`lex_raw` makes
    them.
    """
    lexer = _Lexer(source, True)
    lexer.run()
    tokens = lexer.tokens
    if len(tokens) + lexer.extra > lexer.max_tokens - 2:
        return lex_raw(source)
    return tokens, lexer.errors


def _split_chain(start: int, names: list[str] | tuple[str, ...]) -> list[RawToken]:
    """The tokens of `a.b.c` at ``start`` (names are ASCII: one byte a character)."""
    out: list[RawToken] = []
    pos = start
    for word in names:
        if pos != start:
            out.append(("DOT", pos, pos + 1, None))
            pos += 1
        out.append((KEYWORDS.get(word, "ID"), pos, pos + len(word), word))
        pos += len(word)
    return out


def split_compound(tokens: list[RawToken]) -> list[RawToken]:
    """The tokens of :func:`lex_for_parser` as :func:`lex_raw` makes them."""
    out: list[RawToken] = []
    append = out.append
    for t in tokens:
        kind = t[0]
        if kind == "NAME_EQ":
            start, end, word = t[1], t[2], t[3]
            append(("ID", start, start + len(word), word))
            append(("EQUALS", end - 1, end, None))
        elif kind == "CHAIN":
            out.extend(_split_chain(t[1], t[3]))
        elif kind == "CHAIN_EQ":
            out.extend(_split_chain(t[1], t[3]))
            append(("EQUALS", t[2] - 1, t[2], None))
        else:
            append(t)
    return out


def lex(source: bytes) -> tuple[list[Token], list[LexError]]:
    """Tokenize ``source``; always returns a token list ending in ``$END``."""
    tokens, errors = lex_raw(source)
    return list(map(Token._make, tokens)), errors
