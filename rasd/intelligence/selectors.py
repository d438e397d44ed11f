"""Reads of the intelligence app: a recommendation's near-duplicates and how often its ask recurs; the
suggestions waiting in the review queue, those accepted, and the cards of the shipped models."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy

from rasd.core.models import Language
from rasd.institutions.models import Institution
from rasd.intelligence.engine.labels import uhri_names
from rasd.intelligence.models import DuplicateMembership, Suggestion
from rasd.recommendations.models import (
    ActionCategory,
    AffectedPerson,
    NationalAxis,
    Recommendation,
    SdgGoal,
    SdgTarget,
    Theme,
)

__all__ = [
    "LabelName",
    "ModelCard",
    "RecommendationSuggestions",
    "Recurrence",
    "label_names",
    "model_cards",
    "model_method",
    "recommendation_suggestions",
    "recurrence",
    "suggestion_labels_pending",
    "suggestions_named",
    "suggestions_pending",
]


@dataclass(frozen=True)
class Recurrence:
    """The group a recommendation belongs to, seen from it.

    ``count`` is the number of distinct reviews (a UPR cycle, a treaty body's session, a visit) in which the ask
    was made: ten states recommending one text in one UPR session count once, the same ask again in the next cycle
    twice. A member without a review counts as a review of its own. ``first_year``: the earliest year of a member
    (its own, else its review's); None when no member has one.
    """

    members: list[Recommendation]  # the others, earliest first
    similarity: float
    count: int
    first_year: int | None

    @property
    def recurs(self) -> bool:
        return self.count > 1

    @property
    def label(self) -> str:
        if self.first_year is None:
            return ngettext("Recurring %(count)s time", "Recurring %(count)s times", self.count) % {"count": self.count}
        return ngettext(
            "Recurring since %(year)s, %(count)s time", "Recurring since %(year)s, %(count)s times", self.count
        ) % {"year": self.first_year, "count": self.count}


def _year(recommendation: Recommendation) -> int | None:
    return recommendation.year or (recommendation.review.year if recommendation.review else None)


def recurrence(recommendation: Recommendation) -> Recurrence | None:
    """The recommendation's near-duplicate group, as ``Recurrence``; None when it is in none."""
    membership = DuplicateMembership.objects.filter(recommendation=recommendation).select_related("group").first()
    if membership is None:
        return None
    everyone = list(
        Recommendation.objects.filter(duplicate_membership__group=membership.group_id)
        .select_related("mechanism", "review", "state")
        .order_by("year", "pk")
    )
    occasions = {("review", r.review_id) if r.review_id else ("recommendation", r.pk) for r in everyone}
    years = [year for year in map(_year, everyone) if year]
    return Recurrence(
        members=[r for r in everyone if r.pk != recommendation.pk],
        similarity=membership.group.similarity,
        count=len(occasions),
        first_year=min(years) if years else None,
    )


# Suggestions --------------------------------------------------------------------------------------------------------

Task = Suggestion.Task
Status = Suggestion.Status
# The minimum confidences the review queue offers, highest first ("" in the queue: any).
CONFIDENCE_STEPS = (0.9, 0.8, 0.7, 0.5)


def suggestions_pending(
    *, task: str = "", label: str = "", min_confidence: float | None = None, mechanism: str = ""
) -> QuerySet[Suggestion]:
    """The suggestions waiting for a decision that match the review queue's filters, most confident first.
    ``label`` is the label's code in ``task``; ``mechanism`` a mechanism's code."""
    found = Suggestion.objects.filter(status=Status.PENDING)
    if task:
        found = found.filter(task=task)
    if label:
        found = found.filter(label=label)
    if min_confidence:
        found = found.filter(confidence__gte=min_confidence)
    if mechanism:
        found = found.filter(recommendation__mechanism__code=mechanism)
    return found.order_by("-confidence", "id")


def suggestion_labels_pending(*, task: str = "") -> list[tuple[str, str, int]]:
    """(task, label, pending suggestions) of every label waiting for a decision (of ``task``), for the queue's
    label filter."""
    found = Suggestion.objects.filter(status=Status.PENDING)
    if task:
        found = found.filter(task=task)
    rows = found.values_list("task", "label").annotate(count=Count("id")).order_by("task", "label")
    return [(t, code, count) for t, code, count in rows]


def _action_category_name(code: str) -> str | None:
    try:
        return str(ActionCategory(int(code)).label)
    except ValueError:
        return None


@dataclass(frozen=True)
class LabelName:
    """A label as readers see it: its ``code`` where the code is part of how it is known ("16.3", "2.1"; "" when
    the name says it all) and its ``name`` in the active language."""

    code: str
    name: str

    def __str__(self) -> str:
        return f"{self.code} {self.name}" if self.code else self.name


def label_names(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], LabelName]:
    """The name, in the active language, of each (task, label code); a code unknown to this install is named by
    itself."""
    codes: dict[str, set[str]] = defaultdict(set)
    for task, code in pairs:
        codes[task].add(code)
    names: dict[tuple[str, str], LabelName] = {}
    if codes[Task.UPR_ISSUES]:
        for theme in Theme.objects.filter(vocabulary=Theme.Vocabulary.UPR_INFO, code__in=codes[Task.UPR_ISSUES]):
            names[Task.UPR_ISSUES, theme.code] = LabelName("", theme.name)
    for code in codes[Task.ACTION_CATEGORY]:
        name = _action_category_name(code)
        if name:
            names[Task.ACTION_CATEGORY, code] = LabelName("", name)
    numbers = {int(c) for c in codes[Task.SDG_GOALS] if c.isdigit()}
    for goal in SdgGoal.objects.filter(number__in=numbers):
        names[Task.SDG_GOALS, str(goal.number)] = LabelName(str(goal.number), goal.short)
    for target in SdgTarget.objects.filter(code__in=codes[Task.SDG_TARGETS]):
        names[Task.SDG_TARGETS, target.code] = LabelName(target.code, target.title)
    for axis in NationalAxis.objects.filter(code__in=codes[Task.NATIONAL_AXES]):
        names[Task.NATIONAL_AXES, axis.code] = LabelName(axis.code, axis.name)
    for institution in Institution.objects.filter(code__in=codes[Task.INSTITUTIONS]):
        names[Task.INSTITUTIONS, institution.code] = LabelName("", institution.name)
    uhri = (
        (Task.AFFECTED_PERSONS, AffectedPerson, AffectedPerson.objects.all()),
        # UHRI themes are read from the UHRI vocabulary only: UPR Info issues are themes too.
        (Task.UHRI_THEMES, Theme, Theme.objects.filter(vocabulary=Theme.Vocabulary.UHRI)),
    )
    for task, model, records in uhri:
        if not codes[task]:
            continue
        # A record names its label where it has a name; the reference file fills the languages an import left blank.
        reference = uhri_names(task)
        by_code = {record.code.casefold(): record for record in records}
        for code in codes[task]:
            fields = dict(reference.get(code, {}))
            if record := by_code.get(code.casefold()):
                fields.update({f: getattr(record, f) for f in ("name_en", "name_fr", "name_ar") if getattr(record, f)})
            if fields:
                names[task, code] = LabelName("", model(**fields).name)
    return {
        (task, code): names.get((task, code)) or LabelName("", code) for task, found in codes.items() for code in found
    }


def suggestions_named(suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """The suggestions, each with ``label_name`` set (in the active language)."""
    suggestions = list(suggestions)
    names = label_names((s.task, s.label) for s in suggestions)
    for suggestion in suggestions:
        suggestion.label_name = names[suggestion.task, suggestion.label]
    return suggestions


@dataclass(frozen=True)
class RecommendationSuggestions:
    accepted: list[Suggestion]  # with decided_by, by task (in the order of Suggestion.Task), most confident first
    pending: list[Suggestion]


def recommendation_suggestions(recommendation: Recommendation) -> RecommendationSuggestions:
    """The labels accepted for a recommendation from suggestions, and those still waiting, named."""
    rows = suggestions_named(
        Suggestion.objects.filter(recommendation=recommendation)
        .exclude(status=Status.REJECTED)
        .select_related("decided_by")
        .order_by("-confidence", "id")
    )
    order = {task: i for i, task in enumerate(Task.values)}
    rows.sort(key=lambda s: order[s.task])  # stable: by task as the tasks are listed, most confident first
    return RecommendationSuggestions(
        accepted=[s for s in rows if s.status == Status.ACCEPTED],
        pending=[s for s in rows if s.status == Status.PENDING],
    )


@dataclass(frozen=True)
class ModelCard:
    task: str
    task_name: str
    card: dict | None  # the shipped model's card (rasd.intelligence.engine), None when no model ships for the task
    method: str = ""  # how the model works, in the active language (``model_method``)

    @property
    def trained_at(self) -> datetime.datetime | datetime.date | None:
        value = (self.card or {}).get("trained_at")
        if not value:
            return None
        try:
            return datetime.datetime.fromisoformat(str(value))
        except ValueError:
            return None

    @property
    def training_data(self) -> list[dict]:
        """The card's training sets, each with ``language_names`` for its language codes."""
        return [
            {**data, "language_names": [_language_name(code) for code in data.get("languages") or ()]}
            for data in (self.card or {}).get("training_data") or ()
        ]

    @property
    def metric_languages(self) -> list[str]:
        """The names of the languages (or "all languages") the model was measured in, as the table's columns."""
        return [_language_name(code) for code in (self.card or {}).get("metrics") or {}]

    @property
    def metric_rows(self) -> list[tuple[str, list[float | None]]]:
        """(metric, its value in each of ``metric_languages``) for each metric recorded."""
        metrics = (self.card or {}).get("metrics") or {}
        names: list[str] = []
        for values in metrics.values():
            names.extend(name for name in values if name not in names)
        return [(_measure_name(name), [values.get(name) for values in metrics.values()]) for name in names]


# The measures the engine records, named for readers; one it records under another name is shown as it is.
MEASURES = {
    "precision": gettext_lazy("Precision"),
    "recall": gettext_lazy("Recall"),
    "micro_f1": gettext_lazy("Micro-F1"),
    "macro_f1": gettext_lazy("Macro-F1"),
    "top1_accuracy": gettext_lazy("Top-1 accuracy"),
    "recall_at_3": gettext_lazy("Recall at 3"),
    "texts": gettext_lazy("Texts measured"),
}
MEASURE_PARTS = {"sub_axes_": gettext_lazy("Sub-axes: %(measure)s"), "goals_": gettext_lazy("Goals: %(measure)s")}


def _measure_name(name: str) -> str:
    for prefix, part in MEASURE_PARTS.items():
        if name.startswith(prefix) and name[len(prefix) :] in MEASURES:
            return str(part) % {"measure": MEASURES[name[len(prefix) :]]}
    return str(MEASURES.get(name, name))


def _language_name(code: str) -> str:
    if code == "all":
        return gettext("All languages")
    return str(Language(code).label) if code in Language.values else code


# What a model's term part reads (``term_kinds`` of its configuration), named for readers.
TERM_KINDS = {
    "terms": pgettext_lazy("what a model reads", "terms"),
    "openings": pgettext_lazy("what a model reads", "opening words"),
    "letters": pgettext_lazy("what a model reads", "sequences of 2 to 5 letters"),
}


def _listed(items: list[str]) -> str:
    """``items`` as a list in running text: "Arabic, English and French"."""
    if len(items) < 2:
        return "".join(items)
    return gettext("%(items)s and %(last)s") % {"items": gettext(", ").join(items[:-1]), "last": items[-1]}


def model_method(*, config: dict, multi_label: bool) -> str:
    """How a trained model works, in the active language, from its configuration (``Classifier.config``).

    The card written at training time says the same in English for the command line and the benchmark; this is
    what a reader of the page gets, whatever the language of the page."""
    if "goals" in config:  # sdg-targets: made from the goal model, without labelled targets
        return gettext(
            "No labelled targets: the SDG goal model's probability of the target's goal times the softmax, among "
            "that goal's targets, of the cosine between the text and the target's text (embeddings in "
            "%(languages)s). Metrics are the goal model's, at goal level."
        ) % {"languages": _listed([_language_name(code) for code in ("ar", "fr", "en")])}
    mix = float(config.get("mix", 0.0))
    languages = config.get("term_languages") or []
    if mix and languages:
        kinds = [str(TERM_KINDS.get(kind, kind)) for kind in config.get("term_kinds") or ["terms"]]
        sentences = [
            gettext(
                "Logistic regression on multilingual sentence embeddings (USE multilingual v3, centred by "
                "language), mixed (%(mix)s) with logistic regression on TF-IDF %(kinds)s in %(languages)s."
            )
            % {
                "mix": number_format(mix, decimal_pos=1),
                "kinds": _listed(kinds),
                "languages": _listed([_language_name(code) for code in languages]),
            }
        ]
    else:
        sentences = [
            gettext(
                "Logistic regression on multilingual sentence embeddings (USE multilingual v3, centred by language)."
            )
        ]
    if multi_label:
        sentences.append(gettext("Per-label thresholds chosen on a validation split."))
    if config.get("parent_max"):
        sentences.append(gettext("An axis is at least as probable as its sub-axes."))
    if not multi_label:
        sentences.append(gettext("The most probable label, after per-label biases chosen on a validation split."))
    if config.get("context_vocabulary"):
        sentences.append(
            gettext(
                "Both parts also read who made the recommendation (mechanism, its kind, recommending states) when "
                "given, trained with and without it."
            )
        )
    return " ".join(sentences)


def model_cards() -> list[ModelCard]:
    """For each classification task, the card of the model this install ships."""
    from rasd.intelligence.engine import ModelMissing, classifier_load

    cards = []
    for task, name in Task.choices:
        try:
            classifier = classifier_load(task)
            card = classifier.card
        except ModelMissing:
            card, method = None, ""
        else:
            config = getattr(classifier, "config", None)
            method = (
                model_method(config=config, multi_label=classifier.multi_label)
                if config is not None
                else card.get("method", "")  # a classifier that does not say how it was built: its card's words
            )
        cards.append(ModelCard(task=task, task_name=str(name), card=card, method=method))
    return cards
