"""The public portal: what coordinators publish, and only that, read by anyone without logging in.

Two demo recommendations carry the same made-up word: ``shown`` is published, ``hidden`` is not. Every part of the
portal (list, search, facets, summary, page, CSV, JSON) must show the first and never the second, nor any progress
update that is not validated.
"""

import csv
import datetime
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from rasd.core.history import history_for
from rasd.followup import services as followup_services
from rasd.portal import opendata
from rasd.portal.models import Publication
from rasd.portal.selectors import portal_facets, portal_results
from rasd.portal.services import recommendations_publish, recommendations_unpublish
from rasd.recommendations.models import Recommendation
from rasd.search.services import search_index_update
from tests.conftest import institution, login, pdf
from tests.test_security import inline_code

pytestmark = pytest.mark.django_db

WORD = "Qalamzarif"  # in both recommendations' texts, in no real one


@pytest.fixture
def pair(people):
    """(shown, hidden): two demo recommendations with WORD in their French text; alice publishes ``shown``."""
    shown, hidden = Recommendation.objects.filter(source="didh").exclude(text_fr="").order_by("id")[40:42]
    for recommendation in (shown, hidden):
        Recommendation.objects.filter(pk=recommendation.pk).update(text_fr=f"{recommendation.text_fr} {WORD}")
    search_index_update(recommendation_ids=[shown.pk, hidden.pk])
    recommendations_publish(recommendations=[shown], by=people.alice)
    shown.refresh_from_db()
    hidden.refresh_from_db()
    return shown, hidden


