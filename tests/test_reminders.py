"""Deadlines and reminders: what is due, the daily emails to focal points and coordinators, the job that sends them
every morning, the commands, and the deadlines of the demo review.

The clock is frozen on Tuesday 10 March 2026, 09:00 in Casablanca, and the situation is built with the follow-up
services for the Ministry of Justice (fatima, focal point) and the Ministry of the Interior (karim, focal point).
"""

import datetime
import io
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rasd.accounts.models import Role, User
from rasd.accounts.services import demo_users_create
from rasd.followup import reminders, selectors, services
from rasd.followup.models import Action, Assignment, Indicator, ReminderRun
from rasd.followup.tasks import reminders_schedule, reminders_send_task, reminders_waiting
from rasd.institutions.models import Institution
from rasd.mechanisms.deadlines import upr_deadlines_create
from rasd.mechanisms.models import Deadline, Mechanism, Review
from rasd.recommendations.models import ImplementationStatus, Recommendation
from rasd.states.models import State

pytestmark = pytest.mark.django_db

CASABLANCA = ZoneInfo("Africa/Casablanca")
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=CASABLANCA)
TODAY = datetime.date(2026, 3, 10)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def day(month, number, year=2026):
    return datetime.date(year, month, number)


def institution(code):
    return Institution.objects.get(code=code)


def frozen(moment=NOW):
    return time_machine.travel(moment, tick=False)


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    settings.RASD_REMINDER_DAYS_AHEAD = 14
    settings.RASD_REMINDER_HOUR = 7
    settings.RASD_SITE_URL = "https://rasd.example.org/"
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def nothing_else_due(demo_data):
    """The demo set has assignments without due dates; make sure nothing else in the database is due."""
    Assignment.objects.update(due_date=None)
    Deadline.objects.all().delete()
    Action.objects.all().delete()
    Indicator.objects.all().delete()
    ReminderRun.objects.all().delete()
    DBTaskResult.objects.all().delete()


def fresh_recommendations(count, status=ImplementationStatus.NOT_STARTED, **filters):
    recs = list(Recommendation.objects.filter(source="didh", implementation_status=status, **filters)[:count])
    Assignment.objects.filter(recommendation__in=recs).delete()
    return recs


