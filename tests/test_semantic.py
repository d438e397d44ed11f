"""Semantic, cross-lingual search on the real Moroccan recommendations of the demo data.

Only the few recommendations a test needs get vectors (a few dozen texts in all), never the whole demo set.
"""

import socket

import numpy as np
import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from rasd.core.reference import reference_data_load
from rasd.imports.services import import_file
from rasd.recommendations.models import Recommendation
from rasd.semantic import engine
from rasd.semantic.engine import MODEL_NAME, text_prepare
from rasd.semantic.models import RecommendationEmbedding
from rasd.semantic.services import embeddings_compute, semantic_ranking, similar_recommendations
from tests.conftest import UPR_INFO_FILE

pytestmark = pytest.mark.django_db

# Demo recommendations that exist in French only, each on its own subject.
FISHING_PERMITS = "9196abee938f"  # « Élargir les mécanismes de suivi … pour que les permis de pêche annuels soient … »
FISHING_QUERY = "الشفافية في منح رخص الصيد البحري"  # transparency in granting sea-fishing licences
OTHER_SUBJECTS = [
    "4a280f988fe7",  # a framework law on the right to food
    "7bf3486baafa",  # invite the Special Rapporteur on migrants
    "8d31e6be2a12",  # submit the overdue periodic report
    "930bb9487141",  # the organic law on Amazigh as an official language
    "97bb0c49e1e6",  # resources of the CNDH's regional offices
    "2a329cc58eb9",  # racial profiling
    "3f8e8a28545d",  # gender budgeting
]
# A demo recommendation in French and Arabic: «النظر في إضفاء الصفة الرسمية على الوقف الاختياري لتنفيذ عقوبة الإعدام…»
DEATH_PENALTY_PAIR = "455abeddf352"
ABOLITION = (
    "Abolir la peine de mort et ratifier le deuxième Protocole facultatif se rapportant au Pacte international "
    "relatif aux droits civils et politiques"
)


def upr_info_rows(rows: int) -> bytes:
    """The first rows of the real UPR Info file (it has no line breaks inside cells, so lines are rows)."""
    lines = UPR_INFO_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(lines[: rows + 1]).encode("utf-8")


def demo(*keys: str) -> list[Recommendation]:
    found = {r.source_key: r for r in Recommendation.objects.filter(source="didh", source_key__in=keys)}
    return [found[k] for k in keys]


def recommendation_like(model: Recommendation, **texts: str) -> Recommendation:
    """A new recommendation from the same mechanism and state as ``model``, with only the texts given."""
    return Recommendation.objects.create(
        state=model.state,
        mechanism=model.mechanism,
        original_language=next(iter(texts)).removeprefix("text_"),
        **{"text_ar": "", "text_fr": "", "text_en": "", **texts},
    )


@pytest.fixture
def other_subjects() -> list[Recommendation]:
    return demo(*OTHER_SUBJECTS)


def test_an_arabic_query_finds_a_recommendation_that_exists_only_in_french(other_subjects):
    [fishing] = demo(FISHING_PERMITS)
    assert fishing.text_fr and not fishing.text_ar
    embeddings_compute(recommendation_ids=[fishing.pk, *(r.pk for r in other_subjects)])

    ranking = semantic_ranking(query=FISHING_QUERY, limit=5)

    assert ranking[0][0] == fishing.pk
    assert len(ranking) == 5 and ranking[0][1] > ranking[1][1]


def test_more_like_this_on_an_arabic_text_finds_its_french_twin_first(other_subjects):
    [pair] = demo(DEATH_PENALTY_PAIR)
    arabic = recommendation_like(pair, text_ar=pair.text_ar)
    french = recommendation_like(pair, text_fr=pair.text_fr)
    embeddings_compute(recommendation_ids=[arabic.pk, french.pk, *(r.pk for r in other_subjects)])

    similar = similar_recommendations(recommendation_id=arabic.pk, limit=3)

    assert [rec_id for rec_id, _ in similar][0] == french.pk
    assert arabic.pk not in [rec_id for rec_id, _ in similar]


def test_a_recommendation_in_two_languages_is_ranked_once_by_its_best_version():
    [pair] = demo(DEATH_PENALTY_PAIR)
    assert embeddings_compute(recommendation_ids=[pair.pk]) == 2

    ranking = semantic_ranking(query="Maintenir le moratoire sur la peine de mort", limit=10)

    assert ranking == [(pair.pk, pytest.approx(ranking[0][1]))]