def english(client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def page(client, url) -> str:
    response = english(client).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def download(client, name: str) -> str:
    response = english(client).get(reverse(name))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def portal_link(recommendation) -> str:
    return f'href="{reverse("portal_recommendation", args=[recommendation.pk])}"'


# Publishing ---------------------------------------------------------------------------------------------------------


def test_a_coordinator_publishes_and_withdraws_and_the_history_says_who_and_when(people, recommendation):
    made = recommendations_publish(recommendations=[recommendation], by=people.alice)
    assert [p.recommendation for p in made] == [recommendation]
    assert Publication.objects.get(recommendation=recommendation).published_by == people.alice
    # Publishing again changes nothing, and keeps the first date.
    assert recommendations_publish(recommendations=[recommendation], by=people.alice) == []
    assert recommendations_unpublish(recommendations=[recommendation], by=people.alice) == 1
    assert not Publication.objects.filter(recommendation=recommendation).exists()

    entries = [e for e in history_for(instance=recommendation) if "published" in e.changes]
    today = datetime.date.today().isoformat()
    assert [(e.actor, e.changes["published"]) for e in reversed(entries)] == [
        (people.alice, [None, today]),
        (people.alice, [today, None]),
    ]


@pytest.mark.parametrize("name", ["fatima", "omar", "paul", "olga"])
def test_no_one_but_a_coordinator_may_publish_or_withdraw(people, recommendation, name):
    person = getattr(people, name)
    with pytest.raises(PermissionDenied):
        recommendations_publish(recommendations=[recommendation], by=person)
    recommendations_publish(recommendations=[recommendation], by=people.alice)
    with pytest.raises(PermissionDenied):
        recommendations_unpublish(recommendations=[recommendation], by=person)
    assert Publication.objects.filter(recommendation=recommendation).exists()


def test_the_publish_button_is_refused_to_a_focal_point_and_works_for_a_coordinator(client, people, recommendation):
    url = reverse("publication_change", args=[recommendation.pk])
    login(client, people.fatima)
    assert client.post(url, {"change": "publish"}).status_code == 403
    assert 'value="publish"' not in page(client, reverse("recommendation_detail", args=[recommendation.pk]))

    login(client, people.alice)
    assert 'value="publish"' in page(client, reverse("recommendation_detail", args=[recommendation.pk]))
    response = client.post(url, {"change": "publish"}, follow=True)
    assert "1 recommendation published on the portal." in response.content.decode()
    assert Publication.objects.filter(recommendation=recommendation).exists()
    client.post(url, {"change": "unpublish"})
    assert not Publication.objects.filter(recommendation=recommendation).exists()


def test_a_coordinator_publishes_the_recommendations_ticked_on_the_list_after_confirming(client, people):
    first, second = Recommendation.objects.filter(source="didh").order_by("id")[:2]
    login(client, people.alice)
    listed = page(client, reverse("recommendation_list"))
    assert f'formaction="{reverse("publication_bulk")}"' in listed

    ticked = f"{reverse('publication_bulk')}?recommendation={first.pk}&recommendation={second.pk}&change=publish"
    confirm = page(client, ticked)
    assert str(first) in confirm and str(second) in confirm and not Publication.objects.exists()

    client.post(reverse("publication_bulk"), {"recommendation": [first.pk, second.pk], "change": "publish"})
    assert set(Publication.objects.values_list("recommendation_id", flat=True)) == {first.pk, second.pk}
    published = page(client, reverse("recommendation_list") + "?published=yes")
    assert "<bdi>2</bdi> recommendations" in published

    client.post(reverse("publication_bulk"), {"recommendation": [first.pk], "change": "unpublish"})
    assert list(Publication.objects.values_list("recommendation_id", flat=True)) == [second.pk]


def test_a_focal_point_cannot_open_the_bulk_publication_page(client, people):
    login(client, people.fatima)
    assert client.get(reverse("publication_bulk")).status_code == 403
    assert client.post(reverse("publication_bulk"), {"change": "publish"}).status_code == 403


# The portal ---------------------------------------------------------------------------------------------------------


def test_an_anonymous_visitor_reads_the_portal_in_each_language_without_staff_navigation(client, pair):
    shown, _hidden = pair
    for language in ("ar", "fr", "en"):
        client.cookies["django_language"] = language
        for url in (reverse("portal_home"), reverse("portal_recommendation", args=[shown.pk])):
            response = client.get(url)
            assert response.status_code == 200
            html = response.content.decode()
            assert f'lang="{language}"' in html
            assert reverse("work_list") not in html and reverse("recommendation_list") + '"' not in html
            assert inline_code(html) == []
    assert "Published on the portal" not in page(client, reverse("portal_home"))  # no staff filter


def test_an_unpublished_recommendation_is_absent_from_every_part_of_the_portal(client, pair):
    shown, hidden = pair
    listed = page(client, reverse("portal_home") + "?sort=oldest")
    searched = page(client, reverse("portal_home") + f"?q={WORD}")
    assert portal_link(shown) in searched and portal_link(hidden) not in searched
    assert f"<bdi>1</bdi> published recommendation found for «<bdi>{WORD}</bdi>»" in searched
    assert portal_link(hidden) not in listed
    assert (
        "<bdi>1</bdi> published recommendation" in listed
    )  # the count, the summary and the facets count only ``shown``
    assert english(client).get(reverse("portal_recommendation", args=[hidden.pk])).status_code == 404

    filtered = page(client, reverse("portal_home") + f"?mechanism={hidden.mechanism.code}&q={WORD}")
    assert portal_link(hidden) not in filtered
    results = portal_results(filters={"q": WORD})
    assert list(results.recommendations) == [shown]
    facets = portal_facets(results=results).facets
    assert all(value.count <= 1 for facet in facets for value in facet.values)
    assert sum(value.count for facet in facets if facet.name == "status" for value in facet.values) == 1

    assert [row["id"] for row in csv_rows(download(client, "portal_open_data_csv"))] == [str(shown.pk)]
    assert [row["id"] for row in json.loads(download(client, "portal_open_data_json"))] == [shown.pk]


def test_withdrawing_takes_a_recommendation_off_the_portal_at_once(client, people, pair):
    shown, _hidden = pair
    recommendations_unpublish(recommendations=[shown], by=people.alice)
    assert english(client).get(reverse("portal_recommendation", args=[shown.pk])).status_code == 404
    assert "<bdi>0</bdi> published recommendations" in page(client, reverse("portal_home"))
    assert json.loads(download(client, "portal_open_data_json")) == []


def test_only_validated_progress_reaches_the_portal_page_and_the_downloads(client, people, pair):
    shown, _hidden = pair
    followup_services.assignments_create(by=people.alice, recommendations=[shown], lead=institution("justice"))
    steps = {
        "draft": [],
        "submitted": [(followup_services.report_submit, "fatima")],
        "approved": [(followup_services.report_submit, "fatima"), (followup_services.report_approve, "omar")],
        "returned": [(followup_services.report_submit, "fatima"), (followup_services.report_approve, "omar")],
        "validated": [
            (followup_services.report_submit, "fatima"),
            (followup_services.report_approve, "omar"),
            (followup_services.report_validate, "alice"),
        ],
    }
    for status, walk in steps.items():
        update = followup_services.progress_update_create(
            by=people.fatima,
            recommendation=shown,
            text=f"Progress {status} text",
            date=datetime.date(2026, 3, 1),
            files=[pdf(f"evidence-{status}.pdf")],
        )
        for step, name in walk:
            update = step(report=update, by=getattr(people, name), version=update.version)
        if status == "returned":
            followup_services.report_return(report=update, by=people.alice, version=update.version, reason="Why")
        assert update.refresh_from_db() or update.status == status

    shown_page = page(client, reverse("portal_recommendation", args=[shown.pk]))
    csv_text = download(client, "portal_open_data_csv")
    json_text = download(client, "portal_open_data_json")
    for text in (shown_page, json_text):
        assert "Progress validated text" in text
        for status in ("draft", "submitted", "approved", "returned"):
            assert f"Progress {status} text" not in text
        assert "evidence-" not in text and "Fatima" not in text and "fatima" not in text
    assert "Why" not in shown_page
    (row,) = csv_rows(csv_text)
    assert (row["progress_count"], row["progress_latest_date"]) == ("1", "2026-03-01")
    (record,) = json.loads(json_text)
    assert record["progress"] == [
        {"date": "2026-03-01", "institution": institution("justice").name_en, "text": "Progress validated text"}
    ]
    leads = shown.assignments.filter(role="lead").order_by("id").values_list("institution__name_en", flat=True)
    assert record["lead_institutions"] == list(leads) and institution("justice").name_en in leads


def test_a_coordinator_browsing_the_portal_sees_what_the_public_sees(client, people, pair):
    shown, _hidden = pair
    urls = [
        reverse("portal_home"),
        reverse("portal_home") + f"?q={WORD}",
        reverse("portal_recommendation", args=[shown.pk]),
    ]
    anonymous = [page(Client(), url) for url in urls]
    login(client, people.alice)
    coordinator = [page(client, url) for url in urls]

    def without_token(html):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert [without_token(html) for html in coordinator] == [without_token(html) for html in anonymous]


def test_a_coordinator_who_has_not_given_the_second_code_yet_still_reads_the_portal(client, people, pair):
    shown, _hidden = pair
    client.force_login(people.alice)  # the password only: the rest of Rasd leads to the code step
    assert client.get(reverse("work_list")).status_code == 302
    assert client.get(reverse("portal_recommendation", args=[shown.pk])).status_code == 200


def test_the_open_data_escapes_spreadsheet_formulas_and_names_the_portal_page(client, pair):
    shown, _hidden = pair
    Recommendation.objects.filter(pk=shown.pk).update(code='=HYPERLINK("http://x")', text_en="+cmd|' /C calc'!A0")
    (row,) = csv_rows(download(client, "portal_open_data_csv"))
    assert row["code"] == '\'=HYPERLINK("http://x")' and row["text_en"].startswith("'+cmd")
    (record,) = json.loads(download(client, "portal_open_data_json"))
    assert record["code"] == '=HYPERLINK("http://x")'  # JSON has no formulas: kept as written
    assert record["url"].endswith(reverse("portal_recommendation", args=[shown.pk]))
    assert record["mechanism"] == shown.mechanism.code and record["published_at"]


def test_the_downloads_are_cacheable_and_vary_with_the_language(client, pair):
    response = english(client).get(reverse("portal_open_data_json"))
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in response["Vary"].split(",")}


