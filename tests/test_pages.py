"""The trilingual shell and the read pages: home, recommendation list and detail, login, admin.

The test database already holds the reference data and the demo set (see conftest), so every test makes
its own small, distinctly coded objects and looks only at those.
"""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from rasd.core.history import history_for, history_record
from rasd.followup.models import Assignment
from rasd.institutions.models import Institution
from rasd.mechanisms.models import Document, Mechanism, Review
from rasd.recommendations.models import NationalAxis, Recommendation
from rasd.recommendations.selectors import recommendation_counts
from rasd.states.models import State
from tests.conftest import login

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"

TORTURE_AR = "مواصلة الجهود الرامية إلى مكافحة التعذيب وسوء المعاملة في جميع أماكن الحرمان من الحرية."
TORTURE_FR = "Poursuivre ses efforts pour lutter contre la torture et les mauvais traitements dans tous les lieux de privation de liberté."
TORTURE_EN = "Continue its efforts to combat torture and ill-treatment in all places of deprivation of liberty."
DISABILITY_EN = "Adopt a comprehensive law on the rights of persons with disabilities in line with the Convention."
FAMILY_AR = "مراجعة مدونة الأسرة لضمان المساواة الكاملة بين المرأة والرجل في الزواج والطلاق والإرث."


@pytest.fixture
def alice(django_user_model):
    """A coordinator at the national mechanism's secretariat."""
    institution = Institution.objects.create(code="test-secretariat", name_fr="Secrétariat (test)", type="coordinator")
    return django_user_model.objects.create_user(
        username="alice", password=PASSWORD, role="coordinator", institution=institution, first_name="Alice"
    )


@pytest.fixture
def catalogue():
    """A fictitious state under review, one treaty body, a two-level axis and three recommendations."""
    state = State.objects.create(iso3="ZZT", name_en="Testland", name_fr="Testlande", name_ar="أرض الاختبار")
    mechanism = Mechanism.objects.create(
        code="TEST-CAT", kind=Mechanism.Kind.TREATY_BODY, name_en="Committee against Torture (test)"
    )
    review = Review.objects.create(mechanism=mechanism, state=state, year=2022)
    document = Document.objects.create(symbol="CAT/C/ZZT/CO/5", review=review)
    axis = NationalAxis.objects.create(code="T9", name_en="Rights and freedoms (test)", name_ar="الحقوق والحريات")
    sub_a = NationalAxis.objects.create(code="T9.1", parent=axis, name_en="Prohibition of torture (test)")
    sub_b = NationalAxis.objects.create(code="T9.2", parent=axis, name_en="Conditions of detention (test)")
    common = {"state": state, "mechanism": mechanism, "review": review, "document": document, "year": 2022}
    torture = Recommendation.objects.create(
        **common,
        paragraph="12",
        code="T-12",
        original_language="fr",
        text_fr=TORTURE_FR,
        text_ar=TORTURE_AR,
        text_en=TORTURE_EN,
        position="supported",
        implementation_status="in_progress",
    )
    torture.national_axes.set([sub_a, sub_b])
    disability = Recommendation.objects.create(
        **common,
        paragraph="20",
        original_language="en",
        text_en=DISABILITY_EN,
        position="noted",
        implementation_status="not_started",
    )
    disability.national_axes.set([axis])
    family = Recommendation.objects.create(
        **common,
        paragraph="31",
        original_language="ar",
        text_ar=FAMILY_AR,
        implementation_status="implemented",
    )
    search_indexed(torture, disability, family)
    return {"state": state, "mechanism": mechanism, "torture": torture, "disability": disability, "family": family}


def search_indexed(*recommendations):
    """Index recommendations written straight to the database, as the importer and the admin do for theirs
    (nothing to do while the search service is not installed)."""
    try:
        from rasd.search.services import search_index_update
    except ModuleNotFoundError:
        return
    search_index_update(recommendation_ids=[r.pk for r in recommendations])