def test_vectors_are_skipped_when_the_text_is_unchanged_and_recomputed_when_it_changes():
    [pair] = demo(DEATH_PENALTY_PAIR)
    assert embeddings_compute(recommendation_ids=[pair.pk]) == 2
    before = {e.language: e for e in RecommendationEmbedding.objects.filter(recommendation=pair)}
    assert set(before) == {"ar", "fr"} and {e.model for e in before.values()} == {MODEL_NAME}

    assert embeddings_compute(recommendation_ids=[pair.pk]) == 0

    pair.text_fr = ABOLITION
    pair.save()
    assert embeddings_compute(recommendation_ids=[pair.pk]) == 1
    after = {e.language: e for e in RecommendationEmbedding.objects.filter(recommendation=pair)}
    assert after["ar"].pk == before["ar"].pk
    assert after["fr"].pk != before["fr"].pk and bytes(after["fr"].vector) != bytes(before["fr"].vector)

    pair.text_ar = ""
    pair.save()
    assert embeddings_compute(recommendation_ids=[pair.pk]) == 0
    assert list(RecommendationEmbedding.objects.filter(recommendation=pair).values_list("language", flat=True)) == [
        "fr"
    ]


def test_the_search_sees_vectors_written_after_it_first_ran(other_subjects):
    [fishing] = demo(FISHING_PERMITS)
    embeddings_compute(recommendation_ids=[r.pk for r in other_subjects])
    [(best_without, _)] = semantic_ranking(query=FISHING_QUERY, limit=1)
    assert best_without != fishing.pk

    embeddings_compute(recommendation_ids=[fishing.pk])
    assert semantic_ranking(query=FISHING_QUERY, limit=1)[0][0] == fishing.pk

    fishing.text_fr = ABOLITION
    fishing.save()
    embeddings_compute(recommendation_ids=[fishing.pk])
    assert semantic_ranking(query=FISHING_QUERY, limit=1)[0][0] == best_without

    fishing.delete()
    assert fishing.pk not in dict(semantic_ranking(query=FISHING_QUERY, limit=10))


def test_a_search_without_vectors_finds_nothing_and_loads_no_model(monkeypatch):
    monkeypatch.setattr(engine, "encoder", lambda: pytest.fail("the model was loaded"))
    assert semantic_ranking(query="التعذيب") == []
    assert similar_recommendations(recommendation_id=demo(FISHING_PERMITS)[0].pk) == []


def test_the_command_computes_the_vectors_of_the_recommendations_given(capsys):
    fishing, migrants = demo(FISHING_PERMITS, OTHER_SUBJECTS[0])
    call_command("compute_embeddings", "--ids", f"{fishing.pk},{migrants.pk}", "--no-progress")
    assert capsys.readouterr().out.strip() == "2 vectors computed."
    assert RecommendationEmbedding.objects.filter(recommendation__in=[fishing, migrants]).count() == 2


def test_the_fast_encoder_gives_the_packages_vectors():
    texts = [text_prepare(r.text_fr) for r in demo(FISHING_PERMITS, *OTHER_SUBJECTS[:3])] + ["التعذيب"]
    package = engine.encoder().model.encode(texts)
    threaded = engine.Encoder(workers=2).encode(texts * 5)  # several chunks, shared among threads
    assert np.abs(threaded - np.vstack([package] * 5)).max() < 1e-5


def test_the_model_loads_from_the_package_without_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the model tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    vector = engine.Encoder(workers=1).encode(["Abolir la peine de mort"])[0]
    assert vector.shape == (engine.DIM,) and abs(float(vector @ vector) - 1) < 1e-5


def test_list_markers_and_harakat_are_not_part_of_the_text():
    assert text_prepare("-\u00a0\u00a0 (أ) التَّسْرِيع بتعديل") == "التسريع بتعديل"
    assert text_prepare("b)\u00a0Empêcher le placement") == "Empêcher le placement"
    assert text_prepare("......جعل التشريعات متسقة") == "جعل التشريعات متسقة"
    assert text_prepare("(iv) Ensure that") == "Ensure that"
    assert text_prepare("Abolir la peine de mort.") == "Abolir la peine de mort."


# The worker opens and closes its own database connections, as in production: this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_an_import_has_the_worker_compute_the_vectors_of_what_it_wrote():
    reference_data_load()
    DBTaskResult.objects.all().delete()  # tasks queued before this test (the demo import) are not its business

    result = import_file(source="upr_info", data=upr_info_rows(3), name="upr.csv")
    task = DBTaskResult.objects.get()
    assert task.task_path == "rasd.semantic.tasks.embeddings_compute_task"

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)  # until the queue is empty

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL", task.exception_class_path
    assert task.return_value == result.created == 3
    assert set(RecommendationEmbedding.objects.values_list("recommendation_id", "language")) == {
        (rec_id, "en") for rec_id in result.changed_ids
    }
