"""Strategic plans: only coordinators write them, with history and edit conflicts; an axis's recommendations are
those linked to its objectives directly or through actions, and its progress moves only with validated data; the
plan_axis list filter gives exactly those recommendations; the PANDDH demo plan loads once."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from rasd.core.history import history_for
from rasd.core.versioning import EditConflict
from rasd.followup import services as followup
from rasd.recommendations.models import Recommendation
from rasd.recommendations.selectors import recommendation_list
from rasd.strategy import selectors, services
from rasd.strategy.demo import panddh_load
from rasd.strategy.models import Objective, PlanAxis, StrategicPlan
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def plan(people):
    """alice's plan with two axes, each with one objective."""
    plan = services.plan_create(
        by=people.alice, code="didh-2025-2030", name_fr="Plan stratégique", start_year=2025, end_year=2030
    )
    for code in ("1", "2"):
        axis = services.axis_create(by=people.alice, plan=plan, code=code, name_en=f"Axis {code}", position=int(code))
        services.objective_create(by=people.alice, axis=axis, code=f"{code}.1", name_en=f"Objective {code}.1")
    return plan


def axis_of(plan, code) -> PlanAxis:
    return plan.axes.get(code=code)


def objective_of(plan, code) -> Objective:
    return Objective.objects.get(axis__plan=plan, code=code)


def other_recommendations(n, *exclude):
    return list(Recommendation.objects.exclude(pk__in=[r.pk for r in exclude]).order_by("id")[:n])


# Who writes -------------------------------------------------------------------------------------------------------


def test_a_coordinator_builds_a_plan_and_the_history_records_each_part(people, plan):
    objective = objective_of(plan, "1.1")
    measure = services.measure_create(by=people.alice, objective=objective, code="1.1.1", name_ar="تدبير")
    assert [a.code for a in plan.axes.all()] == ["1", "2"]
    assert list(objective.measures.all()) == [measure]
    for record in (plan, axis_of(plan, "1"), objective, measure):
        assert [e.action for e in history_for(instance=record)] == ["created"]


def test_a_focal_point_cannot_create_or_edit_a_plan(people, plan):
    with pytest.raises(PermissionDenied):
        services.plan_create(by=people.fatima, code="mine", name_fr="Mon plan")
    with pytest.raises(PermissionDenied):
        services.plan_update(plan=plan, by=people.fatima, version=plan.version, name_fr="Autre")
    with pytest.raises(PermissionDenied):
        services.objective_create(by=people.fatima, axis=axis_of(plan, "1"), code="1.9", name_fr="x")
    with pytest.raises(PermissionDenied):
        services.recommendation_objectives_set(
            recommendation=Recommendation.objects.first(), objectives=[objective_of(plan, "1.1")], by=people.fatima
        )


def test_a_plan_part_needs_a_name_in_one_language_and_a_code_of_its_own(people, plan):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.axis_create(by=people.alice, plan=plan, code="3")
    assert "name_ar" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.axis_create(by=people.alice, plan=plan, code="1", name_en="Again")
    assert "code" in error.value.error_dict


def test_editing_a_plan_someone_else_saved_meanwhile_is_a_conflict(people, plan):
    read_at = plan.version
    services.plan_update(plan=StrategicPlan.objects.get(pk=plan.pk), by=people.alice, version=read_at, end_year=2031)
    with pytest.raises(EditConflict):
        services.plan_update(plan=plan, by=people.alice, version=read_at, end_year=2029)
    assert StrategicPlan.objects.get(pk=plan.pk).end_year == 2031


# What an axis holds and how far it is -----------------------------------------------------------------------------


def test_an_axis_holds_recommendations_linked_directly_and_through_actions(people, plan, action, assigned):
    direct = other_recommendations(2, assigned)
    services.recommendation_objectives_set(
        recommendation=direct[0], objectives=[objective_of(plan, "1.1")], by=people.alice
    )
    followup.action_update(action=action, by=people.fatima, version=action.version, objective=objective_of(plan, "1.1"))
    linked = selectors.plan_axis_recommendations(axis=axis_of(plan, "1"))
    assert set(linked) == {direct[0], assigned}
    assert list(selectors.plan_axis_recommendations(axis=axis_of(plan, "2"))) == []


