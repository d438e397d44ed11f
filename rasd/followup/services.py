"""Writes of the follow-up. Each service checks the writer's permission (``rasd.followup.policies``), changes the
records inside one transaction, and records who changed what in the history — so the web pages, the API and the
commands behave identically.

Edits of an existing record take the ``version`` the writer read (``rasd.core.versioning``): a record changed by
someone else in between raises ``EditConflict`` and nothing is written. Permission refusals raise
``PermissionDenied``; invalid values raise ``ValidationError`` naming the field.
"""

import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasd.accounts.models import User
from rasd.core.edits import record_create, record_update, values_split
from rasd.core.history import history_record
from rasd.core.models import HistoryEntry
from rasd.core.versioning import version_claim
from rasd.followup import evidence as evidence_files
from rasd.followup.models import (
    Action,
    Assignment,
    Evidence,
    Indicator,
    IndicatorValue,
    ProgressUpdate,
    Report,
)
from rasd.followup.policies import (
    can_approve,
    can_assign,
    can_edit_action,
    can_edit_indicator,
    can_edit_report,
    can_plan_for,
    can_report_on_action,
    can_report_on_indicator,
    can_report_on_recommendation,
    can_return,
    can_set_implementation_status,
    can_submit,
    can_validate,
    require,
)
from rasd.institutions.models import Institution
from rasd.recommendations.models import Cluster, ImplementationStatus, Recommendation

Status = Report.Status

ACTION_FIELDS = (
    "title",
    "description",
    "institution",
    "start_date",
    "end_date",
    "budget_amount",
    "budget_currency",
    "budget_source",
    "status",
    "objective",
)
ACTION_LINKS = ("supporting_institutions", "recommendations", "clusters")
INDICATOR_FIELDS = (
    "kind",
    "title",
    "definition",
    "unit",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_year",
    "data_source",
    "disaggregation",
    "reporting_frequency",
    "institution",
)
INDICATOR_LINKS = ("recommendations", "clusters", "actions")
PROGRESS_UPDATE_FIELDS = ("text", "date", "proposed_status")
INDICATOR_VALUE_FIELDS = ("value", "date", "note")


# Assignments -------------------------------------------------------------------------------------------------------


@transaction.atomic
def assignments_create(
    *,
    by: User,
    lead: Institution,
    recommendations: Iterable[Recommendation] = (),
    clusters: Iterable[Cluster] = (),
    supporting: Iterable[Institution] = (),
    due_date=None,
) -> list[Assignment]:
    """Give recommendations (and every recommendation of the clusters) to a lead institution and supporting ones.

    An institution already assigned to a recommendation keeps its assignment, with the new role and due date; the
    history records each assignment made or changed.
    """
    require(can_assign(by))
    recommendation_ids = {r.pk for r in recommendations}
    recommendation_ids |= set(Recommendation.objects.filter(clusters__in=list(clusters)).values_list("pk", flat=True))
    if not recommendation_ids:
        raise ValidationError({"recommendations": _("Choose at least one recommendation or cluster.")})
    supporting = [i for i in supporting if i.pk != lead.pk]
    roles = {lead.pk: Assignment.Role.LEAD, **{i.pk: Assignment.Role.SUPPORTING for i in supporting}}
    existing = {
        (a.recommendation_id, a.institution_id): a
        for a in Assignment.objects.filter(recommendation_id__in=recommendation_ids, institution_id__in=roles)
    }
    written = []
    for recommendation_id in sorted(recommendation_ids):
        for institution_id, role in roles.items():
            assignment = existing.get((recommendation_id, institution_id))
            if assignment is None:
                assignment = Assignment.objects.create(
                    recommendation_id=recommendation_id,
                    institution_id=institution_id,
                    role=role,
                    due_date=due_date,
                    assigned_by=by,
                )
                changes = {"institution": (None, institution_id), "role": (None, role), "due_date": (None, due_date)}
                history_record(instance=assignment, action=HistoryEntry.Action.CREATED, changes=changes, actor=by)
            elif (assignment.role, assignment.due_date) != (role, due_date):
                assignment = record_update(
                    assignment, by=by, version=assignment.version, fields={"role": role, "due_date": due_date}, links={}
                )
            written.append(assignment)
    return written


