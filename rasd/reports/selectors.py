"""Reads of the generated reports: which reports a user may see, and what a report says.

A report says only what is validated: progress updates a coordinator validated, and the implementation statuses a
coordinator decided. Drafts, submitted, approved and returned updates never reach a document, whoever asks for it.
Labels are in the active language: the service calls these inside the report's language.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterator

from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rasd.accounts.models import User
from rasd.followup.models import Action, Assignment, ProgressUpdate, Report
from rasd.recommendations.models import Cluster, ImplementationStatus, NationalAxis, Recommendation, Theme
from rasd.reports import policies
from rasd.reports.documents.parts import Document, Group, RecommendationEntry, Update, isolated
from rasd.reports.models import GeneratedReport

# progress(fraction): how far the reading has gone, from 0 to 1.
Progress = Callable[[float], None]


def generated_report_list(*, visible_to: User) -> QuerySet[GeneratedReport]:
    return policies.generated_reports_visible_to(visible_to).select_related(
        "review__mechanism", "institution", "requested_by"
    )


def generated_report_get(*, pk: int, visible_to: User) -> GeneratedReport | None:
    return generated_report_list(visible_to=visible_to).filter(pk=pk).first()


# What a report covers ---------------------------------------------------------------------------------------------


def scope_recommendations(report: GeneratedReport) -> QuerySet[Recommendation]:
    """The recommendations of the report's review; those assigned to its institution or linked to its actions; or
    every recommendation."""
    if report.review_id:
        return Recommendation.objects.filter(review_id=report.review_id)
    if report.institution_id:
        own_actions = Action.objects.filter(institution_id=report.institution_id)
        return Recommendation.objects.filter(
            Q(pk__in=Assignment.objects.filter(institution_id=report.institution_id).values("recommendation_id"))
            | Q(
                pk__in=Action.recommendations.through.objects.filter(action__in=own_actions).values("recommendation_id")
            )
        )
    return Recommendation.objects.all()


def scope_name(report: GeneratedReport) -> str:
    if report.review_id:
        return str(report.review)
    if report.institution_id:
        return report.institution.name
    return _("All recommendations")


def _natural(text: str) -> tuple:
    # 144.2 before 144.12: numbers compared as numbers.
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part)


def _ordered(recommendations) -> list[Recommendation]:
    return sorted(
        recommendations,
        key=lambda r: (r.document.symbol if r.document_id else "~", r.mechanism.code, _natural(_label(r)), r.pk),
    )


def _label(recommendation: Recommendation) -> str:
    return recommendation.paragraph or recommendation.code or f"#{recommendation.pk}"


def _source(recommendation: Recommendation) -> str:
    return recommendation.document.symbol if recommendation.document_id else str(recommendation.mechanism)


def validated_updates(
    *, recommendations: QuerySet[Recommendation], institution_id: int | None = None
) -> dict[int, list[Update]]:
    """Each recommendation's validated progress updates, oldest first: those written on it, and those written on
    an action that serves it, directly or through one of its clusters. ``institution_id``: only that institution's."""
    validated = ProgressUpdate.objects.filter(status=Report.Status.VALIDATED).select_related("institution", "action")
    if institution_id is not None:
        validated = validated.filter(institution_id=institution_id)
    ids = recommendations.values("pk")
    action_targets: dict[int, set[int]] = defaultdict(set)
    for action_id, recommendation_id in Action.recommendations.through.objects.filter(
        recommendation_id__in=ids
    ).values_list("action_id", "recommendation_id"):
        action_targets[action_id].add(recommendation_id)
    cluster_members: dict[int, set[int]] = defaultdict(set)
    for cluster_id, recommendation_id in Cluster.recommendations.through.objects.filter(
        recommendation_id__in=ids
    ).values_list("cluster_id", "recommendation_id"):
        cluster_members[cluster_id].add(recommendation_id)
    for action_id, cluster_id in Action.clusters.through.objects.filter(
        cluster_id__in=list(cluster_members)
    ).values_list("action_id", "cluster_id"):
        action_targets[action_id] |= cluster_members[cluster_id]

    found: dict[int, list[Update]] = defaultdict(list)
    for update in validated.filter(recommendation_id__in=ids):
        found[update.recommendation_id].append(_update(update))
    for update in validated.filter(action_id__in=list(action_targets)):
        for recommendation_id in action_targets[update.action_id]:
            found[recommendation_id].append(_update(update))
    for updates in found.values():
        updates.sort(key=lambda u: (u.date, u.pk))
    return found


def _update(update: ProgressUpdate) -> Update:
    return Update(
        pk=update.pk,
        date=update.date,
        institution=update.institution.name,
        text=update.text.strip(),
        action=update.action.title if update.action_id else "",
    )


def _status_counts(recommendations: QuerySet[Recommendation]) -> list[tuple[str, int]]:
    counts = dict.fromkeys(ImplementationStatus.values, 0)
    for status in recommendations.values_list("implementation_status", flat=True):
        counts[status] += 1
    return [(str(ImplementationStatus(status).label), count) for status, count in counts.items()]