@pytest.fixture
def due(people, nothing_else_due):
    """On 10 March 2026, with reminders for 14 days ahead (until 24 March):

    Justice — overdue: an indicator whose only value since its creation is a draft (due 5 February), an assignment
    (1 March, supported by UNDP), an ongoing action (5 March); due soon: the CAT follow-up reply (12 March), an
    assignment and a monthly indicator (20 March); not listed: an assignment due in June, an assignment of an
    implemented recommendation, a completed action, an action due in December, an indicator whose submitted value
    moves its next report to April, a follow-up reply already submitted.
    Interior — overdue: a delayed action (9 March); due soon: an assignment (15 March).
    Health has a focal point (hassan) and nothing due.
    """
    alice, fatima, karim = people.alice, people.fatima, people.karim
    justice, interieur = institution("justice"), institution("interieur")
    overdue_rec, soon_rec, far_rec, interior_rec, tb_rec = fresh_recommendations(5, review__isnull=True)
    (settled_rec,) = fresh_recommendations(1, status=ImplementationStatus.IMPLEMENTED)

    with frozen(datetime.datetime(2026, 1, 5, 10, 0, tzinfo=CASABLANCA)):
        drafted = services.indicator_create(
            by=fatima, kind="process", title="Cases heard within the legal time", unit="%", institution=justice,
            reporting_frequency=Indicator.Frequency.MONTHLY,
        )  # fmt: skip
        reported = services.indicator_create(
            by=fatima, kind="outcome", title="Complaints of torture investigated", unit="number",
            institution=justice, reporting_frequency=Indicator.Frequency.MONTHLY,
        )  # fmt: skip
    with frozen(datetime.datetime(2026, 2, 20, 10, 0, tzinfo=CASABLANCA)):
        monthly = services.indicator_create(
            by=fatima, kind="process", title="Judges trained", unit="number", institution=justice,
            reporting_frequency=Indicator.Frequency.MONTHLY,
        )  # fmt: skip

    with frozen():
        services.indicator_value_create(by=fatima, indicator=drafted, value=80, date=day(3, 1))
        value = services.indicator_value_create(by=fatima, indicator=reported, value=12, date=day(3, 1))
        services.report_submit(report=value, by=fatima, version=value.version)
        yearly = services.indicator_create(
            by=fatima, kind="structural", title="Law on the prison administration adopted", unit="yes/no",
            institution=justice, reporting_frequency=Indicator.Frequency.YEARLY,
        )  # fmt: skip

        def assign(rec, lead, due_date, supporting=()):
            return services.assignments_create(
                by=alice, recommendations=[rec], lead=lead, supporting=supporting, due_date=due_date
            )[0]

        overdue = assign(overdue_rec, justice, day(3, 1), supporting=[institution("undp")])
        soon = assign(soon_rec, justice, day(3, 20))
        assign(far_rec, justice, day(6, 30))
        assign(settled_rec, justice, day(2, 1))
        interior_soon = assign(interior_rec, interieur, day(3, 15))
        assign(tb_rec, justice, None)

        def act(by, title, where, end, status):
            return services.action_create(
                by=by, title=title, institution=where, start_date=day(1, 1), end_date=end, status=status
            )

        late_action = act(fatima, "Train prosecutors on the Istanbul Protocol", justice, day(3, 5), "ongoing")
        act(fatima, "Publish the guide for judges", justice, day(2, 1), "completed")
        act(fatima, "Open legal-aid offices in every court", justice, day(12, 31), "planned")
        interior_late = act(karim, "Record every police custody electronically", interieur, day(3, 9), "delayed")

        review = Review.objects.create(
            mechanism=Mechanism.objects.get(code="CAT"), state=State.objects.get(iso3="MAR"), year=2025
        )
        tb_rec.review = review
        tb_rec.save(update_fields=["review"])
        reply = Deadline.objects.create(review=review, kind=Deadline.Kind.FOLLOW_UP_REPLY, due_date=day(3, 12))
        Deadline.objects.create(review=review, kind=Deadline.Kind.OTHER, due_date=day(3, 11), met_on=day(3, 2))

        hassan = User.objects.create(
            username="hassan", email="hassan@example.org", role=Role.FOCAL_POINT, institution=institution("sante")
        )
        # Focal points of the Ministry of Justice who get nothing: one without an address, one who left.
        User.objects.create(username="yasmine", email="", role=Role.FOCAL_POINT, institution=justice)
        User.objects.create(
            username="driss", email="driss@example.org", role=Role.FOCAL_POINT, institution=justice, is_active=False
        )

    return SimpleNamespace(
        people=people,
        hassan=hassan,
        justice_overdue=[("indicator", drafted), ("assignment", overdue), ("action", late_action)],
        justice_soon=[("deadline", reply), ("assignment", soon), ("indicator", monthly)],
        interior_overdue=[("action", interior_late)],
        interior_soon=[("assignment", interior_soon)],
        undp_overdue=[("assignment", overdue.recommendation.assignments.get(institution__code="undp"))],
        not_due=[reported, yearly],
    )


def keys(items):
    return [(item.kind, item.record.pk, type(item.record)) for item in items]


def expected(pairs):
    return [(kind, record.pk, type(record)) for kind, record in pairs]


def listed(body):
    """The item lines of an email, in order."""
    return [line[2:] for line in body.splitlines() if line.startswith("- ")]


def line(kind, label, due_date, days_late=None):
    kind_label = str(selectors.DUE_KIND_LABELS[kind])
    text = f"{kind_label}: {label} — due on {due_date.isoformat()}"
    if days_late is not None:
        text += f", {days_late} day{'s' if days_late != 1 else ''} late"
    return text


