"""UN cooperation: coordinators record any agency's support, a partner only their agency's and sees only it, a
focal point sees the cooperation linked to their institution's actions, an observer none; every change is in the
history; the list filters and the totals by agency and axis count what the reader may see."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from rasd.accounts.models import Role, User
from rasd.cooperation import policies, selectors, services
from rasd.cooperation.models import Cooperation
from rasd.core.history import history_for
from rasd.core.versioning import EditConflict
from tests.conftest import institution, login

pytestmark = pytest.mark.django_db

Axis = Cooperation.Axis


@pytest.fixture(autouse=True)
def in_english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def ursula(people):
    """A partner at UNICEF."""
    return User.objects.create(username="ursula", role=Role.PARTNER, institution=institution("unicef"))


@pytest.fixture
def undp_support(people, action):
    """paul's (UNDP) expertise for fatima's action, 2026."""
    return services.cooperation_create(
        by=people.paul,
        agency=institution("undp"),
        axis=Axis.EXPERTISE,
        title="Expertise juridique sur la Convention contre la torture",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        amount=Decimal("150000"),
        actions=[action],
    )


@pytest.fixture
def unicef_support(people):
    """alice records UNICEF's logistical support, 2025, linked to no action."""
    return services.cooperation_create(
        by=people.alice,
        agency=institution("unicef"),
        axis=Axis.LOGISTICS,
        title="Appui logistique aux consultations des enfants",
        start_date=datetime.date(2025, 3, 1),
        amount=Decimal("40000"),
    )


def test_a_partner_of_undp_neither_sees_nor_edits_unicefs_records(people, undp_support, unicef_support):
    assert list(policies.cooperation_visible_to(people.paul)) == [undp_support]
    with pytest.raises(PermissionDenied):
        services.cooperation_update(
            cooperation=unicef_support, by=people.paul, version=unicef_support.version, title="Changed"
        )


def test_a_partner_records_only_their_own_agencys_support(people, ursula):
    with pytest.raises(PermissionDenied):
        services.cooperation_create(by=ursula, agency=institution("undp"), axis=Axis.EXPERTISE, title="Not mine")
    mine = services.cooperation_create(by=ursula, agency=institution("unicef"), axis=Axis.CAPACITY_BUILDING, title="x")
    assert mine.agency.code == "unicef" and mine.currency == "MAD"


def test_a_partner_cannot_link_an_action_they_cannot_see(people, ursula, action):
    with pytest.raises(ValidationError) as error:
        services.cooperation_create(
            by=ursula, agency=institution("unicef"), axis=Axis.EXPERTISE, title="x", actions=[action]
        )
    assert "actions" in error.value.error_dict


def test_only_a_un_agency_gives_cooperation(people):
    with pytest.raises(ValidationError) as error:
        services.cooperation_create(by=people.alice, agency=institution("justice"), axis=Axis.EXPERTISE, title="x")
    assert "agency" in error.value.error_dict


def test_focal_points_see_the_cooperation_on_their_institutions_actions_and_observers_none(
    people, undp_support, unicef_support
):
    assert list(policies.cooperation_visible_to(people.fatima)) == [undp_support]
    assert list(policies.cooperation_visible_to(people.omar)) == [undp_support]
    assert list(policies.cooperation_visible_to(people.karim)) == []
    assert list(policies.cooperation_visible_to(people.olga)) == []
    assert set(policies.cooperation_visible_to(people.alice)) == {undp_support, unicef_support}
    with pytest.raises(PermissionDenied):
        services.cooperation_create(by=people.fatima, agency=institution("undp"), axis=Axis.EXPERTISE, title="x")


def test_each_change_is_in_the_history_and_a_stale_edit_is_a_conflict(people, undp_support):
    read_at = undp_support.version
    services.cooperation_update(
        cooperation=Cooperation.objects.get(pk=undp_support.pk), by=people.alice, version=read_at, amount=Decimal("1")
    )
    with pytest.raises(EditConflict):
        services.cooperation_update(cooperation=undp_support, by=people.paul, version=read_at, amount=Decimal("2"))
    entries = list(history_for(instance=undp_support))
    assert [e.action for e in entries] == ["updated", "created"]
    assert entries[0].changes == {"amount": ["150000.00", "1"]}


def test_the_list_filters_by_agency_axis_and_year(people, undp_support, unicef_support):
    def listed(**filters):
        return list(selectors.cooperation_list(visible_to=people.alice, filters=filters))

    assert listed(agency="undp") == [undp_support]
    assert listed(axis=Axis.LOGISTICS) == [unicef_support]
    assert listed(year=2025) == [unicef_support]
    assert set(listed(year=2026)) == {undp_support, unicef_support}  # UNICEF's support has no end date
    assert listed(year=2024) == []


