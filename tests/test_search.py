"""Keyword search on the real Moroccan recommendations in the test database (742 in French, 547 also in Arabic),
and on small records made here where a test needs to know exactly what is indexed. Runs on SQLite (FTS5) and on
PostgreSQL (full-text search) alike."""

import re
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import translation

from rasd.imports.errors import ImportRejected
from rasd.imports.services import import_file
from rasd.mechanisms.models import Mechanism
from rasd.recommendations.models import Recommendation
from rasd.search import query as search_query
from rasd.search import services as search_services
from rasd.search.services import (
    SearchHit,
    SearchQueryError,
    recommendation_more_like_this,
    recommendation_search,
    recommendation_snippets,
    search_index_update,
)
from rasd.states.models import State
from tests.test_import_upr_info import write_slice

pytestmark = pytest.mark.django_db


def found(query: str, **options) -> set[int]:
    return {hit.recommendation_id for hit in recommendation_search(query=query, **options)}


def ranked(query: str) -> list[int]:
    return [hit.recommendation_id for hit in recommendation_search(query=query)]


def recommendation_create(*, text_en: str = "", text_fr: str = "", text_ar: str = "", code: str = "") -> Recommendation:
    language = "en" if text_en else "fr" if text_fr else "ar"
    recommendation = Recommendation.objects.create(
        state=State.objects.get(iso3="MAR"),
        mechanism=Mechanism.objects.get(code="UPR"),
        text_en=text_en,
        text_fr=text_fr,
        text_ar=text_ar,
        code=code,
        original_language=language,
    )
    search_index_update(recommendation_ids=[recommendation.pk])
    return recommendation


def with_word(field: str, present: str, absent: str = "") -> set[int]:
    """Recommendations whose ``field`` holds the exact word ``present`` and not the word ``absent``."""

    def has(word, text):
        return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None

    texts = Recommendation.objects.values_list("pk", field)
    return {pk for pk, text in texts if has(present, text) and not (absent and has(absent, text))}


# Arabic: hamza, harakat, article, plural


@pytest.mark.parametrize(
    "written, canonical",
    [("الاطفال", "الأطفال"), ("اساءة", "إساءة"), ("التَّعْذِيب", "التعذيب"), ("الـتـعـذيـب", "التعذيب")],
)
def test_an_arabic_query_without_hamza_or_with_harakat_finds_the_same_records_as_the_canonical_spelling(
    written, canonical
):
    records = found(canonical)
    assert records and found(written) == records
    assert with_word("text_ar", canonical) <= records


def test_an_arabic_word_is_found_with_and_without_the_article_and_in_the_sound_plural():
    conventions = found("اتفاقية")
    assert with_word("text_ar", "الاتفاقيات", absent="الاتفاقية") & conventions
    assert found("الاتفاقيات") == found("والاتفاقية") == conventions


# French and English stemming


@pytest.mark.parametrize(
    "query, singular, plural", [("tortures", "torture", "tortures"), ("enfants", "enfant", "enfants")]
)
def test_a_french_plural_finds_records_with_only_the_singular_and_the_singular_finds_the_plural(
    query, singular, plural
):
    only_singular = with_word("text_fr", singular, absent=plural)
    only_plural = with_word("text_fr", plural, absent=singular)
    assert only_singular and only_plural
    assert only_singular | only_plural <= found(plural)
    assert found(singular) == found(plural)


def test_accents_and_case_do_not_matter_in_french():
    assert found("DÉTENTION") == found("detention") == found("détention") != set()


def test_english_words_are_found_in_their_other_forms():
    prisons = recommendation_create(
        text_en="Investigate conditions in the prison of Tazmamart and ratify the Protocol."
    )
    assert prisons.pk in found("prisons")
    assert prisons.pk in found("investigations")
    assert prisons.pk in found("ratifying")
    assert prisons.pk in found("Protocols")


# The query language


def test_a_phrase_finds_the_words_only_together_and_in_order():
    together = recommendation_create(text_en="The quixotic human rights council shall meet.")
    apart = recommendation_create(text_en="Rights of the human quixotic council.")
    assert {together.pk, apart.pk} <= found("quixotic human rights")
    assert found('"quixotic human rights"') == {together.pk}


def test_a_french_phrase_on_the_real_data_is_narrower_than_its_words():
    phrase, words = found('"enfants handicapés"'), found("enfants handicapés")
    assert phrase and phrase < words
    together = re.compile(r"enfants?\s+handicapée?s?\b", re.IGNORECASE)
    texts = Recommendation.objects.filter(pk__in=words).values_list("pk", "text_fr")
    assert phrase == {pk for pk, text in texts if together.search(text)}


