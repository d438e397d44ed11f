"""The text normaliser shared by the search index and the queries (rasd/search/normalise.py), word by word."""

import pytest

from rasd.search import normalise
from rasd.search.query import Phrase, parse


def terms(text: str, language: str = "") -> list[str]:
    return normalise.index_text(text, language).split()


@pytest.mark.parametrize(
    "spellings",
    [
        ("الأطفال", "الاطفال", "ألأطفال", "الأَطْفَال", "الاطـفـال", "للأطفال", "والأطفال", "بالأطفال", "أطفال"),
        ("التعذيب", "التَّعْذِيب", "تعذيب", "والتعذيب", "للتعذيب"),
        ("الاتفاقية", "الإتفاقية", "اتفاقيه", "الاتفاقيات", "اتفاقيات", "والاتفاقية"),
        ("القضائية", "القضائي", "القضائيه"),
        ("مستشفى", "مستشفي"),
        ("إلغاء", "الإلغاء", "الالغاء"),
    ],
)
def test_arabic_spellings_of_one_word_give_one_term(spellings):
    assert len({normalise.term(word, "") for word in spellings}) == 1, [normalise.term(w, "") for w in spellings]


def test_arabic_digits_are_read_as_digits():
    assert terms("الفقرة ١٤٤٫١٢") == terms("الفقرة 144.12") == ["فقر", "144", "12"]


@pytest.mark.parametrize(
    "language, words",
    [
        ("fr", ("torture", "tortures", "torturé", "TORTURÉES", "torturees")),
        ("fr", ("handicapé", "handicapées", "handicapees", "HANDICAPÉS")),
        ("fr", ("enfant", "enfants", "Enfants")),
        ("fr", ("détention", "detention", "DÉTENTIONS")),
        ("en", ("prison", "prisons", "Prisons")),
        ("en", ("ratify", "ratified", "ratifying", "ratifies")),
    ],
)
def test_french_and_english_forms_of_one_word_give_one_term(language, words):
    assert len({normalise.term(word, language) for word in words}) == 1


def test_codes_and_symbols_are_cut_into_letters_and_digits():
    assert terms("R144.12P2") == ["r", "144", "12", "p", "2"]
    assert terms("A/HRC/36/6") == ["a", "hrc", "36", "6"]
    assert terms("CERD/C/MAR/CO/19-21") == ["cerd", "c", "mar", "co", "19", "21"]


def test_latin_words_in_arabic_text_are_not_stemmed():
    assert terms("انظر الوثيقة CERD/SP/45 Conventions", "ar") == ["انظر", "ثيق", "cerd", "sp", "45", "conventions"]


def test_a_query_word_of_unknown_language_is_searched_with_the_french_and_english_stems_and_as_typed():
    assert normalise.query_forms("Rights") == ("right", "right", "rights")
    assert normalise.query_forms("Tortures") == ("tortur", "tortur", "tortures")
    assert normalise.query_forms("الأطفال") == ("اطفال",) * 3


def test_a_query_code_is_a_phrase_of_its_pieces():
    assert parse("A/HRC/36/6") == Phrase(("A", "HRC", "36", "6"))
    assert parse("droits de l’homme") != parse('"droits de l’homme"')


@pytest.mark.parametrize(
    "text",
    [
        "« Protéger les droits de l’homme » (France).",
        "«حماية الأَطْفَال وللأطفال» — المغرب",
        "R144.12: ratify CERD/C/MAR/CO/19-21",
        "word",
        "",
        "…",
    ],
)
def test_a_text_split_at_its_words_gives_the_indexed_words_between_the_rest_of_the_text(text):
    parts = normalise.split_words(text)
    assert "".join(parts) == text
    assert parts[1::2] == normalise.WORD_RE.findall(text)
    assert len(parts) == 2 * len(parts[1::2]) + 1
    assert not any(normalise.WORD_RE.search(gap) for gap in parts[::2])