def test_the_totals_count_what_the_reader_may_see_by_agency_and_axis(people, undp_support, unicef_support):
    services.cooperation_create(
        by=people.alice, agency=institution("undp"), axis=Axis.EXPERTISE, title="y", amount=Decimal("50000")
    )
    services.cooperation_create(
        by=people.alice, agency=institution("undp"), axis=Axis.EXPERTISE, title="z", amount=5, currency="USD"
    )
    totals = {
        (row["agency"].code, row["axis"]): (row["count"], row["amount"])
        for row in selectors.cooperation_totals(visible_to=people.alice)
    }
    assert totals == {("undp", "expertise"): (3, Decimal("200000")), ("unicef", "logistics"): (1, Decimal("40000"))}
    assert [(r["agency"].code, r["count"]) for r in selectors.cooperation_totals(visible_to=people.paul)] == [
        ("undp", 3)
    ]
    assert [r["count"] for r in selectors.cooperation_totals(visible_to=people.fatima)] == [1]
    assert selectors.cooperation_totals(visible_to=people.olga) == []


def test_the_pages_render_for_a_partner_and_refuse_others_records(client, people, undp_support, unicef_support):
    login(client, people.paul)
    page = client.get(reverse("cooperation_list")).content.decode()
    assert "Expertise juridique" in page and "Appui logistique" not in page
    assert "By agency and axis of support" in page
    assert client.get(reverse("cooperation_detail", args=[unicef_support.pk])).status_code == 404
    detail = client.get(reverse("cooperation_detail", args=[undp_support.pk])).content.decode()
    assert "Expertise" in detail and "Change history" in detail
    form = client.get(reverse("cooperation_create")).content.decode()
    assert "Integrating the human-rights-based approach" in form and "United Nations Children" not in form


def test_a_partner_records_support_through_the_form(client, people, action):
    login(client, people.paul)
    response = client.post(
        reverse("cooperation_create"),
        {
            "agency": institution("undp").pk,
            "axis": "hrba_integration",
            "title": "Intégrer l'approche fondée sur les droits de l'homme",
            "currency": "mad",
            "start_date": "2026-02-01",
            "end_date": "2026-01-01",
            "actions": [action.pk],
        },
    )
    assert response.status_code == 200 and "The end date comes before the start date." in response.content.decode()
    response = client.post(
        reverse("cooperation_create"),
        {
            "agency": institution("undp").pk,
            "axis": "hrba_integration",
            "title": "HRBA",
            "currency": "mad",
            "actions": [action.pk],
        },
    )
    assert response.status_code == 302
    cooperation = Cooperation.objects.get(title="HRBA")
    assert cooperation.currency == "MAD" and list(cooperation.actions.all()) == [action]


def test_the_action_and_recommendation_pages_show_their_cooperation(client, people, undp_support, action, assigned):
    login(client, people.fatima)
    assert "Expertise juridique" in client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "Expertise juridique" in client.get(reverse("recommendation_detail", args=[assigned.pk])).content.decode()
    login(client, people.olga)
    assert client.get(reverse("cooperation_detail", args=[undp_support.pk])).status_code == 404


def test_the_history_names_the_linked_actions_to_coordinators_only(client, people, undp_support, action):
    other = services.cooperation_update(
        cooperation=undp_support, by=people.alice, version=undp_support.version, title="Expertise, phase 2"
    )
    login(client, people.fatima)
    page = client.get(reverse("cooperation_detail", args=[other.pk])).content.decode()
    assert "Expertise, phase 2" in page and "Former les magistrats" in page  # the action, in its own section
    assert page.count("Former les magistrats") == 1
    login(client, people.alice)
    page = client.get(reverse("cooperation_detail", args=[other.pk])).content.decode()
    assert page.count("Former les magistrats") == 2  # its section and the history's "Actions" line


def test_the_api_lists_what_each_person_may_see(people, undp_support, unicef_support, action):
    from rest_framework.test import APIClient

    from tests.openapi import assert_documented

    def listed(user, query=""):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user)
        url = f"/api/v1/cooperation/{query}"
        response = client.get(url)
        assert_documented("get", url, response)
        return [(row["agency"], row["title"], row["actions"]) for row in response.json()["results"]]

    undp = ("undp", undp_support.title, [action.pk])
    assert listed(people.paul) == [undp]
    assert listed(people.alice, "?axis=logistics") == [("unicef", unicef_support.title, [])]
    assert listed(people.alice, "?agency=undp&year=2026") == [undp]
    assert listed(people.olga) == []
    client = APIClient()
    client.force_authenticate(people.paul)
    assert client.get(f"/api/v1/cooperation/{unicef_support.pk}/").status_code == 404
    assert client.get(f"/api/v1/cooperation/{undp_support.pk}/").json()["amount"] == "150000.00"