@transaction.atomic
def assignment_update(*, assignment: Assignment, by: User, version: int, **values) -> Assignment:
    """Change the role or due date of one assignment."""
    require(can_assign(by))
    fields, _links = values_split(values, ("role", "due_date"), ())
    return record_update(assignment, by=by, version=version, fields=fields, links={})


@transaction.atomic
def assignment_delete(*, assignment: Assignment, by: User) -> None:
    require(can_assign(by))
    history_record(
        instance=assignment,
        action=HistoryEntry.Action.DELETED,
        changes={"institution": (assignment.institution_id, None), "role": (assignment.role, None)},
        actor=by,
    )
    assignment.delete()


# Implementation status ---------------------------------------------------------------------------------------------


@transaction.atomic
def recommendation_status_set(
    *, recommendation: Recommendation, by: User, version: int, status: str, justification: str
) -> Recommendation:
    """Decide the implementation status of a recommendation: a coordinator, always with a justification.

    The status is the coordinator's judgement of the whole recommendation, distinct from "an action was reported":
    it never changes by itself when an update is validated.
    """
    require(can_set_implementation_status(by))
    justification = (justification or "").strip()
    if status not in ImplementationStatus.values:
        raise ValidationError({"status": _("Choose a valid implementation status.")})
    if not justification:
        raise ValidationError({"justification": _("Explain why the status changes: the justification is required.")})
    before = recommendation.implementation_status
    if status == before:
        raise ValidationError({"status": _("The recommendation already has this status.")})
    version_claim(instance=recommendation, expected=version)
    recommendation.implementation_status = status
    recommendation.save(update_fields=["implementation_status", "updated_at"])
    history_record(
        instance=recommendation,
        action=HistoryEntry.Action.UPDATED,
        changes={"implementation_status": (before, status)},
        actor=by,
        note=justification,
    )
    return recommendation


# Actions and indicators --------------------------------------------------------------------------------------------


@transaction.atomic
def action_create(*, by: User, **values) -> Action:
    """A new action. ``values``: the fields of ``ACTION_FIELDS`` and the links of ``ACTION_LINKS``."""
    fields, links = values_split(values, ACTION_FIELDS, ACTION_LINKS)
    institution = fields.get("institution")
    require(can_plan_for(by, institution.pk if institution else None))
    return record_create(Action, by=by, fields=fields, links=links, created_by=by)


@transaction.atomic
def action_update(*, action: Action, by: User, version: int, **values) -> Action:
    require(can_edit_action(by, action))
    fields, links = values_split(values, ACTION_FIELDS, ACTION_LINKS)
    if "institution" in fields:  # handing an action to another institution is the coordinator's decision
        require(can_plan_for(by, fields["institution"].pk))
    return record_update(action, by=by, version=version, fields=fields, links=links)


@transaction.atomic
def indicator_create(*, by: User, **values) -> Indicator:
    fields, links = values_split(values, INDICATOR_FIELDS, INDICATOR_LINKS)
    institution = fields.get("institution")
    require(can_plan_for(by, institution.pk if institution else None))
    return record_create(Indicator, by=by, fields=fields, links=links, created_by=by)


@transaction.atomic
def indicator_update(*, indicator: Indicator, by: User, version: int, **values) -> Indicator:
    require(can_edit_indicator(by, indicator))
    fields, links = values_split(values, INDICATOR_FIELDS, INDICATOR_LINKS)
    if "institution" in fields:
        require(can_plan_for(by, fields["institution"].pk))
    return record_update(indicator, by=by, version=version, fields=fields, links=links)


# Reports: progress updates and indicator values ----------------------------------------------------------------------


@transaction.atomic
def progress_update_create(
    *,
    by: User,
    action: Action | None = None,
    recommendation: Recommendation | None = None,
    files: Iterable[UploadedFile] = (),
    **values,
) -> ProgressUpdate:
    """A draft progress update on an action or a recommendation, with its evidence files, by a focal point."""
    if (action is None) == (recommendation is None):
        raise ValidationError(_("A progress update is about one action or one recommendation."))
    require(can_report_on_action(by, action) if action else can_report_on_recommendation(by, recommendation))
    fields, _links = values_split(values, PROGRESS_UPDATE_FIELDS, ())
    update = record_create(
        ProgressUpdate,
        by=by,
        fields=fields,
        links={},
        action=action,
        recommendation=recommendation,
        institution_id=by.institution_id,
        created_by=by,
    )
    for file in files:
        _evidence_save(report=update, file=file, by=by)
    return update


