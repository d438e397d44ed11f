"""Searching recommendations, and keeping the search index in step with them.

- ``recommendation_search``: keyword search (the query language of ``query.py``), semantic search (the
  ``rasd.semantic`` app's embeddings) or both fused, best first, each hit with a highlighted snippet.
- ``recommendation_more_like_this``: the recommendations closest to one.
- ``search_index_update``: (re)index some recommendations, or all. ``recommendations_changed`` (in
  ``rasd.recommendations.services``) calls it for the importer, inside the import's transaction, and for the admin,
  so the index changes exactly when the data does; code that writes recommendations any other way must call
  ``recommendations_changed`` too.
"""

import html
from collections.abc import Callable
from itertools import starmap
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from rasd.core.models import active_language
from rasd.recommendations.models import Recommendation
from rasd.search import normalise
from rasd.search.backends import INDEXED_FIELDS, backend, index_entry
from rasd.search.query import Matcher, Node, SearchQueryError, parse, parse_lenient
from rasd.semantic.services import semantic_ranking, similar_recommendations

__all__ = [
    "SearchHit",
    "SearchQueryError",
    "recommendation_more_like_this",
    "recommendation_search",
    "recommendation_snippets",
    "search_index_update",
]


MODES = ("keyword", "semantic", "hybrid")
RRF_K = 60  # reciprocal-rank fusion constant (Cormack et al. 2009): 1 / (60 + rank)
SNIPPET_WORDS = 40
SNIPPET_WORDS_BEFORE = 12  # of the 40, how many come before the first match
# Hits that get a snippet unless the caller says otherwise: a page of the list. Making snippets for all 1,000 hits
# would cost more than the search itself (0.1 ms each on the demo data's long texts); the list asks
# recommendation_snippets() for those of the page it shows when they are not among these.
DEFAULT_SNIPPETS = 25
MARK_JOINERS = {" ", "\u00a0", "’", "'", "-"}
TEXT_FIELDS = {"ar": "text_ar", "fr": "text_fr", "en": "text_en"}


class SearchHit(NamedTuple):
    """One recommendation found. A named tuple: a search makes up to a thousand, and a frozen dataclass costs
    several times more to build (about 2 ms a search). A ranking's rows, (id, score), are the first two fields."""

    recommendation_id: int
    score: float  # higher is better
    snippet: str = ""  # safe HTML with <mark>, may be ""
    language: str = ""  # language of the snippet


# Searching


def recommendation_search(
    *, query: str, mode: str = "keyword", limit: int = 1000, snippets: int = DEFAULT_SNIPPETS
) -> list[SearchHit]:
    """The recommendations that match ``query``, best first, at most ``limit``.

    ``mode``: "keyword" (words, "phrases", AND/OR/NOT, prefix*: see ``query.py``), "semantic" (closest meaning, in
    any language) or "hybrid" (the two rankings fused by reciprocal rank). The first ``snippets`` hits carry a
    snippet of the text that matched, with the matching words in ``<mark>``. An empty query finds nothing.

    Raises ``SearchQueryError`` (its message is for the user) for a keyword query that cannot be read or an
    unknown mode; semantic and hybrid searches take any text.
    """
    if mode not in MODES:
        raise SearchQueryError(_("Unknown search mode “%(mode)s”.") % {"mode": mode})
    if not query.strip() or limit <= 0:
        return []
    if mode == "keyword":
        node = parse(query)
        ranking = _keyword_ranking(node, limit)
    else:
        node = _parse_forgiving(query)
        ranking = _semantic_or_hybrid(query=query, node=node, mode=mode, limit=limit)
    return _with_snippets(ranking, node, snippets)


def _keyword_ranking(node: Node, limit: int) -> list[tuple[int, float]]:
    # A query with more matches than RASD_SEARCH_RANKED_MATCHES is ranked among its most recently added ones:
    # ranking every one of tens of thousands costs more than a person waits, for a list they will narrow anyway.
    return backend().search(node, limit, max(limit, settings.RASD_SEARCH_RANKED_MATCHES))


def _parse_forgiving(query: str) -> Node | None:
    # Semantic and hybrid searches take a description; a stray quote or bracket in it is not an error.
    try:
        return parse(query)
    except SearchQueryError:
        return parse_lenient(query)


def _semantic_or_hybrid(*, query: str, node: Node | None, mode: str, limit: int) -> list[tuple[int, float]]:
    semantic = semantic_ranking(query=query, limit=limit)
    if mode == "semantic":
        return list(semantic)
    keyword = _keyword_ranking(node, limit) if node is not None else []
    return reciprocal_rank_fusion([keyword, semantic], limit=limit)


def reciprocal_rank_fusion(rankings: list[list[tuple[int, float]]], *, limit: int) -> list[tuple[int, float]]:
    """Fuse rankings: each id scores the sum of 1 / (60 + its rank) over the rankings it is in; best first."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, (recommendation_id, _score) in enumerate(ranking, start=1):
            scores[recommendation_id] = scores.get(recommendation_id, 0.0) + 1.0 / (RRF_K + rank)
    # sorted() is stable: equal scores keep the order of the first ranking they appear in.
    return sorted(scores.items(), key=lambda item: -item[1])[:limit]


def recommendation_more_like_this(*, recommendation_id: int, limit: int = 20) -> list[SearchHit]:
    """The recommendations closest in meaning to one (itself excluded), best first, from ``rasd.semantic``'s
    embeddings; none while the worker has not yet computed this recommendation's vectors."""
    return [
        SearchHit(pk, score)
        for pk, score in similar_recommendations(recommendation_id=recommendation_id, limit=limit)
        if pk != recommendation_id
    ]