def open_in(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def listed(response) -> set[int]:
    return {r.pk for r in response.context["recommendations"]}


# ---- the shell ----


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr"), ("en", "ltr")])
def test_every_page_opens_in_each_language_with_its_direction(client, alice, catalogue, language, direction):
    login(client, alice)
    open_in(client, language)
    torture = catalogue["torture"]
    for url in (reverse("home"), reverse("recommendation_list"), reverse("recommendation_detail", args=[torture.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}" dir="{direction}">' in response.content.decode(), url


def test_arabic_pages_use_the_right_to_left_bootstrap(client):
    body = open_in(client, "ar").get(reverse("home")).content.decode()
    assert "vendor/bootstrap/css/bootstrap.rtl.min.css" in body
    body = open_in(client, "fr").get(reverse("home")).content.decode()
    assert "vendor/bootstrap/css/bootstrap.min.css" in body


def test_the_interface_opens_in_arabic_when_the_browser_asks_for_nothing_else(client):
    response = client.get(reverse("home"))
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_the_browser_language_is_followed_when_no_choice_was_made(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert '<html lang="fr" dir="ltr">' in response.content.decode()


def test_every_page_offers_the_three_languages_each_named_in_itself(client):
    body = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("set_language")}"' in body
    for code, name in (("ar", "العربية"), ("fr", "Français"), ("en", "English")):
        assert re.search(rf'value="{code}" lang="{code}"[^>]*>{name}</button>', body), code


def test_switching_the_language_returns_to_the_same_page_and_is_remembered(client, alice, catalogue):
    login(client, alice)
    page = reverse("recommendation_list") + "?position=noted"
    response = client.post(reverse("set_language"), {"language": "fr", "next": page})
    assert response.status_code == 302
    assert response["Location"] == page
    assert '<html lang="fr" dir="ltr">' in client.get(page).content.decode()
    assert '<html lang="fr" dir="ltr">' in client.get(reverse("home")).content.decode()


def test_anonymous_visitor_sees_a_login_link_and_no_user_menu(client):
    body = client.get(reverse("home")).content.decode()
    assert reverse("login") in body
    assert reverse("logout") not in body


def test_signed_in_user_sees_role_institution_and_a_logout_form(client, alice):
    login(client, alice)
    body = open_in(client, "en").get(reverse("home")).content.decode()
    assert "Coordinator" in body
    assert "Secrétariat (test)" in body
    assert re.search(rf'<form method="post" action="{reverse("logout")}">', body)


def test_admin_link_is_shown_to_staff_only(client, alice):
    login(client, alice)
    assert reverse("admin:index") not in client.get(reverse("home")).content.decode()
    alice.is_staff = True
    alice.save()
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


# ---- login and logout ----


def test_user_logs_in_through_the_form_and_lands_on_the_page_asked_for(client, alice):
    page = reverse("recommendation_list")
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD, "next": page})
    assert response.status_code == 302
    assert response["Location"] == page


def test_wrong_password_shows_the_form_again_with_an_error(client, alice):
    response = open_in(client, "en").post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()


def test_logout_is_a_post_and_returns_home(client, alice):
    login(client, alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session


# ---- home ----


def test_home_is_public_and_invites_the_visitor_to_log_in(client, catalogue):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "rasd-login-call" in response.content.decode()


def test_home_counts_the_recommendations_by_language_position_status_mechanism_and_axis(client, catalogue):
    response = client.get(reverse("home"))
    counts = response.context["counts"]
    assert counts.total == Recommendation.objects.count()
    by_language = {line.value: line.count for line in counts.by_language}
    assert by_language == {
        code: Recommendation.objects.exclude(**{f"text_{code}": ""}).count() for code in ("ar", "fr", "en")
    }
    assert {line.value: line.count for line in counts.by_mechanism}["TEST-CAT"] == 3
    # The torture recommendation sits in two sub-axes of T9 and counts once; the other is on T9 itself.
    assert {line.value: line.count for line in counts.by_axis}["T9"] == 2
    assert "T9.1" not in {line.value for line in counts.by_axis}
    by_position = {line.value: line.count for line in counts.by_position}
    assert by_position["none"] == Recommendation.objects.filter(position="").count()
    assert sum(by_position.values()) == counts.total
    assert sum(line.count for line in counts.by_status) == counts.total


def test_each_home_figure_links_to_the_list_filtered_the_same_way(client, catalogue):
    body = client.get(reverse("home")).content.decode()
    list_url = reverse("recommendation_list")
    for query in (
        "mechanism=TEST-CAT",
        "axis=T9",
        "position=none",
        "status=implemented",
        "lang=ar",
        "kind=treaty_body",
    ):
        assert f'href="{list_url}?{query}"' in body, query


def test_home_counts_come_in_a_fixed_number_of_queries(catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        recommendation_counts()


# ---- list ----


def test_anonymous_visitor_is_sent_to_login_from_the_list_and_the_detail(client, catalogue):
    for url in (reverse("recommendation_list"), reverse("recommendation_detail", args=[catalogue["torture"].pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mechanism=TEST-CAT", {"torture", "disability", "family"}),
        ("mechanism=TEST-CAT&position=supported", {"torture"}),
        ("mechanism=TEST-CAT&position=none", {"family"}),
        ("mechanism=TEST-CAT&status=implemented", {"family"}),
        ("axis=T9", {"torture", "disability"}),
        ("axis=T9.1", {"torture"}),
        ("state=ZZT", {"torture", "disability", "family"}),
        ("state=ZZT&lang=fr", {"torture"}),
        ("state=ZZT&lang=ar", {"torture", "family"}),
        ("state=ZZT&q=TORTURE", {"torture"}),
        ("state=ZZT&q=مدونة الأسرة", {"family"}),
        ("state=ZZT&q=T-12", {"torture"}),
        ("state=ZZT&kind=treaty_body&position=noted", {"disability"}),
        ("state=ZZT&kind=upr", set()),
    ],
)
def test_list_filters_return_the_matching_recommendations(client, alice, catalogue, query, expected):
    login(client, alice)
    response = client.get(reverse("recommendation_list") + "?" + query)
    assert response.status_code == 200
    assert listed(response) == {catalogue[name].pk for name in expected}


def test_a_recommendation_in_two_sub_axes_is_listed_once_under_their_axis(client, alice, catalogue):
    login(client, alice)
    response = client.get(reverse("recommendation_list") + "?axis=T9")
    pks = [r.pk for r in response.context["recommendations"]]
    assert len(pks) == len(set(pks)) == 2


def test_an_unknown_filter_value_is_ignored_rather_than_breaking_the_page(client, alice, catalogue):
    login(client, alice)
    response = client.get(reverse("recommendation_list") + "?state=ZZT&position=maybe")
    assert response.status_code == 200
    assert len(listed(response)) == 3


def test_list_shows_the_count_and_each_row_in_the_active_language_with_badges(client, alice, catalogue):
    login(client, alice)
    body = open_in(client, "en").get(reverse("recommendation_list") + "?state=ZZT").content.decode()
    assert "<bdi>3</bdi> recommendations" in body
    assert TORTURE_EN in body
    # The Arabic-only recommendation falls back to its original text, marked as Arabic.
    assert re.search(r'<p class="rasd-excerpt" lang="ar" dir="auto">' + re.escape(FAMILY_AR), body)
    assert "rasd-position-supported" in body and "rasd-position-none" in body
    assert "rasd-status-in_progress" in body


def test_list_excerpt_follows_the_page_language(client, alice, catalogue):
    login(client, alice)
    body = open_in(client, "ar").get(reverse("recommendation_list") + "?q=T-12").content.decode()
    assert f'<p class="rasd-excerpt" lang="ar" dir="auto">{TORTURE_AR}</p>' in body


def test_list_excerpt_is_cut_at_300_characters(client, alice, catalogue):
    login(client, alice)
    torture = catalogue["torture"]
    torture.text_en = "Combat torture. " * 40
    torture.save()
    response = open_in(client, "en").get(reverse("recommendation_list") + "?q=T-12")
    excerpt = re.search(r'<p class="rasd-excerpt"[^>]*>(.*?)</p>', response.content.decode(), re.S).group(1)
    assert len(excerpt) == 300 and excerpt.endswith("…")


def test_list_is_paginated_by_25_and_keeps_the_filters_in_the_page_links(client, alice, catalogue):
    login(client, alice)
    for n in range(30):
        Recommendation.objects.create(
            state=catalogue["state"],
            mechanism=catalogue["mechanism"],
            paragraph=f"P{n}",
            original_language="en",
            text_en=f"Recommendation number {n}",
            position="noted",
        )
    url = reverse("recommendation_list") + "?state=ZZT&position=noted"
    first = client.get(url)
    assert len(first.context["recommendations"]) == 25
    assert first.context["page_obj"].paginator.count == 31
    assert 'href="?state=ZZT&amp;position=noted&amp;page=2"' in first.content.decode()
    second = client.get(url + "&page=2")
    assert len(second.context["recommendations"]) == 6


def test_list_page_takes_the_same_number_of_queries_whatever_the_rows(
    client, alice, catalogue, django_assert_max_num_queries
):
    login(client, alice)
    for n in range(30):
        Recommendation.objects.create(
            state=catalogue["state"],
            mechanism=catalogue["mechanism"],
            paragraph=f"P{n}",
            original_language="en",
            text_en=f"Recommendation number {n}",
        )
    client.get(reverse("recommendation_list"))  # warm the session and content-type caches
    # Session, user, user's institution, user's authenticator; the filter's check; a grouped query per facet; the
    # page's rows.
    with django_assert_max_num_queries(22):
        client.get(reverse("recommendation_list") + "?state=ZZT")


# ---- detail ----


def test_detail_shows_every_language_version_side_by_side_with_the_original_marked(client, alice, catalogue):
    login(client, alice)
    torture = catalogue["torture"]
    body = open_in(client, "en").get(reverse("recommendation_detail", args=[torture.pk])).content.decode()
    sections = dict(re.findall(r'<section class="card h-100 rasd-version" lang="(\w\w)" dir="(\w+)"', body))
    assert sections == {"fr": "ltr", "ar": "rtl", "en": "ltr"}
    for text in (TORTURE_AR, TORTURE_FR, TORTURE_EN):
        assert text in body
    # The original (French) comes first and carries the mark.
    assert body.index('lang="fr" dir="ltr"') < body.index('lang="ar" dir="rtl"')
    assert body.count(">original</span>") == 1
    assert "CAT/C/ZZT/CO/5</bdi>, paragraph <bdi>12</bdi>" in body


def test_detail_shows_the_metadata_axes_with_their_parent_and_the_assignments(client, alice, catalogue):
    login(client, alice)
    torture = catalogue["torture"]
    torture.recommending_states.set([State.objects.create(iso3="ZZR", name_en="Recommendland")])
    Assignment.objects.create(recommendation=torture, institution=alice.institution, role="lead")
    body = open_in(client, "en").get(reverse("recommendation_detail", args=[torture.pk])).content.decode()
    for text in (
        "TEST-CAT",
        "CAT/C/ZZT/CO/5",
        "T-12",
        "Testland",
        "Recommendland",
        "Supported",
        "In progress",
        "Prohibition of torture (test)",
        "Rights and freedoms (test)",
        "Secrétariat (test)",
        "Lead",
    ):
        assert text in body, text


def test_detail_shows_the_change_history_with_each_field_before_and_after(client, alice, catalogue):
    login(client, alice)
    torture = catalogue["torture"]
    history_record(
        instance=torture,
        action="updated",
        changes={"position": ("pending", "supported")},
        actor=alice,
        source="UHRI import 2025-03",
    )
    body = open_in(client, "en").get(reverse("recommendation_detail", args=[torture.pk])).content.decode()
    history = body[body.index("Change history") :]
    assert "by Alice" in history
    assert "UHRI import 2025-03" in history
    assert re.search(r"Position</th>\s*<td[^>]*><bdi>Pending</bdi></td>\s*<td[^>]*><bdi>Supported</bdi></td>", history)


def test_detail_of_a_missing_recommendation_is_not_found(client, alice):
    login(client, alice)
    assert client.get(reverse("recommendation_detail", args=[10**9])).status_code == 404


def test_detail_takes_a_fixed_number_of_queries(client, alice, catalogue, django_assert_max_num_queries):
    login(client, alice)
    url = reverse("recommendation_detail", args=[catalogue["torture"].pk])
    client.get(url)
    # 14, the user's authenticator (the second factor), the recommendation's near-duplicate group, 3 for the
    # strategic-plan objectives (its own, the coordinator's choices) and the UN cooperation linked to it, and its
    # suggested labels
    with django_assert_max_num_queries(20):
        client.get(url)


# ---- admin ----


@pytest.mark.parametrize(
    "model",
    [
        "states.state",
        "institutions.institution",
        "accounts.user",
        "mechanisms.mechanism",
        "mechanisms.review",
        "mechanisms.document",
        "recommendations.theme",
        "recommendations.affectedperson",
        "recommendations.sdggoal",
        "recommendations.sdgtarget",
        "recommendations.nationalaxis",
        "recommendations.recommendation",
        "followup.assignment",
        "core.historyentry",
    ],
)
def test_admin_lists_every_reference_and_domain_model(admin_client, catalogue, model):
    app_label, model_name = model.split(".")
    response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist") + "?q=T")
    assert response.status_code == 200


def test_admin_opens_the_recommendation_form(admin_client, catalogue):
    response = admin_client.get(reverse("admin:recommendations_recommendation_change", args=[catalogue["torture"].pk]))
    assert response.status_code == 200


def test_admin_sets_a_users_role_and_institution(admin_client):
    body = admin_client.get(reverse("admin:accounts_user_add")).content.decode()
    assert 'name="role"' in body and 'name="institution"' in body


def test_history_entries_cannot_be_edited_in_the_admin(admin_client, catalogue, alice):
    entry = history_record(instance=catalogue["torture"], action="updated", changes={"code": ("", "T-12")}, actor=alice)
    assert admin_client.get(reverse("admin:core_historyentry_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:core_historyentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )


def test_an_edit_in_the_admin_is_written_to_the_history(admin_client, catalogue):
    torture = catalogue["torture"]
    form = {
        "state": torture.state_id,
        "mechanism": torture.mechanism_id,
        "review": torture.review_id,
        "document": torture.document_id,
        "kind": torture.kind,
        "paragraph": torture.paragraph,
        "code": torture.code,
        "year": torture.year,
        "original_language": "fr",
        "text_ar": TORTURE_AR,
        "text_fr": TORTURE_FR,
        "text_en": TORTURE_EN,
        "position": "noted",
        "implementation_status": "implemented",  # not a field of the form: decided with a justification
        "national_axes": [a.pk for a in torture.national_axes.all()],
        "source": "manual",
        "assignments-TOTAL_FORMS": 0,
        "assignments-INITIAL_FORMS": 0,
        "assignments-MIN_NUM_FORMS": 0,
        "assignments-MAX_NUM_FORMS": 1000,
    }
    response = admin_client.post(reverse("admin:recommendations_recommendation_change", args=[torture.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    [entry] = history_for(instance=torture)
    assert entry.changes == {"position": ["supported", "noted"]}
    assert entry.source == "admin"
    torture.refresh_from_db()
    assert torture.implementation_status == "in_progress" and torture.version == 2