def _date(value) -> str:
    return formats.date_format(value, "DATE_FORMAT")


# The progress report ------------------------------------------------------------------------------------------------


def progress_document(*, report: GeneratedReport, progress: Progress = lambda fraction: None) -> Document:
    """A progress report: the counts by implementation status, then each recommendation of the review or the
    institution with its status, its institutions and its validated progress."""
    recommendations = scope_recommendations(report)
    institution_id = report.institution_id
    updates = validated_updates(recommendations=recommendations, institution_id=institution_id)
    progress(0.3)
    assignments: dict[int, list[Assignment]] = defaultdict(list)
    chosen = Assignment.objects.filter(recommendation__in=recommendations).select_related("institution")
    if institution_id:
        # An institution's report names its own assignments only: it is read by the institution's members, who
        # may not see the others'.
        chosen = chosen.filter(institution_id=institution_id)
    for assignment in chosen.order_by("role", "institution__code"):
        assignments[assignment.recommendation_id].append(assignment)
    entries = []
    rows = _ordered(recommendations.select_related("document", "mechanism"))
    for recommendation in rows:
        entries.append(
            RecommendationEntry(
                pk=recommendation.pk,
                label=_label(recommendation),
                source=_source(recommendation),
                text=recommendation.text,
                status=recommendation.get_implementation_status_display(),
                lines=_assignment_lines(assignments[recommendation.pk]),
                updates=updates.get(recommendation.pk, []),
            )
        )
    progress(0.5)
    with_progress = sum(1 for entry in entries if entry.updates)
    return Document(
        kind=GeneratedReport.Kind.PROGRESS,
        language=report.language,
        title=_("Progress report"),
        subtitle=scope_name(report),
        notes=[
            _("Generated by Rasd on %(date)s.") % {"date": isolated(_date(timezone.localdate()))},
            _(
                "Only validated progress updates and the implementation statuses decided by the coordinator are "
                "included."
            ),
            ngettext(
                "%(count)s recommendation, %(reported)s with validated progress.",
                "%(count)s recommendations, %(reported)s with validated progress.",
                len(entries),
            )
            % {"count": len(entries), "reported": with_progress},
        ],
        counts_title=_("Recommendations by implementation status"),
        counts=_status_counts(recommendations),
        recommendations=entries,
    )


def _assignment_lines(assignments: list[Assignment]) -> list[str]:
    lines = []
    for assignment in assignments:
        role = _("Lead institution") if assignment.role == Assignment.Role.LEAD else _("Supporting institution")
        line = f"{role}: {assignment.institution.name}"
        if assignment.due_date:
            line += " · " + _("due %(date)s") % {"date": isolated(_date(assignment.due_date))}
        lines.append(line)
    return lines


# The draft report to a mechanism -------------------------------------------------------------------------------------


def draft_document(*, report: GeneratedReport, progress: Progress = lambda fraction: None) -> Document:
    """A draft report to a mechanism on one review: for each cluster (or, for recommendations in none, each theme,
    else national axis) the validated progress on its recommendations, under a heading that cites them
    ("Recommendations 144.12, 144.15 (A/HRC/36/6)"). Recommendations with no validated progress are listed in the
    notes for the drafters, not in the draft."""
    recommendations = scope_recommendations(report)
    updates = validated_updates(recommendations=recommendations)
    progress(0.3)
    rows = _ordered(recommendations.select_related("document", "mechanism"))
    groups = _groups(rows)
    progress(0.4)
    sections, silent, number = [], [], 0
    for title, members in groups:
        reported = [r for r in members if updates.get(r.pk)]
        silent += [r for r in members if not updates.get(r.pk)]
        if not reported:
            continue
        seen, paragraphs = set(), []
        for recommendation in reported:
            for update in updates[recommendation.pk]:
                if update.pk not in seen:  # an action serving two recommendations of the section is told once
                    seen.add(update.pk)
                    # Numbered paragraphs, as in the reports to the UN: the number is part of the text (and counted).
                    number += 1
                    paragraphs.append(f"{number}. {update.text}")
        sections.append(Group(title=title, citation=_citation(reported), paragraphs=paragraphs))
    notes = [
        _("Draft assembled by Rasd on %(date)s from validated progress updates only.")
        % {"date": isolated(_date(timezone.localdate()))},
    ]
    if silent:
        notes.append(
            _("Recommendations without validated progress, not covered by this draft: %(list)s")
            % {"list": _cited_list(_ordered(silent))}
        )
    return Document(
        kind=GeneratedReport.Kind.DRAFT,
        language=report.language,
        title=report.get_mechanism_report_display(),
        subtitle=scope_name(report),
        notes=notes,
        groups=sections,
        word_limit=report.word_limit,
    )