def test_not_excludes_and_or_adds_and_words_must_all_be_there():
    torture, police = found("torture"), found("police")
    assert torture - police and torture & police
    assert found("torture NOT police") == torture - police
    assert found("torture OR police") == torture | police
    assert found("torture police") == found("torture AND police") == torture & police


def test_the_operators_can_be_written_in_french_and_arabic():
    assert found("torture SAUF police") == found("torture NOT police")
    assert found("torture OU police") == found("torture OR police")
    assert found("torture ET police") == found("torture AND police")
    assert found("التعذيب أو الأطفال") == found("التعذيب") | found("الأطفال")
    assert found("التعذيب و الأطفال") == found("التعذيب") & found("الأطفال")
    assert found("الأطفال باستثناء التعذيب") == found("الأطفال") - found("التعذيب")


def test_operators_in_lower_case_are_words():
    node = search_query.parse("freedom or death")
    assert isinstance(node, search_query.All) and len(node.include) == 3


def test_or_binds_tighter_than_and_and_parentheses_group():
    assert found("torture OR police enfants") == (found("torture") | found("police")) & found("enfants")
    assert found("(torture OR police) enfants") == found("torture OR police enfants")
    assert found("torture OR (police enfants)") == found("torture") | (found("police") & found("enfants"))


def test_a_prefix_finds_every_word_that_starts_with_it():
    ratif = found("ratif*")
    assert found("ratification") | found("ratifier") | found("ratifié") <= ratif
    starts = re.compile(r"(?<!\w)ratif", re.IGNORECASE)
    texts = Recommendation.objects.filter(pk__in=ratif).values_list("text_fr", "text_en")
    assert all(starts.search(fr) or starts.search(en) for fr, en in texts)
    assert len(ratif) == len(with_word_prefix("ratif"))


def with_word_prefix(prefix: str) -> set[int]:
    starts = re.compile(rf"(?<!\w){prefix}", re.IGNORECASE)
    return {
        pk
        for pk, fr, en in Recommendation.objects.values_list("pk", "text_fr", "text_en")
        if starts.search(fr + " " + en)
    }


def test_codes_and_document_symbols_are_searchable():
    [r144_12] = Recommendation.objects.filter(code="R144.12P2", paragraph="144.12")
    assert found("R144.12") == found("144.12") == found("r144.12p2") == {r144_12.pk}
    assert found("A/HRC/36/6") == set(
        Recommendation.objects.filter(document__symbol="A/HRC/36/6").values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    "query, mentions",
    [
        ('"unclosed', '"'),
        ("AND", "AND"),
        ("NOT", "NOT"),
        ("torture OR", "OR"),
        ("NOT police", "NOT"),
        ("(torture", ")"),
        ("torture)", ")"),
        ("()", ""),
        ("r*", "*"),
        ("!!!", ""),
    ],
)
def test_a_query_that_cannot_be_read_raises_an_error_with_a_message(query, mentions):
    with pytest.raises(SearchQueryError) as error:
        recommendation_search(query=query)
    message = str(error.value)
    assert len(message) > 15 and mentions in message


def test_an_empty_query_finds_nothing_and_an_unknown_mode_is_an_error():
    assert recommendation_search(query="   ") == []
    with pytest.raises(SearchQueryError):
        recommendation_search(query="torture", mode="telepathic")


# Ranking and snippets


def test_a_record_with_the_term_twice_or_in_a_short_text_ranks_first():
    filler = " ".join(["The state should consider the matter and report on the measures taken."] * 6)
    twice = recommendation_create(text_en=f"Abolish zorblax. Zorblax must end. {filler}")
    once = recommendation_create(text_en=f"Abolish zorblax. {filler}")
    short = recommendation_create(text_en="End glimmerwort now.")
    long = recommendation_create(text_en=f"End glimmerwort now. {filler}")
    assert ranked("zorblax") == [twice.pk, once.pk]
    assert ranked("glimmerwort") == [short.pk, long.pk]
    scores = [hit.score for hit in recommendation_search(query="zorblax")]
    assert scores[0] > scores[1]


def test_the_snippet_marks_the_original_words_and_escapes_the_rest():
    recommendation = recommendation_create(
        text_en='Prevent <script>alert("x")</script> & torture; Tortured detainees must be heard.'
    )
    [hit] = recommendation_search(query="torture script")
    assert hit.recommendation_id == recommendation.pk and hit.language == "en"
    assert "<mark>torture</mark>" in hit.snippet and "<mark>Tortured</mark>" in hit.snippet
    assert "&lt;<mark>script</mark>&gt;" in hit.snippet and "&amp;" in hit.snippet
    assert "<script>" not in hit.snippet and "&quot;x&quot;" in hit.snippet