def mail_to(mailoutbox, user):
    (message,) = [m for m in mailoutbox if m.to == [user.email]]
    return message


# What is due --------------------------------------------------------------------------------------------------------


def test_due_items_lists_an_institutions_overdue_items_then_those_due_within_the_days_ahead(due):
    justice = selectors.due_items(institution=institution("justice"), on=TODAY)
    assert keys(justice) == expected(due.justice_overdue + due.justice_soon)
    assert [item.overdue for item in justice] == [True, True, True, False, False, False]
    interior = selectors.due_items(institution=institution("interieur"), on=TODAY)
    assert keys(interior) == expected(due.interior_overdue + due.interior_soon)
    assert selectors.due_items(institution=institution("sante"), on=TODAY) == []


def test_due_items_across_institutions_finds_exactly_the_overdue_items(due):
    overdue = [item for item in selectors.due_items(on=TODAY) if item.overdue]
    assert sorted(keys(overdue), key=str) == sorted(
        expected(due.justice_overdue + due.interior_overdue + due.undp_overdue), key=str
    )


def test_an_indicator_is_due_one_period_after_its_last_submitted_value_not_after_a_draft(due):
    items = {item.record: item.due_date for item in selectors.due_items(on=TODAY, days_ahead=60)}
    drafted, _assignment, _action = [record for _kind, record in due.justice_overdue]
    reported, _yearly = due.not_due
    assert items[drafted] == day(2, 5)  # created 5 January; its only value is a draft
    assert items[reported] == day(4, 1)  # a value of 1 March was submitted


# The emails ---------------------------------------------------------------------------------------------------------


def test_each_focal_point_with_something_due_gets_one_email_and_the_coordinator_one_summary(due, mailoutbox):
    with frozen():
        sent = reminders.reminders_send()
    people = due.people
    assert sent == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in (people.fatima, people.karim, people.alice))
    # No email for validators, partners, observers, a focal point whose institution has nothing due, one without an
    # address or one no longer active.
    assert not {people.omar.email, people.nadia.email, people.paul.email, people.olga.email, due.hassan.email} & {
        m.to[0] for m in mailoutbox
    }


def test_a_focal_points_email_lists_the_overdue_items_first_then_the_coming_ones_with_their_links(
    due, mailoutbox, settings
):
    with frozen():
        reminders.reminders_send()
    message = mail_to(mailoutbox, due.people.fatima)
    (indicator, assignment, action), (reply, soon, monthly) = (
        [record for _kind, record in due.justice_overdue],
        [record for _kind, record in due.justice_soon],
    )
    assert message.subject == "Rasd: 3 overdue items for Ministry of Justice"
    assert listed(message.body) == [
        line("indicator", indicator.title, day(2, 5), days_late=33),
        line("assignment", str(assignment.recommendation), day(3, 1), days_late=9),
        line("action", action.title, day(3, 5), days_late=5),
        line("deadline", f"{reply.review} — Follow-up reply", day(3, 12)),
        line("assignment", str(soon.recommendation), day(3, 20)),
        line("indicator", monthly.title, day(3, 20)),
    ]
    body = message.body
    assert body.index("3 items are overdue:") < body.index("3 items fall due by 2026-03-24:")
    for url in (
        f"https://rasd.example.org/indicators/{indicator.pk}/",
        f"https://rasd.example.org/recommendations/{assignment.recommendation_id}/",
        f"https://rasd.example.org/actions/{action.pk}/",
        "https://rasd.example.org/deadlines/",
        "https://rasd.example.org/work/",
    ):
        assert url in body
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