def test_the_summary_counts_the_published_recommendations_by_status(client, people, pair):
    shown, _hidden = pair
    others = Recommendation.objects.exclude(pk=shown.pk).exclude(text_fr="").order_by("-id")[:3]
    recommendations_publish(recommendations=others, by=people.alice)
    from rasd.portal.selectors import portal_summary

    summary = portal_summary()
    published = Recommendation.objects.filter(publication__isnull=False)
    assert summary.total == published.count() == 4
    assert {line.value: line.count for line in summary.by_status} == {
        status: published.filter(implementation_status=status).count()
        for status, _label in Recommendation._meta.get_field("implementation_status").choices
    }


# The documented schema ----------------------------------------------------------------------------------------------

DOC = Path(settings.BASE_DIR) / "docs" / "open-data.md"


def documented_fields(download_format: str) -> list[str]:
    """The fields the documentation's table gives for a format, in its order: rows `| `name` | type | formats |…`."""
    fields = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`([a-z_]+)`\s*\|[^|]*\|\s*([A-Z, ]+?)\s*\|", line)
        if match and download_format in [f.strip() for f in match.group(2).split(",")]:
            fields.append(match.group(1))
    return fields


def test_the_open_data_documentation_lists_exactly_the_fields_each_download_writes(client, pair):
    header = next(csv.reader(io.StringIO(download(client, "portal_open_data_csv"))))
    (record,) = json.loads(download(client, "portal_open_data_json"))
    assert documented_fields("CSV") == header == list(opendata.CSV_FIELDS)
    assert documented_fields("JSON") == list(record) == list(opendata.JSON_FIELDS)


def test_setup_demo_publishes_the_upr_review_once_and_then_leaves_the_coordinators_choices_alone(demo_data):
    from django.core.management import call_command

    call_command("setup_demo", stdout=io.StringIO())
    upr = Recommendation.objects.filter(source="didh", mechanism__kind="upr")
    assert upr.exists()
    assert set(Publication.objects.values_list("recommendation_id", flat=True)) == set(upr.values_list("pk", flat=True))

    withdrawn = upr.first()
    recommendations_unpublish(recommendations=[withdrawn], by=withdrawn.publication.published_by)
    call_command("setup_demo", stdout=io.StringIO())
    assert not Publication.objects.filter(recommendation=withdrawn).exists()
    assert Publication.objects.count() == upr.count() - 1


def test_the_portal_and_the_staff_list_page_their_long_lists_with_the_same_links(client, people):
    recommendations_publish(recommendations=Recommendation.objects.filter(source="didh")[:60], by=people.alice)
    public = page(client, "/portal/?page=2")
    assert (
        'rel="prev"' in public and 'rel="next"' in public and 'aria-current="page"><span class="page-link">2<' in public
    )
    assert "hx-boost" not in public[public.index('aria-label="Pages"') - 80 :][:200]

    login(client, people.alice)
    staff = page(client, "/recommendations/?page=2")
    nav = staff[staff.index('aria-label="Pages"') :][:200]
    assert 'hx-boost="true"' in nav and 'rel="prev"' in staff and 'rel="next"' in staff