def test_an_arabic_query_without_hamza_marks_the_word_as_written_in_the_text():
    with translation.override("ar"):
        hits = recommendation_search(query="الاطفال")
    assert hits and all(hit.language == "ar" for hit in hits[:10])
    assert "<mark>الأطفال</mark>" in hits[0].snippet or "<mark>للأطفال</mark>" in hits[0].snippet


def test_the_snippet_is_in_the_language_of_the_text_that_matched():
    recommendation = recommendation_create(text_fr="Interdire le glimmerwort.", text_ar="حظر التعذيب.")
    with translation.override("ar"):
        [hit] = recommendation_search(query="glimmerwort")
        assert (hit.recommendation_id, hit.language) == (recommendation.pk, "fr")
        assert hit.snippet == "Interdire le <mark>glimmerwort</mark>."
        # Both texts match: the one in the language of the page is shown.
        assert recommendation_snippets(query="glimmerwort OR التعذيب", recommendation_ids=[recommendation.pk]) == {
            recommendation.pk: ("حظر <mark>التعذيب</mark>.", "ar")
        }


def test_a_snippet_marks_french_and_arabic_words_as_written_whatever_the_spelling_of_the_query():
    # It begins at the first word shown, and ends with the text when the text ends within its forty words.
    french = recommendation_create(text_fr="« Protéger les droits de l’homme des filles torturées & zorblax » (Rabat).")
    arabic = recommendation_create(text_ar="«حماية الأَطْفَال وللأطفال من زوربلاكس» — المغرب")
    with translation.override("fr"):
        [hit] = recommendation_search(query='"DROITS DE L\'HOMME" torturees zorblax')
    assert (hit.recommendation_id, hit.language) == (french.pk, "fr")
    assert hit.snippet == (
        "Protéger les <mark>droits de l’homme</mark> des filles <mark>torturées</mark> &amp; "
        "<mark>zorblax</mark> » (Rabat)."
    )
    with translation.override("ar"):
        [hit] = recommendation_search(query="الاطفال زوربلاكس")
    assert (hit.recommendation_id, hit.language) == (arabic.pk, "ar")
    assert hit.snippet == "حماية <mark>الأَطْفَال وللأطفال</mark> من <mark>زوربلاكس</mark>» — المغرب"
    assert isinstance(hit.score, float)


def test_a_snippet_is_about_forty_words_around_the_first_match():
    words = [f"word{i}" for i in range(200)]
    words[120] = "quillomancy"
    recommendation = recommendation_create(text_en=" ".join(words))
    [hit] = recommendation_search(query="quillomancy")
    assert hit.recommendation_id == recommendation.pk
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet.split()) == 40 and "word108" in hit.snippet and "word147" in hit.snippet


def test_only_the_first_hits_get_snippets_and_later_pages_ask_for_theirs():
    hits = recommendation_search(query="enfants", snippets=5)
    assert len(hits) > 20
    assert all(hit.snippet for hit in hits[:5]) and not any(hit.snippet for hit in hits[5:])
    later = recommendation_snippets(query="enfants", recommendation_ids=[hit.recommendation_id for hit in hits[5:20]])
    assert set(later) == {hit.recommendation_id for hit in hits[5:20]}
    assert all("<mark>" in html for html, _language in later.values())


# The index follows the data


def test_the_index_follows_an_import_and_a_changed_text(tmp_path):
    path, rows = write_slice(tmp_path, start=0, count=20)
    assert found('"systematically monitor human rights"') == set()

    import_file(source="upr_info", data=path)

    imported = Recommendation.objects.filter(source="upr_info")
    [first] = imported.filter(text_en=rows[0]["Text"].strip())
    assert found('"systematically monitor human rights"') == {first.pk}

    def rewrite(rows):
        rows[0]["Text"] = "Establish a quarrelsome mechanism."

    path, _rows = write_slice(tmp_path, start=0, count=20, change=rewrite)
    import_file(source="upr_info", data=path)
    assert found("quarrelsome") == {first.pk}
    assert found('"systematically monitor human rights"') == set()


def test_a_refused_import_leaves_the_search_results_unchanged(tmp_path):
    def break_one(rows):
        rows[5]["To"] = "Atlantis"

    path, _rows = write_slice(tmp_path, start=0, count=20, change=break_one)
    before = ranked("torture"), ranked('"systematically monitor human rights"')
    with pytest.raises(ImportRejected):
        import_file(source="upr_info", data=path)
    assert (ranked("torture"), ranked('"systematically monitor human rights"')) == before