def test_another_institutions_focal_point_sees_only_their_institutions_items(due, mailoutbox):
    with frozen():
        reminders.reminders_send()
    message = mail_to(mailoutbox, due.people.karim)
    ((_kind, action),), ((_kind2, assignment),) = due.interior_overdue, due.interior_soon
    assert message.subject == "Rasd: 1 overdue item for Ministry of the Interior"
    assert listed(message.body) == [
        line("action", action.title, day(3, 9), days_late=1),
        line("assignment", str(assignment.recommendation), day(3, 15)),
    ]


def test_a_focal_point_with_only_coming_items_is_told_what_falls_due_soon(due, mailoutbox):
    Action.objects.filter(institution__code="interieur").delete()
    with frozen():
        reminders.reminders_send()
    message = mail_to(mailoutbox, due.people.karim)
    assert message.subject == "Rasd: 1 item due soon for Ministry of the Interior"
    assert "overdue" not in message.body


def test_the_coordinators_summary_lists_what_is_overdue_by_institution_and_the_review_deadlines(due, mailoutbox):
    with frozen():
        reminders.reminders_send()
    message = mail_to(mailoutbox, due.people.alice)
    assert message.subject == "Rasd: 5 overdue items across institutions"
    (reply,) = [record for kind, record in due.justice_soon if kind == "deadline"]
    # Five overdue (three at Justice, one at Interior, the supporting assignment of UNDP) and the coming deadline.
    assert len(listed(message.body)) == 6
    assert listed(message.body)[-1] == line("deadline", f"{reply.review} — Follow-up reply", day(3, 12))
    for name in ("Ministry of Justice (3)", "Ministry of the Interior (1)", "United Nations Development Programme (1)"):
        assert name in message.body.splitlines()


def test_reminders_are_sent_once_a_day_and_again_the_next_day(due, mailoutbox):
    with frozen():
        assert reminders.reminders_send() == 3
        assert reminders.reminders_send() == 0
    assert len(mailoutbox) == 3
    assert ReminderRun.objects.get(day=TODAY).messages_sent == 3
    with frozen(NOW + datetime.timedelta(days=1)):
        assert reminders.reminders_send() == 3
    assert len(mailoutbox) == 6
    assert "days late" in mail_to(mailoutbox[3:], due.people.karim).body  # one day later, two days late


def test_a_day_whose_sending_failed_can_be_sent_again(due, mailoutbox, monkeypatch):
    class Unreachable:
        def send_messages(self, messages):
            raise ConnectionRefusedError("the mail server does not answer")

    monkeypatch.setattr(reminders, "get_connection", Unreachable)
    with frozen(), pytest.raises(ConnectionRefusedError):
        reminders.reminders_send()
    assert not ReminderRun.objects.exists()
    monkeypatch.undo()
    with frozen():
        assert reminders.reminders_send() == 3


def test_reminders_are_written_in_the_install_language_arabic_by_default(due, mailoutbox, settings):
    settings.LANGUAGE_CODE = "ar"
    upr = Review.objects.get(mechanism__code="UPR", cycle=3)
    Deadline.objects.create(review=upr, kind=Deadline.Kind.MID_TERM_REPORT, due_date=day(3, 1))
    with frozen():
        reminders.reminders_send()
    names = {}
    for language in ("ar", "en"):
        with translation.override(language):
            names[language] = str(upr)
    body = mail_to(mailoutbox, due.people.fatima).body
    assert names["ar"] != names["en"] and names["ar"] in body and names["en"] not in body


# The daily job ------------------------------------------------------------------------------------------------------


def test_the_daily_task_sends_the_reminders_and_queues_itself_for_the_next_day_at_the_configured_hour(
    due, mailoutbox, settings
):
    settings.RASD_REMINDER_HOUR = 6
    with frozen(datetime.datetime(2026, 3, 10, 6, 0, 2, tzinfo=CASABLANCA)):
        assert reminders_send_task.call() == 3
    (waiting,) = reminders_waiting()
    assert waiting.task_path == "rasd.followup.tasks.reminders_send_task"
    assert waiting.status == TaskResultStatus.READY
    assert waiting.run_after == datetime.datetime(2026, 3, 11, 6, 0, tzinfo=CASABLANCA)
    assert len(mailoutbox) == 3