# Snippets


def _with_snippets(ranking: list[tuple[int, float]], node: Node | None, count: int) -> list[SearchHit]:
    # Every hit is made straight from its ranking row, then the first `count` are remade with their snippet:
    # several times quicker than looking up a snippet for each of a thousand hits.
    hits = list(starmap(SearchHit, ranking))
    snippets = recommendation_snippets(node=node, recommendation_ids=[pk for pk, _ in ranking[:count]])
    for position, (pk, score) in enumerate(ranking[:count]):
        if pk in snippets:
            hits[position] = SearchHit(pk, score, *snippets[pk])
    return hits


def recommendation_snippets(
    *, recommendation_ids: list[int], query: str = "", node: Node | None = None
) -> dict[int, tuple[str, str]]:
    """(snippet HTML, language) of each recommendation for a query: ~40 words of the text that matched, in its
    own language, the matching words in ``<mark>``, the rest escaped. For the pages after the first.

    The text chosen is the one in the active language if it matched, else the original, else another that did;
    a recommendation none of whose texts holds a matching word (a match on its code) gets no snippet.
    """
    if not recommendation_ids:
        return {}
    if node is None:
        if not query.strip():
            return {}
        node = _parse_forgiving(query)
    matcher = Matcher(node)
    if not matcher:
        return {}
    preferred = active_language()
    snippets = {}
    for pk, original, *texts in _recommendation_texts(recommendation_ids):
        by_language = dict(zip(TEXT_FIELDS, texts))
        for language in dict.fromkeys([preferred, original, *TEXT_FIELDS]):
            text = by_language.get(language)
            if not text:
                continue
            parts = normalise.split_words(text)
            marked = matcher.marked(normalise.words_terms(parts[1::2], language))
            if marked:
                snippets[pk] = (_snippet_html(parts, marked), language)
                break
    return snippets


def _recommendation_texts(recommendation_ids: list[int]) -> list[tuple]:
    """(id, original language, text_ar, text_fr, text_en) of each recommendation. A bare query: the ORM takes
    several times longer to compile this one than SQLite takes to answer it, and a search runs it every time."""
    meta = Recommendation._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name).column for name in ("id", "original_language", *TEXT_FIELDS.values())]
    placeholders = ", ".join(["%s"] * len(recommendation_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(map(quote, columns))} FROM {quote(meta.db_table)} "
            f"WHERE {quote(meta.pk.column)} IN ({placeholders})",
            recommendation_ids,
        )
        return cursor.fetchall()


def _snippet_html(parts: list[str], marked: set[int]) -> str:
    """~40 words around the first marked one, escaped, each run of marked words in one <mark>. ``parts``: the text
    as ``normalise.split_words`` cuts it (word ``i`` is ``parts[2 * i + 1]``, the gap before it ``parts[2 * i]``)."""
    word_count = len(parts) // 2
    first = min(marked)
    start = max(0, min(first - SNIPPET_WORDS_BEFORE, word_count - SNIPPET_WORDS))
    end = min(word_count, start + SNIPPET_WORDS)
    runs: list[list[int]] = []  # [first word, last word]
    for index in sorted(i for i in marked if start <= i < end):
        # "droits de l’homme" is one run: only a space, an apostrophe or a hyphen parts its words.
        if runs and runs[-1][1] == index - 1 and parts[2 * index] in MARK_JOINERS:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    pieces = ["…"] if start > 0 else []
    cursor = 2 * start + 1  # the first word shown
    for first_word, last_word in runs:
        pieces += [
            _escaped(parts[cursor : 2 * first_word + 1]),
            "<mark>",
            _escaped(parts[2 * first_word + 1 : 2 * last_word + 2]),
            "</mark>",
        ]
        cursor = 2 * last_word + 2
    if end < word_count:
        pieces.append(_escaped(parts[cursor : 2 * end + 1]).rstrip() + "…")  # up to the word after the last shown
    else:
        pieces.append(_escaped(parts[cursor:]))
    return mark_safe("".join(pieces).strip())


def _escaped(parts: list[str]) -> str:
    return html.escape("".join(parts))


# The index


def search_index_update(
    *, recommendation_ids: list[int] | None = None, progress: Callable[[int, int], None] | None = None
) -> int:
    """Index the given recommendations again (``None``: rebuild the whole index); returns the rows indexed.

    Ids of recommendations that no longer exist are removed from the index. Runs in the caller's transaction when
    there is one (the importer's), so an import that fails leaves the index as it was. ``progress(done, total)``
    follows the work.
    """
    search = backend()
    recommendations = Recommendation.objects.order_by("pk").values_list(*INDEXED_FIELDS)
    indexed = 0
    # Atomic on its own too (a savepoint inside an import): a search never sees the index half rebuilt.
    with transaction.atomic():
        search.schema_repair()
        if recommendation_ids is None:
            search.clear()
            total = recommendations.count()
            chunks = _chunks_by_pk(recommendations)
        else:
            ids = sorted(set(recommendation_ids))
            search.delete(ids)
            total = len(ids)
            chunks = (recommendations.filter(pk__in=ids[i : i + 500]) for i in range(0, len(ids), 500))
        for chunk in chunks:
            entries = [index_entry(*row) for row in chunk]
            search.insert(entries)
            indexed += len(entries)
            if progress:
                progress(indexed, total)
        if recommendation_ids is None:
            search.optimise()
    return indexed


def _chunks_by_pk(queryset, size: int = 2000):
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last)[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]
