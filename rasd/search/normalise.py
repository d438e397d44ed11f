"""Text normalisation for search: the one pipeline used both when indexing and when querying.

A text is cut into words (``WORD_RE``), and each word is reduced to the *terms* it is indexed or searched under
(``word_terms``):

- **Arabic script**: harakat, Quranic marks and tatweel are removed; أ إ آ ٱ fold to ا, ؤ to و, ئ to ي, ى to ي,
  ة to ه; Arabic-Indic digits become 0-9; then a light stemmer (``arabic_stem``) strips the conjunction و, the
  article (ال, وال, بال, كال, فال, لل) and the common suffixes, so that «الاتفاقيات», «اتفاقية» and «والاتفاقية» meet.
- **Latin script** (and any other): case folding, accents removed (NFKD), then the Snowball stemmer of the text's
  language — French for ``text_fr``, English for ``text_en`` ("tortures" → "tortur", "women" → "women"). As accents
  are removed first, a query typed without them finds the same words; a final "ee(s)" is read as "ée(s)" for the
  French stemmer, which gives "torturées" the stem of "torture" (measured in ``benchmarks/search.py``).
- **Numbers and codes**: a term is made of letters or of digits, so "R144.12" is the terms ``r 144 12`` and
  "A/HRC/36/6" is ``a hrc 36 6``; the query side cuts a term the same way and searches the pieces as a phrase,
  which makes "144.12", "R144.12" and "A/HRC/36/6" findable without a tokenizer that knows about codes.

The language of a query is not known, so a Latin-script query word is searched under its French stem, its English
stem and its unstemmed form (``query_forms``); an Arabic-script word under its Arabic stem. A column is indexed with
its own language's stemmer (``index_text``); Latin words inside Arabic text and the codes column are left unstemmed.

Every function here is pure and cached per word: indexing 270,000 recommendations normalises millions of words,
most of them repeats. The index holds what this module made of each text when it was written: a change here
needs the index rebuilt (``manage.py rebuild_search_index``, or a migration that rebuilds it).
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# A word is a run of letters/digits, with any combining marks (harakat, Latin accents in NFD text) and tatweel
# inside it; everything else (spaces, punctuation, / . - ' ’) separates words. (One character class: twice as
# fast as excluding "_" here, which _PIECE_RE drops instead.)
_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640"
WORD_RE = re.compile(rf"[\w{_MARKS}]+")
# The same words, kept with the text between them (see ``split_words``).
_WORD_SPLIT_RE = re.compile(f"({WORD_RE.pattern})")
# Inside a word, letters and digits are cut apart: "R144" is "r" and "144", "2030" stays whole.
_PIECE_RE = re.compile(r"\d+|[^\d_]+")

ARABIC_RE = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")

_ARABIC_FOLD = str.maketrans(
    {
        "\u0671": "\u0627",  # ٱ alef wasla → ا
        "\u0649": "\u064a",  # ى alef maqsura → ي
        "\u0629": "\u0647",  # ة teh marbuta → ه
        "\u0640": None,  # tatweel
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic (Persian) digits
    }
)

# Light stemming (after folding, so ة is already ه). The order matters: conjunction, then article, then suffixes.
_ARABIC_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
_ARABIC_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")

_FRENCH_EE = re.compile(r"ee(s?)$")
_STEMMERS = {lang: snowballstemmer.stemmer(name) for lang, name in (("fr", "french"), ("en", "english"))}


def is_arabic(word: str) -> bool:
    return ARABIC_RE.search(word) is not None


def _strip_marks(word: str) -> str:
    # NFKD splits أ into ا + hamza above, é into e + acute, and presentation forms into base letters;
    # dropping every combining mark then removes harakat, hamza seats and accents in one pass.
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Case, accents, harakat, tatweel, hamza forms, ى/ة and Arabic digits folded; no stemming."""
    return _strip_marks(word.translate(_ARABIC_FOLD)).translate(_ARABIC_FOLD).casefold()