def test_the_daily_task_queues_no_second_run_when_one_is_waiting(due):
    with frozen():
        first = reminders_schedule()
        reminders_send_task.call()
    assert list(reminders_waiting()) == [first]


def test_schedule_reminders_twice_leaves_one_run_waiting_at_the_next_reminder_hour(nothing_else_due):
    out = io.StringIO()
    with frozen(datetime.datetime(2026, 3, 10, 5, 30, tzinfo=CASABLANCA)):
        call_command("schedule_reminders", stdout=out)
        call_command("schedule_reminders", stdout=out)
    (waiting,) = reminders_waiting()
    assert waiting.run_after == datetime.datetime(2026, 3, 10, 7, 0, tzinfo=CASABLANCA)  # today: 7 o'clock is ahead
    assert "already queued" in out.getvalue().splitlines()[1]


def test_schedule_reminders_after_the_hour_queues_tomorrows_run(nothing_else_due):
    with frozen():
        reminders_schedule()
    (waiting,) = reminders_waiting()
    assert waiting.run_after == datetime.datetime(2026, 3, 11, 7, 0, tzinfo=CASABLANCA)


def test_a_finished_run_does_not_count_as_waiting(nothing_else_due):
    with frozen():
        reminders_schedule()
        DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL)
        assert reminders_schedule() is not None
    assert reminders_waiting().count() == 1


# The commands -------------------------------------------------------------------------------------------------------


def test_send_reminders_dry_run_prints_the_emails_and_sends_nothing(due, mailoutbox):
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", "--date", "2026-03-10", stdout=out)
    assert mailoutbox == []
    assert not ReminderRun.objects.exists()
    assert f"To: {due.people.fatima.email}" in out.getvalue()
    assert "3 emails would be sent; nothing was sent." in out.getvalue()


def test_send_reminders_sends_the_days_reminders_once(due, mailoutbox):
    out = io.StringIO()
    call_command("send_reminders", "--date", "2026-03-10", stdout=out)
    call_command("send_reminders", "--date", "2026-03-10", stdout=out)
    assert len(mailoutbox) == 3
    assert out.getvalue().splitlines() == [
        "Reminders of 2026-03-10: 3 emails sent.",
        "The reminders of 2026-03-10 were sent already; nothing was sent.",
    ]


def test_send_reminders_refuses_a_date_it_cannot_read(nothing_else_due):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "10/03/2026")


# Demo data ----------------------------------------------------------------------------------------------------------


def test_the_demo_upr_review_gets_its_mid_term_report_and_next_review_from_the_upr_cycle(nothing_else_due):
    review = Review.objects.get(mechanism__code="UPR", state__iso3="MAR", cycle=3)
    created = upr_deadlines_create(review=review, reviewed_on=datetime.date(2017, 5, 2))
    assert [(d.kind, d.due_date) for d in created] == [
        (Deadline.Kind.MID_TERM_REPORT, datetime.date(2019, 11, 2)),
        (Deadline.Kind.PERIODIC_REPORT, datetime.date(2021, 11, 2)),
    ]
    assert all("Estimated from the 4.5-year UPR cycle" in d.description for d in created)
    assert upr_deadlines_create(review=review, reviewed_on=datetime.date(2017, 5, 2)) == []
    assert review.deadlines.count() == 2


def test_a_deadline_corrected_by_hand_is_kept(nothing_else_due):
    review = Review.objects.get(mechanism__code="UPR", state__iso3="MAR", cycle=3)
    Deadline.objects.create(review=review, kind=Deadline.Kind.MID_TERM_REPORT, due_date=datetime.date(2020, 3, 1))
    (created,) = upr_deadlines_create(review=review, reviewed_on=datetime.date(2017, 5, 2))
    assert created.kind == Deadline.Kind.PERIODIC_REPORT
    assert review.deadlines.get(kind=Deadline.Kind.MID_TERM_REPORT).due_date == datetime.date(2020, 3, 1)