@transaction.atomic
def indicator_value_create(
    *, by: User, indicator: Indicator, files: Iterable[UploadedFile] = (), **values
) -> IndicatorValue:
    require(can_report_on_indicator(by, indicator))
    fields, _links = values_split(values, INDICATOR_VALUE_FIELDS, ())
    value = record_create(
        IndicatorValue,
        by=by,
        fields=fields,
        links={},
        indicator=indicator,
        institution_id=indicator.institution_id,
        created_by=by,
    )
    for file in files:
        _evidence_save(report=value, file=file, by=by)
    return value


@transaction.atomic
def report_update(*, report: Report, by: User, version: int, **values) -> Report:
    """Change a draft or returned report (its text, date, proposed status, value or note)."""
    require(can_edit_report(by, report))
    names = PROGRESS_UPDATE_FIELDS if isinstance(report, ProgressUpdate) else INDICATOR_VALUE_FIELDS
    fields, _links = values_split(values, names, ())
    return record_update(report, by=by, version=version, fields=fields, links={})


def _evidence_save(*, report: Report, file: UploadedFile, by: User) -> Evidence:
    content_type = evidence_files.evidence_check(file)
    evidence = Evidence(
        token=secrets.token_hex(16),
        name=evidence_files.display_name(file.name),
        content_type=content_type,
        size=file.size,
        uploaded_by=by,
        uploaded_at=timezone.now(),
        **{"progress_update" if isinstance(report, ProgressUpdate) else "indicator_value": report},
    )
    # The file is written last, after every check: a refused report leaves no file behind.
    evidence.file.save(file.name, file, save=False)
    try:
        evidence.save()
        history_record(
            instance=report, action=HistoryEntry.Action.UPDATED, changes={"evidence": (None, evidence.name)}, actor=by
        )
    except BaseException:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def evidence_add(*, report: Report, by: User, version: int, file: UploadedFile) -> Evidence:
    require(can_edit_report(by, report))
    version_claim(instance=report, expected=version)
    return _evidence_save(report=report, file=file, by=by)


@transaction.atomic
def evidence_remove(*, evidence: Evidence, by: User, version: int) -> None:
    report = evidence.report
    require(can_edit_report(by, report))
    version_claim(instance=report, expected=version)
    history_record(
        instance=report, action=HistoryEntry.Action.UPDATED, changes={"evidence": (evidence.name, None)}, actor=by
    )
    name, storage = evidence.file.name, evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))


def _move(report: Report, *, by: User, version: int, to: str, action: str, note: str = "") -> Report:
    version_claim(instance=report, expected=version)
    before = report.status
    report.status = to
    report.return_reason = note if to == Status.RETURNED else report.return_reason
    report.validated_at = timezone.now() if to == Status.VALIDATED else report.validated_at
    report.save(update_fields=["status", "return_reason", "validated_at", "updated_at"])
    history_record(instance=report, action=action, changes={"status": (before, to)}, actor=by, note=note)
    return report


@transaction.atomic
def report_submit(*, report: Report, by: User, version: int) -> Report:
    """Send a draft (or a returned report, corrected) to the institution's validator."""
    require(can_submit(by, report))
    return _move(report, by=by, version=version, to=Status.SUBMITTED, action=HistoryEntry.Action.SUBMITTED)


@transaction.atomic
def report_approve(*, report: Report, by: User, version: int) -> Report:
    """The institution's validator passes a submitted report on to the coordinator."""
    require(can_approve(by, report))
    return _move(report, by=by, version=version, to=Status.APPROVED, action=HistoryEntry.Action.APPROVED)


@transaction.atomic
def report_validate(*, report: Report, by: User, version: int) -> Report:
    """The coordinator accepts an approved report: from now on it counts in statistics and observers see it."""
    require(can_validate(by, report))
    return _move(report, by=by, version=version, to=Status.VALIDATED, action=HistoryEntry.Action.VALIDATED)


@transaction.atomic
def report_return(*, report: Report, by: User, version: int, reason: str) -> Report:
    """Send a report back to its focal point, with the reason: by the validator or by the coordinator."""
    require(can_return(by, report))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report is returned: the reason is required.")})
    return _move(report, by=by, version=version, to=Status.RETURNED, action=HistoryEntry.Action.RETURNED, note=reason)
