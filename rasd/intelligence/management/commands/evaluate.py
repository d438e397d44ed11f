from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from rasd.intelligence.engine import ModelMissing, classifier_load
from rasd.intelligence.engine.evaluation import confidences, measure

from ._files import (
    add_context_argument,
    add_input_arguments,
    add_task_argument,
    contexts_of,
    gold_labels,
    languages_of,
    rows_read,
    text_of,
)


class Command(BaseCommand):
    help = (
        "Measure a shipped model on labelled texts of a CSV file: prints precision, recall, micro_f1, macro_f1, "
        "top1_accuracy and recall_at_3, one 'name: value' per line. Labels are spelt as in the task's data (codes, "
        "ids or names); a spelling that is no label of the task stops it with an error. Rows without text or "
        "without labels are left out."
    )

    def add_arguments(self, parser):
        add_task_argument(parser)
        add_input_arguments(parser, labels=True)
        add_context_argument(parser)

    def handle(
        self, *args, task, input, text_column, label_column, label_separator, language, mechanism_column, **options
    ):
        _header, rows = rows_read(input, [text_column, label_column, *([mechanism_column] if mechanism_column else [])])
        gold = gold_labels(task, rows, label_column, label_separator)
        contexts = contexts_of(rows, mechanism_column) or [None] * len(rows)
        kept = [
            (text_of(row, text_column), g, context)
            for row, g, context in zip(rows, gold, contexts)
            if text_of(row, text_column) and g
        ]
        if not kept:
            raise CommandError(f"{input}: no row has both a text and labels.")
        try:
            classifier = classifier_load(task)
        except ModelMissing as exc:
            raise CommandError(f"{exc}. Run: manage.py train --task {task}") from None
        texts = [t for t, _, _ in kept]
        languages = languages_of(texts, language)
        given = [c for _, _, c in kept] if mechanism_column else None
        with tqdm(total=len(texts), desc=task, unit="texts", file=self.stderr._out, dynamic_ncols=True) as bar:
            p, chosen = confidences(classifier, texts, languages, progress=bar.update, contexts=given)
        metrics = measure(task, classifier.labels, [g for _, g, _ in kept], p, chosen)
        self.stdout.write(f"task: {task}")
        counts = {lang: languages.count(lang) for lang in dict.fromkeys(languages)}
        self.stdout.write("languages: " + ", ".join(f"{lang} {n}" for lang, n in counts.items()))
        for name, value in metrics.items():
            self.stdout.write(f"{name}: {value}" if name.endswith("texts") else f"{name}: {value:.4f}")