def test_the_plan_axis_filter_lists_exactly_the_axis_recommendations(people, plan, action, assigned):
    direct = other_recommendations(3, assigned)
    services.recommendation_objectives_set(
        recommendation=direct[0], objectives=[objective_of(plan, "1.1")], by=people.alice
    )
    services.recommendation_objectives_set(
        recommendation=direct[1], objectives=[objective_of(plan, "2.1")], by=people.alice
    )
    followup.action_update(action=action, by=people.fatima, version=action.version, objective=objective_of(plan, "1.1"))
    axis1, axis2 = axis_of(plan, "1"), axis_of(plan, "2")
    assert set(recommendation_list(filters={"plan_axis": str(axis1.pk)})) == {direct[0], assigned}
    assert set(recommendation_list(filters={"plan_axis": str(axis2.pk)})) == {direct[1]}
    assert set(recommendation_list(filters={"plan_axis": [str(axis1.pk), str(axis2.pk)]})) == {
        direct[0],
        direct[1],
        assigned,
    }


def test_the_plan_axis_filter_ignores_the_actions_the_reader_cannot_see(people, plan, action, assigned):
    followup.action_update(action=action, by=people.fatima, version=action.version, objective=objective_of(plan, "1.1"))
    wanted = {"plan_axis": str(axis_of(plan, "1").pk)}
    assert set(recommendation_list(filters=wanted, visible_to=people.fatima)) == {assigned}
    assert list(recommendation_list(filters=wanted, visible_to=people.karim)) == []


def test_axis_progress_moves_only_when_an_update_is_validated(people, plan, action, assigned):
    followup.action_update(action=action, by=people.fatima, version=action.version, objective=objective_of(plan, "1.1"))

    def axis1():
        return selectors.plan_axis_progress(plan=plan)[0]

    assert axis1()["recommendations"] == 1 and axis1()["actions"] == 1
    assert axis1()["percent"] == 0 and axis1()["actions_with_validated_progress"] == 0
    update = followup.progress_update_create(
        by=people.fatima, action=action, text="Formation faite.", date=datetime.date(2026, 10, 1)
    )
    update = followup.report_submit(report=update, by=people.fatima, version=update.version)
    update = followup.report_approve(report=update, by=people.omar, version=update.version)
    assert axis1()["percent"] == 0, "an update approved by the institution but not validated does not count"
    followup.report_validate(report=update, by=people.alice, version=update.version)
    assert axis1()["percent"] == 100
    assert axis1()["actions_with_validated_progress"] == 1
    assert axis1()["by_status"]["not_started"] == 1
    assert selectors.plan_axis_progress(plan=plan)[1]["percent"] is None


# The demo plan ----------------------------------------------------------------------------------------------------


def test_the_panddh_demo_plan_loads_once_whatever_the_number_of_runs(demo_data):
    created = panddh_load()
    assert created == 1 + 4 + 26
    assert panddh_load() == 0
    plan = StrategicPlan.objects.get(code="panddh")
    assert plan.axes.count() == 4
    assert Objective.objects.filter(axis__plan=plan).count() == 26
    first = plan.axes.get(code="1")
    assert (first.name_ar, first.name_fr, first.name_en) == (
        "الديمقراطية والحكامة",
        "Démocratie et gouvernance",
        "Democracy and governance",
    )
    assert "\u0640" not in plan.axes.get(code="2").name_ar  # no tatweel left from the source
    assert Objective.objects.get(axis__plan=plan, code="3.2").name_en == "Rights of the child"


# Pages ------------------------------------------------------------------------------------------------------------


def test_the_plan_pages_show_axes_objectives_progress_and_the_filtered_list_links(client, people, plan):
    login(client, people.olga)
    assert "Plan stratégique" in client.get(reverse("plan_list")).content.decode()
    page = client.get(reverse("plan_detail", args=[plan.code])).content.decode()
    assert "Axis 1" in page and "Objective 2.1" in page
    assert f"?plan_axis={axis_of(plan, '1').pk}" in page
    assert "No recommendation is linked to this axis yet." in page
    assert "Edit the plan" not in page