def test_an_import_that_fails_after_indexing_takes_its_index_rows_back_with_it(tmp_path, monkeypatch):
    from rasd.recommendations import services as recommendation_services

    def index_then_fail(**kwargs):
        search_index_update(**kwargs)
        assert found('"systematically monitor human rights"')  # indexed inside the import's transaction
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(recommendation_services, "search_index_update", index_then_fail)
    path, _rows = write_slice(tmp_path, start=0, count=20)
    with pytest.raises(RuntimeError):
        import_file(source="upr_info", data=path)
    assert found('"systematically monitor human rights"') == set()
    assert not Recommendation.objects.filter(source="upr_info").exists()


def test_saving_a_recommendation_in_the_admin_updates_the_index(admin_user):
    recommendation = Recommendation.objects.get(code="R144.12P2")
    recommendation.text_fr += " Prévoir un budget pour la quincaillerie."
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    site._registry[Recommendation].save_model(request, recommendation, SimpleNamespace(changed_data=["text_fr"]), True)
    assert found("quincaillerie") == {recommendation.pk}


def test_a_deleted_recommendation_leaves_the_index():
    recommendation = recommendation_create(text_en="A fleeting quasiparticle recommendation.")
    assert found("quasiparticle") == {recommendation.pk}
    recommendation.delete()
    assert found("quasiparticle") == set()


def test_the_rebuild_command_indexes_every_recommendation():
    before = ranked("torture")
    stdout, stderr = StringIO(), StringIO()
    call_command("rebuild_search_index", stdout=stdout, stderr=stderr)
    assert stdout.getvalue().strip() == f"{Recommendation.objects.count()} recommendations indexed."
    assert "100%" in stderr.getvalue()
    assert set(ranked("torture")) == set(before)


# Semantic and hybrid modes (rasd.semantic's rankings replaced by fixed ones: its own tests cover them)


class FixedRankings(dict):
    def semantic_ranking(self, *, query, limit):
        return self.get(query, [])[:limit]

    def similar_recommendations(self, *, recommendation_id, limit):
        return self.get(recommendation_id, [])[:limit]


@pytest.fixture
def semantic(monkeypatch):
    rankings = FixedRankings()
    monkeypatch.setattr(search_services, "semantic_ranking", rankings.semantic_ranking)
    monkeypatch.setattr(search_services, "similar_recommendations", rankings.similar_recommendations)
    return rankings


def test_semantic_mode_returns_the_semantic_ranking(semantic):
    semantic["التعذيب"] = [(7, 0.9), (3, 0.8)]
    assert [(h.recommendation_id, h.score) for h in recommendation_search(query="التعذيب", mode="semantic")] == [
        (7, 0.9),
        (3, 0.8),
    ]


def test_hybrid_mode_fuses_the_two_rankings_by_reciprocal_rank(semantic):
    keyword = ranked("torture")
    semantic["torture"] = [(keyword[3], 0.9), (999_999, 0.8)]
    hybrid = [hit.recommendation_id for hit in recommendation_search(query="torture", mode="hybrid")]
    assert hybrid[0] == keyword[3]  # second-best semantic hit is not the same as best in both lists
    assert set(hybrid) == set(keyword) | {999_999}
    assert hybrid.index(999_999) < len(hybrid) - 1


def test_hybrid_mode_accepts_text_that_is_not_a_valid_keyword_query(semantic):
    semantic['"torture'] = [(5, 0.5)]
    assert 5 in found('"torture', mode="hybrid")


def test_more_like_this_comes_from_the_semantic_app(semantic):
    semantic[42] = [(42, 1.0), (7, 0.9)]
    assert recommendation_more_like_this(recommendation_id=42) == [SearchHit(7, 0.9)]


# A broad query


def test_a_query_with_more_matches_than_the_ranked_bound_is_ranked_among_its_most_recent_matches(settings):
    """Five records share the word "zorbulent"; with a bound of three, the three most recently added are ranked."""
    settings.RASD_SEARCH_RANKED_MATCHES = 3
    made = [
        recommendation_create(text_en="Adopt a zorbulent law on the rights of the child."),
        recommendation_create(text_en="Zorbulent zorbulent zorbulent: the strongest match, added early."),
        recommendation_create(text_en="Ensure zorbulent access to education for every child in rural areas."),
        recommendation_create(text_en="Zorbulent zorbulent plan."),
        recommendation_create(text_en="Train judges and prosecutors on zorbulent matters of juvenile justice."),
    ]
    hits = [hit.recommendation_id for hit in recommendation_search(query="zorbulent", limit=3)]
    assert sorted(hits) == [made[2].pk, made[3].pk, made[4].pk]
    settings.RASD_SEARCH_RANKED_MATCHES = 5000
    assert found("zorbulent", limit=3) & {made[0].pk, made[1].pk}  # within the bound, every match is ranked
