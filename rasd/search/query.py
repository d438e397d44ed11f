"""Reading what a person types into the search box.

The language, for people and for the two database backends:

- words: ``torture enfants`` finds recommendations with both (an implicit AND); a word is normalised as the index
  is (``normalise.py``), so «الاطفال» finds «الأطفال» and "tortures" finds "torture";
- ``"quoted phrases"``: the words in this order, next to each other;
- ``OR`` (also ``OU``, «أو»), ``AND`` (``ET``, «و»), ``NOT`` (``SAUF``, «باستثناء»), in capitals for the Latin ones, so
  that "or" inside a sentence stays a word. ``NOT`` excludes: ``torture NOT police``. ``OR`` binds tighter than
  AND: ``torture OR ill-treatment prison`` means (torture OR ill-treatment) AND prison;
- ``ratif*``: words that start with "ratif"; ``(…)`` groups.

``parse`` turns the text into a small tree (``Phrase``, ``All``, ``Any``), or raises ``SearchQueryError`` with a
translated message that says what to change. The backends compile the tree (``fts5_match``, ``tsquery``) and
``Matcher`` marks the matching words of a text for the snippets; all three use the same terms, so what is
highlighted is what was found.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rasd.search import normalise

MAX_QUERY_CHARS = 1000
MAX_WORDS = 50
MIN_PREFIX_CHARS = 2

# Operators, compared with the word as typed (Latin ones in capitals only) or, for Arabic, folded («او» = «أو»).
OPERATORS = {
    "AND": "AND",
    "ET": "AND",
    "و": "AND",
    "OR": "OR",
    "OU": "OR",
    "او": "OR",
    "NOT": "NOT",
    "SAUF": "NOT",
    "باستثناء": "NOT",  # "except", as SAUF: «ليس» ("is not") begins too many Arabic sentences to be an operator
}

_LEX_RE = re.compile(r'\s+|"[^"]*"\*?|"|\(|\)|[^\s"()]+')


class SearchQueryError(ValueError):
    """A query that cannot be understood; ``str(exc)`` is a translated message for the person who typed it."""


@dataclass(frozen=True)
class Phrase:
    """Words that must appear in this order (one word is a phrase of one); ``prefix``: the last is a prefix."""

    words: tuple[str, ...]
    prefix: bool = False

    def variants(self) -> list[tuple[str, ...]]:
        """The sequences of terms to look for: one per way of normalising a word of unknown language."""
        forms = [normalise.query_forms(word) for word in self.words]
        return list(dict.fromkeys(tuple(f[i] for f in forms) for i in range(3)))


@dataclass(frozen=True)
class All:
    """Every one of ``include`` and none of ``exclude``."""

    include: tuple
    exclude: tuple = ()


@dataclass(frozen=True)
class Any:
    """At least one of ``options``."""

    options: tuple


Node = Phrase | All | Any


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "phrase", "(", ")", "AND", "OR", "NOT"
    text: str = ""
    prefix: bool = False


def _lex(text: str) -> list[_Token]:
    tokens = []
    for match in _LEX_RE.finditer(text):
        chunk = match.group()
        if chunk.isspace():
            continue
        if chunk == '"':
            raise SearchQueryError(_('A quotation mark is not closed: add the closing " or remove it.'))
        if chunk in "()":
            tokens.append(_Token(chunk))
        elif chunk.startswith('"'):
            prefix = chunk.endswith("*")
            tokens.append(_Token("phrase", chunk.rstrip("*")[1:-1], prefix))
        elif (operator := OPERATORS.get(chunk) or OPERATORS.get(normalise.fold(chunk))) and (
            not chunk.isascii() or chunk.isupper()
        ):
            tokens.append(_Token(operator, chunk))
        else:
            tokens.append(_Token("word", chunk.rstrip("*"), chunk.endswith("*")))
    return tokens


def _phrase(token: _Token) -> Phrase | None:
    words = tuple(normalise.query_words(token.text))
    if not words:
        if token.prefix:
            raise SearchQueryError(_("Add some letters before “*”, as in “ratif*”."))
        return None  # punctuation only: nothing to look for
    if token.prefix and len(normalise.fold(words[-1])) < MIN_PREFIX_CHARS:
        raise SearchQueryError(
            ngettext(
                "Type at least %(count)d letter before “*”.",
                "Type at least %(count)d letters before “*”.",
                MIN_PREFIX_CHARS,
            )
            % {"count": MIN_PREFIX_CHARS}
        )
    return Phrase(words, token.prefix)


@dataclass
class _Parser:
    tokens: list[_Token]
    position: int = 0
    words: int = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def starts_operand(self) -> bool:
        token = self.peek()
        return token is not None and token.kind in ("word", "phrase", "(")

    def between_error(self, token: _Token) -> SearchQueryError:
        return SearchQueryError(
            _("“%(operator)s” must stand between two search terms, as in “torture %(operator)s ill-treatment”.")
            % {"operator": token.text}
        )

    def sequence(self) -> Node | None:
        """Terms joined by AND (written or implied), with NOT parts; stops at ")" or the end."""
        include, exclude = [], []
        while (token := self.peek()) is not None and token.kind != ")":
            if token.kind == "AND":
                self.take()
                following = self.peek()
                if not include or following is None or following.kind not in ("word", "phrase", "(", "NOT"):
                    raise self.between_error(token)
            elif token.kind == "NOT":
                self.take()
                if not self.starts_operand():
                    raise SearchQueryError(
                        _("“%(operator)s” must be followed by what to leave out, as in “torture %(operator)s police”.")
                        % {"operator": token.text}
                    )
                if not include:
                    raise SearchQueryError(
                        _(
                            "Start with what to find, then “%(operator)s” and what to leave out, as in “torture %(operator)s police”."
                        )
                        % {"operator": token.text}
                    )
                if (node := self.alternatives()) is not None:
                    exclude.append(node)
            elif token.kind == "OR":
                raise self.between_error(token)
            elif (node := self.alternatives()) is not None:
                include.append(node)
        if not include:
            return None
        if len(include) == 1 and not exclude:
            return include[0]
        return All(tuple(include), tuple(exclude))

    def alternatives(self) -> Node | None:
        options = [self.operand()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            if not self.starts_operand() or options == [None]:
                raise self.between_error(token)
            options.append(self.operand())
        options = [o for o in options if o is not None]
        if len(options) <= 1:
            return options[0] if options else None
        return Any(tuple(options))

    def operand(self) -> Node | None:
        token = self.take()
        if token.kind == "(":
            node = self.sequence()
            closing = self.peek()
            if closing is None:
                raise SearchQueryError(_("A parenthesis is not closed: add the missing “)”."))
            self.take()
            if node is None:
                raise SearchQueryError(_("There is nothing to search for between these parentheses."))
            return node
        phrase = _phrase(token)
        if phrase is not None:
            self.words += len(phrase.words)
            if self.words > MAX_WORDS:
                raise SearchQueryError(
                    ngettext(
                        "The search is too long: use at most %(count)d word.",
                        "The search is too long: use at most %(count)d words.",
                        MAX_WORDS,
                    )
                    % {"count": MAX_WORDS}
                )
        return phrase


def parse(text: str) -> Node:
    """The tree of a query; raises ``SearchQueryError`` if it cannot be read or holds nothing to search for."""
    if len(text) > MAX_QUERY_CHARS:
        raise SearchQueryError(
            ngettext(
                "The search is too long: use at most %(count)d character.",
                "The search is too long: use at most %(count)d characters.",
                MAX_QUERY_CHARS,
            )
            % {"count": MAX_QUERY_CHARS}
        )
    parser = _Parser(_lex(text))
    node = parser.sequence()
    if parser.peek() is not None:  # sequence() stops only at the end or at a ")" with no "(" before it
        raise SearchQueryError(_("This “)” has no matching “(”."))
    if node is None:
        raise SearchQueryError(_("There are no words to search for."))
    return node


def parse_lenient(text: str) -> Node | None:
    """The words of ``text`` joined by AND, whatever its syntax (for modes where the text is a description)."""
    phrases = [Phrase((word,)) for word in normalise.query_words(text)[:MAX_WORDS]]
    if not phrases:
        return None
    return phrases[0] if len(phrases) == 1 else All(tuple(phrases))


# Compilers. Terms are letters and digits only (normalise.py), so quoting them is enough to make them literal.


def fts5_match(node: Node) -> str:
    """The expression for SQLite FTS5's MATCH."""
    if isinstance(node, Phrase):
        options = [f'"{" ".join(terms)}"' + (" *" if node.prefix else "") for terms in node.variants()]
        return options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")"
    if isinstance(node, Any):
        return "(" + " OR ".join(fts5_match(o) for o in node.options) + ")"
    expression = "(" + " AND ".join(fts5_match(n) for n in node.include) + ")"
    for excluded in node.exclude:
        expression += f" NOT {fts5_match(excluded)}"
    return f"({expression})" if node.exclude else expression


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(node: Node) -> str:
    """The text of a PostgreSQL ``tsquery`` (cast with ``::tsquery``, which takes lexemes as they are)."""
    if isinstance(node, Phrase):
        options = []
        for terms in node.variants():
            lexemes = [_lexeme(t) for t in terms]
            if node.prefix:
                lexemes[-1] += ":*"
            options.append(" <-> ".join(lexemes))
        return "(" + " | ".join(f"({o})" for o in options) + ")"
    if isinstance(node, Any):
        return "(" + " | ".join(tsquery(o) for o in node.options) + ")"
    parts = [tsquery(n) for n in node.include] + [f"!{tsquery(n)}" for n in node.exclude]
    return "(" + " & ".join(parts) + ")"