def test_the_coordinators_forms_render_and_save(client, people, plan):
    login(client, people.alice)
    assert client.get(reverse("plan_create")).status_code == 200
    assert client.get(reverse("plan_update", args=[plan.code])).status_code == 200
    axis = axis_of(plan, "1")
    assert client.get(reverse("objective_create", args=[axis.pk])).status_code == 200
    response = client.post(
        reverse("objective_create", args=[axis.pk]),
        {"code": "1.2", "name_ar": "", "name_fr": "Deuxième objectif", "name_en": "", "position": 2},
    )
    assert response.status_code == 302
    assert axis.objectives.filter(code="1.2", name_fr="Deuxième objectif").exists()
    response = client.post(
        reverse("axis_update", args=[axis.pk]),
        {"code": "1", "name_en": "Axis one", "position": 1, "version": axis.version},
    )
    assert response.status_code == 302
    assert PlanAxis.objects.get(pk=axis.pk).name_en == "Axis one"
    response = client.post(
        reverse("plan_update", args=[plan.code]),
        {"code": "renamed", "name_fr": "Plan stratégique 2025–2030", "start_year": 2025, "version": plan.version},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.code, plan.name_fr, plan.end_year) == ("didh-2025-2030", "Plan stratégique 2025–2030", None)


def test_a_focal_point_is_refused_the_plan_forms(client, people, plan):
    login(client, people.fatima)
    assert client.get(reverse("plan_create")).status_code == 403
    assert client.get(reverse("axis_update", args=[axis_of(plan, "1").pk])).status_code == 403


def test_the_coordinator_links_a_recommendation_to_objectives_from_its_page(client, people, plan, recommendation):
    login(client, people.alice)
    page = client.get(reverse("recommendation_detail", args=[recommendation.pk])).content.decode()
    assert "Strategic-plan objectives" in page and "Link to objectives" in page
    objective = objective_of(plan, "2.1")
    response = client.post(
        reverse("recommendation_objectives", args=[recommendation.pk]), {"objectives": [objective.pk]}
    )
    assert response.status_code == 302
    assert list(recommendation.objectives.all()) == [objective]
    assert [e.changes for e in history_for(instance=objective)][0] == {"recommendations": [[], [recommendation.pk]]}
    login(client, people.fatima)
    page = client.get(reverse("recommendation_detail", args=[recommendation.pk])).content.decode()
    assert "Objective 2.1" in page and "Link to objectives" not in page
    assert client.post(reverse("recommendation_objectives", args=[recommendation.pk]), {}).status_code == 403


def test_the_action_form_offers_the_objectives_and_the_action_page_shows_its_own(client, people, plan, action):
    login(client, people.fatima)
    form = client.get(reverse("action_update", args=[action.pk])).content.decode()
    assert "Strategic-plan objective" in form and "Objective 1.1" in form
    followup.action_update(action=action, by=people.fatima, version=action.version, objective=objective_of(plan, "1.1"))
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "1.1. Objective 1.1" in page


# The API -------------------------------------------------------------------------------------------------------------


def test_the_api_gives_plans_with_their_tree_and_each_axiss_progress(people, plan, action, assigned):
    from rest_framework.test import APIClient

    from tests.openapi import assert_documented

    followup.action_update(action=action, by=people.fatima, version=action.version, objective=objective_of(plan, "1.1"))
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(people.fatima)
    listing = client.get("/api/v1/plans/")
    assert_documented("get", "/api/v1/plans/", listing)
    assert [row["code"] for row in listing.json()["results"]] == ["didh-2025-2030"]
    url = f"/api/v1/plans/{plan.code}/"
    detail = client.get(url)
    assert_documented("get", url, detail)
    axes = detail.json()["axes"]
    assert [axis["code"] for axis in axes] == ["1", "2"]
    assert axes[0]["objectives"][0]["code"] == "1.1"
    assert axes[0]["progress"]["recommendations"] == 1 and axes[0]["progress"]["percent"] == 0
    assert axes[1]["progress"]["percent"] is None
    client.force_authenticate(people.karim)  # another institution: fatima's action is not his to count
    assert client.get(url).json()["axes"][0]["progress"]["actions"] == 0
    missing = client.get("/api/v1/plans/nothing-here/")
    assert_documented("get", "/api/v1/plans/nothing-here/", missing)
    assert missing.status_code == 404