def test_demo_users_get_email_addresses_and_existing_ones_keep_their_password(nothing_else_due):
    existing = User.objects.create(username="focal_point", role=Role.FOCAL_POINT, institution=institution("justice"))
    existing.set_password("chosen-by-the-user")
    existing.save()
    users = {user.username: user for user in demo_users_create()}
    assert users["coordinator"].email == "coordinator@rasd.example"
    existing.refresh_from_db()
    assert existing.email == "focal_point@rasd.example"
    assert existing.check_password("chosen-by-the-user")


def test_setup_demo_adds_the_deadlines_once(nothing_else_due):
    call_command("setup_demo", stdout=io.StringIO())
    call_command("setup_demo", stdout=io.StringIO())
    deadlines = Deadline.objects.filter(review__mechanism__code="UPR", review__state__iso3="MAR")
    assert sorted(deadlines.values_list("kind", "due_date")) == [
        ("mid_term_report", datetime.date(2019, 11, 2)),
        ("periodic_report", datetime.date(2021, 11, 2)),
    ]
    assert User.objects.get(username="focal_point").email == "focal_point@rasd.example"


# The admin ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        "followup.action",
        "followup.indicator",
        "followup.indicatorvalue",
        "followup.progressupdate",
        "followup.evidence",
        "followup.reminderrun",
        "mechanisms.deadline",
        "recommendations.cluster",
    ],
)
def test_the_admin_lists_the_follow_up_records(admin_client, due, model):
    app_label, model_name = model.split(".")
    with frozen():
        reminders.reminders_send()
    response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist") + "?q=T")
    assert response.status_code == 200


def test_reports_and_reminder_runs_are_read_only_in_the_admin(admin_client, due):
    action = [record for kind, record in due.justice_overdue if kind == "action"][0]
    assert admin_client.get(reverse("admin:followup_action_add")).status_code == 403
    page = admin_client.get(reverse("admin:followup_action_change", args=[action.pk]))
    assert page.status_code == 200 and 'name="title"' not in page.content.decode()
    assert admin_client.get(reverse("admin:followup_reminderrun_add")).status_code == 403


def test_deadlines_are_edited_in_the_admin_and_shown_on_their_review(admin_client, due):
    reply = [record for kind, record in due.justice_soon if kind == "deadline"][0]
    response = admin_client.post(
        reverse("admin:mechanisms_deadline_change", args=[reply.pk]),
        {"review": reply.review_id, "kind": reply.kind, "due_date": "2026-03-12", "met_on": "2026-03-11"},
    )
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.met_on == day(3, 11)
    assert reply not in [item.record for item in selectors.due_items(on=TODAY)]
    review_page = admin_client.get(reverse("admin:mechanisms_review_change", args=[reply.review_id]))
    assert 'name="deadlines-0-due_date"' in review_page.content.decode()


def test_evidence_is_shown_in_the_admin_by_name_size_and_type_without_a_link_to_the_file(admin_client, due):
    action = [record for kind, record in due.justice_overdue if kind == "action"][0]
    pdf = SimpleUploadedFile("rapport.pdf", PDF, content_type="application/pdf")
    update = services.progress_update_create(
        by=due.people.fatima, action=action, text="Two sessions held", date=TODAY, files=[pdf]
    )
    evidence = update.evidence.get()
    for page in (
        reverse("admin:followup_progressupdate_change", args=[update.pk]),
        reverse("admin:followup_evidence_change", args=[evidence.pk]),
    ):
        body = admin_client.get(page).content.decode()
        assert "rapport.pdf" in body and "application/pdf" in body
        assert evidence.file.name not in body
