"""What ``manage.py train`` learns from besides the project's files: the labels recommendations carry in the
database — imported with them, or accepted by a coordinator from a suggestion — as engine examples."""

from rasd.followup.models import Assignment
from rasd.intelligence.engine.data import Example, text_group
from rasd.intelligence.engine.features import context_tokens
from rasd.intelligence.engine.labels import Vocabulary, parent, vocabulary
from rasd.recommendations.models import Recommendation, Theme

SOURCE = "Recommendations in the database"


def _codes(
    task: str, recommendation: Recommendation, institutions: dict[int, list[str]], uhri: Vocabulary | None
) -> list[str]:
    if task == "upr-issues":
        return [t.code for t in recommendation.themes.all() if t.vocabulary == Theme.Vocabulary.UPR_INFO]
    if task == "action-category":
        return [str(recommendation.action_category)] if recommendation.action_category else []
    if task in ("sdg-goals", "sdg-targets"):
        return sorted({str(t.goal.number) for t in recommendation.sdg_targets.all()})
    if task == "national-axes":
        codes = [a.code for a in recommendation.national_axes.all()]
        return list(dict.fromkeys([parent(c) for c in codes] + codes))
    if task == "institutions":
        return institutions.get(recommendation.pk, [])
    if task == "affected-persons":
        # An older UHRI spelling ("Migrants & domestic workers") is the group as UHRI names it now ("Migrants").
        return sorted({uhri.code_or_own(p.code) for p in recommendation.affected_persons.all()})
    if task == "uhri-themes":
        # Only the UHRI vocabulary: a UPR Info issue is a ``Theme`` too, but a label of ``upr-issues``.
        return sorted(
            {uhri.code_or_own(t.code) for t in recommendation.themes.all() if t.vocabulary == Theme.Vocabulary.UHRI}
        )
    raise ValueError(f"unknown task {task!r}")


def database_examples(task: str) -> list[Example]:
    """One example per text (ar, fr, en) of each recommendation that carries labels of ``task``; the texts of one
    recommendation are one group, with its context (mechanism, recommending states). For ``sdg-targets`` and
    ``sdg-goals`` the labels are the goals of its targets; for ``affected-persons`` its groups under the names UHRI
    gives them now, and for ``uhri-themes`` its themes of the UHRI vocabulary likewise."""
    recommendations = Recommendation.objects.select_related("mechanism").prefetch_related(
        "themes", "sdg_targets__goal", "national_axes", "affected_persons", "recommending_states"
    )
    uhri = vocabulary(task) if task in ("affected-persons", "uhri-themes") else None
    institutions: dict[int, list[str]] = {}
    if task == "institutions":
        for rec_id, code in Assignment.objects.values_list("recommendation_id", "institution__code"):
            institutions.setdefault(rec_id, []).append(code)
        recommendations = recommendations.filter(pk__in=institutions)
    out = []
    for recommendation in recommendations.iterator(chunk_size=2000):
        codes = _codes(task, recommendation, institutions, uhri)
        if not codes:
            continue
        context = context_tokens(
            {
                "mechanism": recommendation.mechanism.code,
                "recommending_states": [s.iso3 for s in recommendation.recommending_states.all()],
            }
        )
        for language in ("ar", "fr", "en"):
            if text := getattr(recommendation, f"text_{language}").strip():
                out.append(Example(text, language, tuple(codes), f"rec-{recommendation.pk}", SOURCE, context))
    return out


def examples_merge(files: list[Example], database: list[Example]) -> list[Example]:
    """The files' examples and the database's; where a text is in both, the database's labels win (a coordinator
    may have accepted more labels for an imported recommendation)."""
    known = {text_group(e.text) for e in database}
    return [e for e in files if text_group(e.text) not in known] + database
