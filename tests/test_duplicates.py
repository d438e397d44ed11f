"""Near-duplicates and recurrence on the real Moroccan recommendations of the demo data.

Only the few recommendations a test needs get vectors, never the whole demo set.
"""

import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse

from rasd.intelligence import duplicates
from rasd.intelligence.models import DuplicateGroup, DuplicateMembership
from rasd.intelligence.selectors import recurrence
from rasd.intelligence.services import duplicate_groups_refresh
from rasd.intelligence.tasks import duplicate_groups_refresh_task
from rasd.mechanisms.models import Review
from rasd.recommendations.models import Cluster, Recommendation
from rasd.semantic.services import embeddings_compute
from rasd.semantic.tasks import embeddings_compute_task
from rasd.states.models import State
from tests.conftest import login
from tests.test_semantic import DEATH_PENALTY_PAIR, OTHER_SUBJECTS, demo, recommendation_like

pytestmark = pytest.mark.django_db

SAME_ASK = (
    "Ratify the Optional Protocol to the Convention against Torture and establish a national preventive mechanism"
)


def group_of(recommendation: Recommendation) -> set[int]:
    membership = DuplicateMembership.objects.filter(recommendation=recommendation).first()
    if membership is None:
        return set()
    return set(DuplicateMembership.objects.filter(group=membership.group_id).values_list("recommendation", flat=True))


@pytest.fixture
def twins(demo_data) -> tuple[Recommendation, Recommendation, list[Recommendation]]:
    """The French and the Arabic text of one demo recommendation stored as two records, among other subjects
    (French only), all with vectors."""
    [pair] = demo(DEATH_PENALTY_PAIR)
    french = recommendation_like(pair, text_fr=pair.text_fr)
    arabic = recommendation_like(pair, text_ar=pair.text_ar)
    others = demo(*OTHER_SUBJECTS)
    embeddings_compute(recommendation_ids=[french.pk, arabic.pk, *(r.pk for r in others)])
    return french, arabic, others


def test_a_french_recommendation_and_its_arabic_twin_in_two_records_are_one_group(twins):
    french, arabic, _ = twins
    duplicate_groups_refresh()
    assert arabic.pk in group_of(french)


def test_different_asks_are_not_grouped(twins):
    french, _, others = twins
    duplicate_groups_refresh()
    for other in others:
        assert group_of(other) == set(), other.text_fr
        assert other.pk not in group_of(french)


def test_the_same_text_in_two_reviews_recurs_since_the_first_year(demo_data):
    model = demo(DEATH_PENALTY_PAIR)[0]
    reviews = [
        Review.objects.create(mechanism=model.mechanism, state=model.state, cycle=cycle, year=year)
        for cycle, year in ((2, 2012), (3, 2017))
    ]
    first, again = (recommendation_like(model, text_en=SAME_ASK) for _ in reviews)
    for recommendation, review in zip((first, again), reviews):
        recommendation.review = review
        recommendation.save()

    duplicate_groups_refresh()  # identical text: grouped without vectors

    found = recurrence(again)
    assert [r.pk for r in found.members] == [first.pk]
    assert (found.first_year, found.count, found.recurs) == (2012, 2, True)
    assert found.label == "Recurring since 2012, 2 times"


@pytest.fixture
def recurring(demo_data) -> tuple[Recommendation, Recommendation]:
    """One ask in cycle 2 (2012) and again in cycle 3 (2017), grouped."""
    model = demo(DEATH_PENALTY_PAIR)[0]
    pair = []
    for cycle, year in ((2, 2012), (3, 2017)):
        review = Review.objects.create(mechanism=model.mechanism, state=model.state, cycle=cycle, year=year)
        recommendation = recommendation_like(model, text_en=SAME_ASK)
        Recommendation.objects.filter(pk=recommendation.pk).update(review=review)
        pair.append(recommendation)
    duplicate_groups_refresh()
    return pair[0], pair[1]


