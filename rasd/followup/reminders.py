"""Reminder emails: once a day, each focal point hears what their institution has overdue or falling due, and each
coordinator hears what is overdue across institutions.

A reminder lists exactly what the work list shows: both read ``selectors.due_items``. The task worker sends the
reminders every day (``rasd.followup.tasks``); ``manage.py send_reminders`` sends them by hand.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rasd.accounts.models import Role, User
from rasd.followup import selectors
from rasd.followup.models import ReminderRun
from rasd.followup.selectors import DueItem
from rasd.institutions.models import Institution

# The page of each kind of due item; an assignment is worked on from its recommendation's page.
PAGE_PATHS = {
    "assignment": "/recommendations/{id}/",
    "action": "/actions/{id}/",
    "indicator": "/indicators/{id}/",
    "deadline": "/deadlines/",
}
WORK_PATH = "/work/"


def page_url(path: str) -> str:
    return settings.RASD_SITE_URL.rstrip("/") + path


def item_url(item: DueItem) -> str:
    record_id = item.record.recommendation_id if item.kind == "assignment" else item.record.pk
    return page_url(PAGE_PATHS[item.kind].format(id=record_id))


def recipient_language(user: User) -> str:
    # Users have no language of their own yet: everyone reads the install's language (Arabic by default).
    return settings.LANGUAGE_CODE


# Building the messages -----------------------------------------------------------------------------------------------


def reminders_build(*, on: datetime.date) -> list[EmailMessage]:
    """The reminder emails of day ``on``, unsent: one per active focal point (with an email address) of each
    institution that has something overdue or due within ``RASD_REMINDER_DAYS_AHEAD`` days, and one summary per
    coordinator when something is overdue anywhere or a review deadline is near."""
    messages = []
    focal_points = (
        User.objects.filter(
            role=Role.FOCAL_POINT, is_active=True, institution__isnull=False, institution__is_active=True
        )
        .exclude(email="")
        .select_related("institution")
        .order_by("institution__code", "username")
    )
    by_institution: dict[Institution, list[User]] = defaultdict(list)
    for user in focal_points:
        by_institution[user.institution].append(user)
    for institution, users in by_institution.items():
        for language, readers in _by_language(users).items():
            with translation.override(language):
                # Read in the readers' language: the labels (a review's name, a kind of deadline) are translated.
                items = selectors.due_items(institution=institution, on=on)
                if items:
                    messages += [
                        _focal_point_message(user=user, institution=institution, items=items, on=on) for user in readers
                    ]

    coordinators = User.objects.filter(role=Role.COORDINATOR, is_active=True).exclude(email="").order_by("username")
    for language, readers in _by_language(coordinators).items():
        with translation.override(language):
            items = selectors.due_items(on=on)
            overdue = [item for item in items if item.overdue]
            deadlines_coming = [item for item in items if item.kind == "deadline" and not item.overdue]
            if overdue or deadlines_coming:
                messages += [
                    _summary_message(user=user, overdue=overdue, deadlines_coming=deadlines_coming, on=on)
                    for user in readers
                ]
    return messages


def _by_language(users) -> dict[str, list[User]]:
    groups: dict[str, list[User]] = defaultdict(list)
    for user in users:
        groups[recipient_language(user)].append(user)
    return groups


def _message(*, user: User, subject: str, lines: list[str]) -> EmailMessage:
    return EmailMessage(subject=subject, body="\n".join(lines) + "\n", to=[user.email])


def _greeting(user: User) -> str:
    return _("Hello %(name)s,") % {"name": user.get_full_name() or user.username}


def _item_lines(item: DueItem, on: datetime.date) -> list[str]:
    values = {"kind": item.kind_label, "label": item.label, "date": item.due_date.isoformat()}
    if item.overdue:
        days = (on - item.due_date).days
        line = ngettext(
            "%(kind)s: %(label)s — due on %(date)s, %(days)s day late",
            "%(kind)s: %(label)s — due on %(date)s, %(days)s days late",
            days,
        ) % {**values, "days": days}
    else:
        line = _("%(kind)s: %(label)s — due on %(date)s") % values
    lines = [f"- {line}"]
    if item.kind == "assignment":
        lines.append(f"  {Truncator(item.record.recommendation.text).words(30)}")
    lines.append(f"  {item_url(item)}")
    return lines


def _focal_point_message(*, user: User, institution: Institution, items: list[DueItem], on) -> EmailMessage:
    overdue = [item for item in items if item.overdue]
    coming = [item for item in items if not item.overdue]
    names = {"institution": institution.name}
    if overdue:
        subject = ngettext(
            "Rasd: %(count)s overdue item for %(institution)s",
            "Rasd: %(count)s overdue items for %(institution)s",
            len(overdue),
        ) % {**names, "count": len(overdue)}
    else:
        subject = ngettext(
            "Rasd: %(count)s item due soon for %(institution)s",
            "Rasd: %(count)s items due soon for %(institution)s",
            len(coming),
        ) % {**names, "count": len(coming)}

    lines = [
        _greeting(user),
        "",
        _("Here is what %(institution)s has to do in Rasd, on %(date)s.") % {**names, "date": on.isoformat()},
    ]
    if overdue:
        lines += [
            "",
            ngettext("%(count)s item is overdue:", "%(count)s items are overdue:", len(overdue))
            % {"count": len(overdue)},
        ]
        for item in overdue:
            lines += _item_lines(item, on)
    if coming:
        horizon = on + datetime.timedelta(days=settings.RASD_REMINDER_DAYS_AHEAD)
        lines += [
            "",
            ngettext("%(count)s item falls due by %(date)s:", "%(count)s items fall due by %(date)s:", len(coming))
            % {"count": len(coming), "date": horizon.isoformat()},
        ]
        for item in coming:
            lines += _item_lines(item, on)
    lines += [
        "",
        _("Your work list: %(url)s") % {"url": page_url(WORK_PATH)},
        "",
        _("You receive this email because you are a focal point of %(institution)s in Rasd.") % names,
    ]
    return _message(user=user, subject=subject, lines=lines)


def _summary_message(*, user: User, overdue: list[DueItem], deadlines_coming: list[DueItem], on) -> EmailMessage:
    if overdue:
        subject = ngettext(
            "Rasd: %(count)s overdue item across institutions",
            "Rasd: %(count)s overdue items across institutions",
            len(overdue),
        ) % {"count": len(overdue)}
    else:
        subject = ngettext(
            "Rasd: %(count)s review deadline due soon",
            "Rasd: %(count)s review deadlines due soon",
            len(deadlines_coming),
        ) % {"count": len(deadlines_coming)}

    lines = [_greeting(user), ""]
    lines.append(
        ngettext(
            "%(count)s item is overdue in Rasd on %(date)s.",
            "%(count)s items are overdue in Rasd on %(date)s.",
            len(overdue),
        )
        % {"count": len(overdue), "date": on.isoformat()}
    )
    by_institution: dict[Institution | None, list[DueItem]] = defaultdict(list)
    for item in overdue:
        by_institution[item.institution].append(item)
    # Institutions by name, then the review deadlines, which are the coordination's own.
    for institution in sorted(filter(None, by_institution), key=lambda i: i.name):
        lines += ["", f"{institution.name} ({len(by_institution[institution])})"]
        for item in by_institution[institution]:
            lines += _item_lines(item, on)
    deadlines = by_institution.get(None, []) + deadlines_coming
    if deadlines:
        lines += ["", _("Review deadlines:")]
        for item in deadlines:
            lines += _item_lines(item, on)
    lines += [
        "",
        _("Your work list: %(url)s") % {"url": page_url(WORK_PATH)},
        "",
        _("You receive this email because you are a coordinator in Rasd."),
    ]
    return _message(user=user, subject=subject, lines=lines)


# Sending -------------------------------------------------------------------------------------------------------------


def reminders_send(*, on: datetime.date | None = None) -> int:
    """Send the reminders of day ``on`` (today by default) through the configured email backend; return how many
    emails were sent.

    Once a day: the day's ``ReminderRun`` is written first, so a second call for the same day (a restarted worker,
    a second worker, a hand-run command) sends nothing and returns 0. When sending fails, the day is released
    again so that ``manage.py send_reminders`` can retry it, and the error is raised.
    """
    on = on or selectors.today()
    if not _day_claim(on):
        return 0
    try:
        messages = reminders_build(on=on)
        sent = (get_connection().send_messages(messages) if messages else 0) or 0
    except Exception:
        ReminderRun.objects.filter(day=on).delete()
        raise
    ReminderRun.objects.filter(day=on).update(messages_sent=sent)
    return sent


def _day_claim(day: datetime.date) -> bool:
    """Write the day's run; False when it exists already (the unique day decides between concurrent callers)."""
    try:
        with transaction.atomic():
            ReminderRun.objects.create(day=day)
    except IntegrityError:
        return False
    return True