class Matcher:
    """Finds the words of a text that a query matched: its positive words, prefixes and whole phrases (not what
    follows NOT). Works on the terms of ``normalise.word_terms``, so it marks exactly what the index matched."""

    def __init__(self, node: Node | None):
        self.terms: set[str] = set()
        self.prefixes: set[str] = set()
        self.phrases: set[tuple[tuple[str, ...], bool]] = set()  # (terms, last is a prefix)
        if node is not None:
            self._collect(node)
        self._prefixes = tuple(sorted(self.prefixes))
        self._phrase_firsts = {phrase[0] for phrase, _prefix in self.phrases}
        # Words (as their space-separated terms) already judged, and those of them that match: texts share words.
        self._seen: set[str] = set()
        self._matching: set[str] = set()

    def _collect(self, node: Node) -> None:
        if isinstance(node, Phrase):
            for variant in node.variants():
                if len(variant) > 1:
                    self.phrases.add((variant, node.prefix))
                elif node.prefix:
                    self.prefixes.add(variant[0])
                else:
                    self.terms.add(variant[0])
        elif isinstance(node, Any):
            for option in node.options:
                self._collect(option)
        else:
            for included in node.include:
                self._collect(included)

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes or self.phrases)

    def marked(self, words: list[str]) -> set[int]:
        """The indexes of the matching words, given each word's terms (``normalise.words_terms``)."""
        # Decide once per distinct word, then find the positions with set lookups: texts repeat their words.
        distinct = set(words)
        unseen = distinct - self._seen
        if unseen:
            self._seen |= unseen
            self._matching |= unseen & self.terms  # most words are one term: a set intersection decides them
            rest = unseen if self._prefixes else [w for w in unseen if " " in w]
            self._matching.update(
                w for w in rest if any(t in self.terms or t.startswith(self._prefixes) for t in w.split())
            )
        matching = distinct & self._matching
        marked = {index for index, w in enumerate(words) if w in matching} if matching else set()
        if self._phrase_firsts and not self._phrase_firsts.isdisjoint(t for w in distinct for t in w.split()):
            firsts = self._phrase_firsts
            flat = [(t, index) for index, terms in enumerate(words) for t in terms.split()]
            for position, (first, _index) in enumerate(flat):
                if first not in firsts:
                    continue
                for phrase, prefix in self.phrases:
                    window = flat[position : position + len(phrase)]
                    if len(window) == len(phrase) and self._phrase_matches(phrase, prefix, window):
                        marked.update(index for _t, index in window)
        return marked

    @staticmethod
    def _phrase_matches(phrase: tuple[str, ...], prefix: bool, window: list[tuple[str, int]]) -> bool:
        *head, last = phrase
        if any(t != p for (t, _i), p in zip(window, head)):
            return False
        return window[-1][0].startswith(last) if prefix else window[-1][0] == last
