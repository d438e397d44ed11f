import csv

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from rasd.intelligence.engine import ModelMissing, classifier_load
from rasd.intelligence.engine.evaluation import confidences
from rasd.intelligence.engine.labels import vocabulary
from rasd.intelligence.engine.model import TOP

from ._files import (
    add_context_argument,
    add_input_arguments,
    add_task_argument,
    contexts_of,
    languages_of,
    rows_read,
    text_of,
)

COLUMNS = ("language", "suggested_labels", "suggested_names", "scores")


class Command(BaseCommand):
    help = (
        "Suggest labels for the texts of a CSV file with a shipped model. Writes the input rows plus: language "
        "(ar, fr or en), suggested_labels (the codes the model assigns, ' | '-joined), suggested_names (their "
        "names), scores (the five most probable labels as code=confidence, highest first)."
    )

    def add_arguments(self, parser):
        add_task_argument(parser)
        add_input_arguments(parser, labels=False)
        add_context_argument(parser)
        parser.add_argument("--output", required=True, help="the CSV file to write")

    def handle(self, *args, task, input, text_column, language, output, mechanism_column, **options):
        header, rows = rows_read(input, [text_column, *([mechanism_column] if mechanism_column else [])])
        try:
            classifier = classifier_load(task)
        except ModelMissing as exc:
            raise CommandError(f"{exc}. Run: manage.py train --task {task}") from None
        clashing = [c for c in COLUMNS if c in header]
        if clashing:
            raise CommandError(f"{input} already has the column(s) {', '.join(clashing)} that suggest writes.")
        texts = [text_of(row, text_column) for row in rows]
        languages = languages_of(texts, language)
        present = [i for i, text in enumerate(texts) if text]
        contexts = contexts_of(rows, mechanism_column)
        with tqdm(total=len(present), desc=task, unit="texts", file=self.stderr._out, dynamic_ncols=True) as bar:
            found, found_chosen = confidences(
                classifier,
                [texts[i] for i in present],
                [languages[i] for i in present],
                progress=bar.update,
                contexts=[contexts[i] for i in present] if contexts else None,
            )
        p = np.zeros((len(texts), len(classifier.labels)), np.float32)
        chosen = np.zeros(p.shape, bool)
        p[present], chosen[present] = found, found_chosen
        names = vocabulary(task).names
        labels = classifier.labels
        try:
            with open(output, "w", encoding="utf-8", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=[*header, *COLUMNS])
                writer.writeheader()
                for i, row in enumerate(rows):
                    if not texts[i]:
                        writer.writerow(
                            {**row, "language": "", "suggested_labels": "", "suggested_names": "", "scores": ""}
                        )
                        continue
                    order = sorted(range(len(labels)), key=lambda j: -p[i, j])
                    assigned = [labels[j] for j in order if chosen[i, j]]
                    writer.writerow(
                        {
                            **row,
                            "language": languages[i],
                            "suggested_labels": " | ".join(assigned),
                            "suggested_names": " | ".join(names.get(c, c) for c in assigned),
                            "scores": " | ".join(
                                f"{labels[j]}={p[i, j]:.3f}" for j in order[: max(TOP, len(assigned))]
                            ),
                        }
                    )
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc}") from None
        self.stdout.write(f"Wrote {len(rows)} rows to {output}.")