def arabic_stem(word: str) -> str:
    """Light stemmer for a folded Arabic word, after Larkey et al.'s Light10: prefixes, then suffixes.

    Chosen over Snowball's Arabic stemmer by measurement on the DIDH demo data (``benchmarks/search.py`` reports it):
    Snowball gives one stem to a word with and without ال in about half of the demo vocabulary's pairs («التوصيه» →
    «توصيه» but «توصيه» → «توص»), this stemmer in all of them. Departures from Light10, each measured the same way:
    the article is stripped again when the word still starts with one, because folding makes «إلغاء» «الغاء»
    and «الإلغاء» «الالغاء»; a word-initial ف is kept (in «فريق», «فعالية» it is part of the root far more often
    than it is "so"); and a trailing ي left over is stripped, because folding ئ to ي turns «القضائية»/«القضائي»
    into «القضاييه»/«القضايي».
    """
    if len(word) >= 4 and word[0] == "و":
        word = word[1:]
    for _ in range(3):
        article = next((a for a in _ARABIC_ARTICLES if word.startswith(a) and len(word) - len(a) >= 2), None)
        if article:
            word = word[len(article) :]
        elif len(word) >= 4 and word[0] == "و":  # «الوزاره» → «وزاره» → «زاره», as «وزاره» → «زاره»
            word = word[1:]
        else:
            break
    for suffix in _ARABIC_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
    if len(word) >= 4 and word.endswith("ي"):
        word = word[:-1]
    return word


@lru_cache(maxsize=200_000)
def term(piece: str, language: str) -> str:
    """The indexed term of one letter or digit piece of a word, for a text in ``language`` ("" = no stemming)."""
    folded = fold(piece)
    if not folded or folded.isdigit():
        return folded
    if is_arabic(folded):
        return arabic_stem(folded)
    if language == "fr":
        # Snowball's French stemmer removes "-ée(s)" only with its accent: "torturees" would keep a final "e" that
        # "torturées" loses. Folded text lost the accent, so it is put back where French can only mean "ée".
        return _strip_marks(_STEMMERS["fr"].stemWord(_FRENCH_EE.sub(r"ée\1", folded)))
    stemmer = _STEMMERS.get(language)
    return stemmer.stemWord(folded) if stemmer else folded


def pieces(word: str) -> list[str]:
    """The letter and digit runs of a word: "R144" → ["R", "144"]."""
    return _PIECE_RE.findall(word)


class _WordCache(dict):
    """word → its terms joined by spaces, for texts in one language; filled on first use.

    A dict with ``__missing__`` lets ``index_text`` run its loop in C (``map`` over ``__getitem__``): three times
    faster than calling a cached function per word. Emptied when it grows past ``MAX_CACHED_WORDS``.
    """

    MAX_CACHED_WORDS = 500_000

    def __init__(self, language: str):
        super().__init__()
        # Latin-script words in Arabic text are not stemmed (they are codes and names: "CERD/SP/45").
        self.latin_language = "" if language == "ar" else language

    def __missing__(self, word: str) -> str:
        if len(self) >= self.MAX_CACHED_WORDS:
            self.clear()
        terms = self[word] = " ".join(t for piece in pieces(word) if (t := term(piece, self.latin_language)))
        return terms


_WORD_CACHES = {language: _WordCache(language) for language in ("", "ar", "fr", "en")}


def word_terms(word: str, language: str = "") -> list[str]:
    """The indexed terms of one word of a text in ``language`` ("" = not stemmed)."""
    return _WORD_CACHES[language][word].split()


def words_terms(words: list[str], language: str = "") -> list[str]:
    """The terms of each word, space-separated (most words have one term, some none: "")."""
    return list(map(_WORD_CACHES[language].__getitem__, words))


def split_words(text: str) -> list[str]:
    """The text cut at the edges of its words (``WORD_RE``): gaps and words alternating, ``[gap, word, gap, …, word,
    gap]``, gaps possibly empty at either end. Word ``i`` is ``parts[2 * i + 1]``, the gap before it ``parts[2 * i]``;
    ``"".join(parts)`` is the text. One pass gives what a snippet needs: the words and where they are."""
    return _WORD_SPLIT_RE.split(text)


def index_text(text: str, language: str = "") -> str:
    """The terms of a text in the order they appear, separated by spaces, as the index stores them."""
    return " ".join(map(_WORD_CACHES[language].__getitem__, WORD_RE.findall(text)))


def query_words(text: str) -> list[str]:
    """The letter/digit pieces of a query term, unnormalised ("A/HRC/36/6" → ["A", "HRC", "36", "6"])."""
    return [piece for match in WORD_RE.finditer(text) for piece in pieces(match.group()) if fold(piece)]


@lru_cache(maxsize=20_000)
def query_forms(piece: str) -> tuple[str, str, str]:
    """The terms a query piece may be indexed under, as its language is unknown: French stem, English stem, unstemmed.

    Arabic words and numbers have one form (repeated). A prefix (``ratif*``) uses the same forms as prefixes: the
    stems of a prefix are prefixes of it, and they also catch words whose stem is shorter than what was typed
    ("ratification*" finds "ratifier", indexed as "ratifi", through the stem "ratif").
    """
    folded = fold(piece)
    if not folded or folded.isdigit() or is_arabic(folded):
        t = term(piece, "")
        return (t, t, t)
    return (term(piece, "fr"), term(piece, "en"), folded)