def test_the_recommendation_page_says_since_when_the_ask_recurs_and_where(client, people, recurring):
    first, again = recurring
    login(client, people.fatima)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("recommendation_detail", args=[again.pk])).content.decode()

    assert "Recurring since 2012, 2 times" in page
    assert reverse("recommendation_detail", args=[first.pk]) in page
    assert reverse("duplicate_group_cluster", args=[again.pk]) not in page  # not a coordinator
    assert client.post(reverse("duplicate_group_cluster", args=[again.pk])).status_code == 403
    assert not Cluster.objects.exists()


def test_a_coordinator_makes_the_group_a_cluster(client, people, recurring):
    first, again = recurring
    login(client, people.alice)
    client.cookies["django_language"] = "en"
    url = reverse("duplicate_group_cluster", args=[again.pk])
    assert url in client.get(reverse("recommendation_detail", args=[again.pk])).content.decode()

    response = client.post(url, follow=True)

    [cluster] = Cluster.objects.all()
    assert set(cluster.recommendations.values_list("pk", flat=True)) == {first.pk, again.pk}
    assert cluster.created_by == people.alice
    assert "created with 2 recommendations" in response.content.decode()


def test_a_recommendation_in_no_group_shows_no_recurrence(client, people, recurring):
    login(client, people.alice)
    client.cookies["django_language"] = "en"
    other = demo(OTHER_SUBJECTS[0])[0]
    page = client.get(reverse("recommendation_detail", args=[other.pk])).content.decode()
    assert "The same ask elsewhere" not in page
    assert client.post(reverse("duplicate_group_cluster", args=[other.pk])).status_code == 404


def test_the_same_text_from_several_states_in_one_review_counts_once(demo_data):
    model = demo(DEATH_PENALTY_PAIR)[0]
    review = Review.objects.create(mechanism=model.mechanism, state=model.state, cycle=3, year=2017)
    same = [recommendation_like(model, text_en=SAME_ASK) for _ in range(3)]
    Recommendation.objects.filter(pk__in=[r.pk for r in same]).update(review=review)

    duplicate_groups_refresh()

    found = recurrence(same[0])
    assert len(found.members) == 2
    assert (found.count, found.recurs) == (1, False)
    assert recurrence(demo(OTHER_SUBJECTS[0])[0]) is None


def test_the_same_text_addressed_to_another_state_is_another_ask(demo_data):
    model = demo(DEATH_PENALTY_PAIR)[0]
    here = recommendation_like(model, text_en=SAME_ASK)
    elsewhere = recommendation_like(model, text_en=SAME_ASK)
    Recommendation.objects.filter(pk=elsewhere.pk).update(state=State.objects.exclude(pk=model.state_id).first())
    embeddings_compute(recommendation_ids=[here.pk, elsewhere.pk])

    duplicate_groups_refresh()

    assert group_of(here) == set()


def test_the_command_groups_and_running_it_again_changes_nothing(twins, capsys):
    french, arabic, _ = twins
    call_command("find_duplicates")
    first = {frozenset(group_of(r)) for r in (french, arabic)}
    count = DuplicateGroup.objects.count()
    assert "groups of near-duplicates" in capsys.readouterr().out

    call_command("find_duplicates")

    assert {frozenset(group_of(r)) for r in (french, arabic)} == first
    assert DuplicateGroup.objects.count() == count
    assert DuplicateMembership.objects.filter(recommendation__in=[french, arabic]).count() == 2


# The grouping itself, on made-up vectors