def _groups(recommendations: list[Recommendation]) -> list[tuple[str, list[Recommendation]]]:
    """The recommendations grouped by their first cluster, else their first theme, else their first national axis
    (the axis itself, not the sub-axis), else under "Other recommendations"; groups in the order of their first
    recommendation."""
    ids = [r.pk for r in recommendations]
    first: dict[int, tuple[str, int, str]] = {}
    for cluster in (
        Cluster.objects.filter(recommendations__in=ids).order_by("pk").values("pk", "title", "recommendations")
    ):
        first.setdefault(cluster["recommendations"], ("cluster", cluster["pk"], cluster["title"]))
    themes = {t.pk: t for t in Theme.objects.filter(recommendations__in=ids).distinct()}
    for recommendation_id, theme_id in (
        Recommendation.themes.through.objects.filter(recommendation_id__in=ids)
        .order_by("theme__name_en", "theme_id")
        .values_list("recommendation_id", "theme_id")
    ):
        first.setdefault(recommendation_id, ("theme", theme_id, themes[theme_id].name))
    axes = {a.pk: a for a in NationalAxis.objects.select_related("parent")}
    for recommendation_id, axis_id in (
        Recommendation.national_axes.through.objects.filter(recommendation_id__in=ids)
        .order_by("nationalaxis__position", "nationalaxis__code")
        .values_list("recommendation_id", "nationalaxis_id")
    ):
        axis = axes[axis_id].parent or axes[axis_id]
        first.setdefault(recommendation_id, ("axis", axis.pk, axis.name))
    grouped: dict[tuple, list[Recommendation]] = {}
    other = ("other", 0, _("Other recommendations"))
    for recommendation in recommendations:
        grouped.setdefault(first.get(recommendation.pk, other), []).append(recommendation)
    # "Other recommendations" last.
    return [(key[2], members) for key, members in sorted(grouped.items(), key=lambda item: item[0] == other)]


def _cited_list(recommendations: list[Recommendation]) -> str:
    """The recommendations' numbers, by document: "144.12, 144.15 (A/HRC/36/6); 21 (CAT)"."""
    by_source: dict[str, list[str]] = {}
    for recommendation in recommendations:
        by_source.setdefault(_source(recommendation), []).append(_label(recommendation))
    separator, between = _(", "), _("; ")
    return between.join(
        f"{separator.join(isolated(label) for label in labels)} ({isolated(source)})"
        for source, labels in by_source.items()
    )


def _citation(recommendations: list[Recommendation]) -> str:
    return ngettext("Recommendation %(list)s", "Recommendations %(list)s", len(recommendations)) % {
        "list": _cited_list(recommendations)
    }


# The follow-up matrix ------------------------------------------------------------------------------------------------


def matrix_rows(*, report: GeneratedReport) -> Iterator[dict]:
    """One row per recommendation of the report's review or institution (or every one), as the list's export reads
    them for the requester, with the actions, due dates and latest validated progress update added."""
    from rasd.reports import exports

    filters = {}
    if report.review_id:
        filters["review"] = str(report.review_id)
    if report.institution_id:
        filters["institution"] = report.institution.code
    rows = exports.recommendation_export_rows(filters=filters, visible_to=report.requested_by)
    for chunk in _chunks(rows, exports.CHUNK_SIZE):
        ids = [row["id"] for row in chunk]
        extra = _matrix_extra(ids, report)
        for row in chunk:
            row.update(extra.get(row["id"], {}))
            yield row


def _chunks(rows, size):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _matrix_extra(ids: list[int], report: GeneratedReport) -> dict[int, dict]:
    recommendations = Recommendation.objects.filter(pk__in=ids)
    institution_id = report.institution_id
    language = report.language
    extra: dict[int, dict] = {}
    for values in recommendations.values("pk", "original_language", "text_ar", "text_fr", "text_en"):
        # The text in the report's language, else in the language it was written in.
        text = values[f"text_{language}"] or values.get(f"text_{values['original_language']}", "")
        extra[values["pk"]] = {"text": text, "actions": [], "due_dates": [], "latest_progress": ""}
    actions = Action.objects.filter(recommendations__in=ids)
    if institution_id:
        actions = actions.filter(institution_id=institution_id)
    for action in actions.values("title", "status", "recommendations"):
        label = Action.Status(action["status"]).label
        extra[action["recommendations"]]["actions"].append(f"{action['title']} ({label})")
    assignments = Assignment.objects.filter(recommendation_id__in=ids, due_date__isnull=False)
    if institution_id:
        assignments = assignments.filter(institution_id=institution_id)
    for recommendation_id, due_date in assignments.order_by("due_date").values_list("recommendation_id", "due_date"):
        extra[recommendation_id]["due_dates"].append(due_date.isoformat())
    for recommendation_id, updates in validated_updates(
        recommendations=recommendations, institution_id=institution_id
    ).items():
        latest = updates[-1]
        extra[recommendation_id]["latest_progress"] = f"{latest.date.isoformat()} · {latest.institution}: {latest.text}"
    return extra