def unit(*rows: list[float]) -> np.ndarray:
    matrix = np.array(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_a_chain_of_close_pairs_does_not_join_texts_that_are_far_apart():
    # Each text close to the next (cosine 0.87), the first and the last far apart (cosine 0.5).
    angles = np.radians([0, 30, 60])
    matrix = unit(*([np.cos(a), np.sin(a)] for a in angles))
    pairs = duplicates.near_pairs(matrix, np.arange(3), np.array(["en"] * 3), block_rows=2)
    assert set(pairs) == {(0, 1), (1, 2)}

    groups = duplicates.groups_join(pairs, lambda anchor, items: matrix[list(items)] @ matrix[anchor], floor=0.6)

    assert [g.members for g in groups] == [(0, 1)]


def test_across_languages_only_mutual_nearest_texts_are_paired():
    # French 0 and Arabic 2 are each other's nearest (0.80); Arabic 3 is close to French 0 too (0.77) but French 0
    # has a nearer Arabic text, and French 1 is Arabic 3's nearest (0.55) but not the other way round.
    matrix = unit([1, 0, 0], [0, 0, 1], [0.8, 0.6, 0], [0.7, -0.3, 0.5])
    languages = np.array(["fr", "fr", "ar", "ar"])
    pairs = duplicates.near_pairs(matrix, np.arange(4), languages)
    assert set(pairs) == {(0, 2)}


def arabic_around_one_french_text(cosines: list[float]) -> np.ndarray:
    """A French text, then one Arabic text per cosine to it, the Arabic texts far from one another."""
    rows = [[1.0, 0.0, 0.0, 0.0]]
    for axis, c in enumerate(cosines, start=1):
        row = [c, 0.0, 0.0, 0.0]
        row[axis] = float(np.sqrt(1 - c * c))
        rows.append(row)
    return unit(*rows)


def test_across_languages_a_mutual_nearest_pair_must_stand_out_from_its_neighbours():
    languages = np.array(["fr", "ar", "ar", "ar"])
    # A translation: 0.80, well above the French text's other Arabic neighbours (0.30).
    translated = arabic_around_one_french_text([0.80, 0.30, 0.30])
    assert set(duplicates.near_pairs(translated, np.arange(4), languages)) == {(0, 1)}
    # Three Arabic texts on the French text's subject (0.62, 0.60, 0.59): the nearest is above the threshold and
    # mutual, but no closer to it than the others; its margin 0.62 / ((0.603 + 0.62) / 2) = 1.01 is below 1.08.
    on_the_subject = arabic_around_one_french_text([0.62, 0.60, 0.59])
    assert duplicates.near_pairs(on_the_subject, np.arange(4), languages) == {}
    assert set(duplicates.near_pairs(on_the_subject, np.arange(4), languages, cross_margin=1.0)) == {(0, 1)}


def test_a_recommendation_with_its_own_translation_is_not_paired_with_another_language_on_its_subject():
    # Recommendation 0 in French and Arabic (cosine 0.80); recommendation 1 in French only, on the same subject as
    # the Arabic (0.66) but not the same ask. The Arabic text's nearest French text is its own.
    matrix = unit([1, 0, 0], [0.8, 0.6, 0], [0.3, 0.7, 0.648])
    pairs = duplicates.near_pairs(matrix, np.array([0, 0, 1]), np.array(["fr", "ar", "fr"]))
    assert pairs == {}


def test_new_vectors_queue_one_refresh_of_the_groups_and_the_worker_groups_them(demo_data):
    from django_tasks_db.models import DBTaskResult

    [pair] = demo(DEATH_PENALTY_PAIR)
    french = recommendation_like(pair, text_fr=pair.text_fr)
    arabic = recommendation_like(pair, text_ar=pair.text_ar)
    refreshes = DBTaskResult.objects.filter(task_path=duplicate_groups_refresh_task.module_path)

    assert embeddings_compute_task.call(recommendation_ids=[french.pk, arabic.pk]) == 2
    assert refreshes.count() == 1
    assert embeddings_compute_task.call(recommendation_ids=[french.pk, arabic.pk]) == 0  # nothing new: no refresh
    [other] = demo(OTHER_SUBJECTS[0])
    embeddings_compute_task.call(recommendation_ids=[other.pk])
    assert refreshes.count() == 1  # one refresh waiting is enough

    assert duplicate_groups_refresh_task.call() >= 1
    assert arabic.pk in group_of(french)
