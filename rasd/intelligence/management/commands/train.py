from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from rasd.intelligence.engine import TRAINED_DIR, classifier_forget, data
from rasd.intelligence.engine.data import Example, text_group
from rasd.intelligence.training import database_examples, examples_merge

from ._files import add_input_arguments, add_task_argument, gold_labels, languages_of, rows_read, text_of


class Command(BaseCommand):
    help = (
        "Train the classifier of a task and write it with its model card (training data, date, held-out metrics "
        "per language) to rasd/intelligence/trained/. It learns from the project's labelled files (or --input) "
        "and from the labels recommendations carry in the database, accepted suggestions included."
    )

    def add_arguments(self, parser):
        add_task_argument(parser)
        add_input_arguments(parser, labels=True, required=False)
        parser.add_argument("--output-dir", type=Path, default=TRAINED_DIR, help="where to write the model files")
        parser.add_argument(
            "--no-database", action="store_true", help="learn from the files only, not from the database's labels"
        )

    def handle(self, *args, task, output_dir, no_database, **options):
        # Training needs scikit-learn, which predicting does not: imported here only.
        from rasd.intelligence.engine.train import train, train_targets

        goals_task = "sdg-goals" if task == "sdg-targets" else task
        examples = self._file_examples(goals_task, options)
        if not no_database:
            try:
                from_database = database_examples(goals_task)
            except DatabaseError as exc:
                raise CommandError(
                    f"Cannot read the labels in the database ({exc}): run manage.py migrate, or train with "
                    "--no-database."
                ) from None
            self.stdout.write(f"{len(from_database)} labelled texts from the database.")
            examples = examples_merge(examples, from_database)
        if not examples:
            raise CommandError(f"No labelled texts for {task}.")
        log = self.stdout.write
        classifier = train(goals_task, examples, log=log)
        if task == "sdg-targets":
            classifier = train_targets(classifier, log=log)
        for path in classifier.save(output_dir):
            self.stdout.write(f"Wrote {path}")
        classifier_forget(task)

    def _file_examples(self, task: str, options) -> list[Example]:
        if not options["input"]:
            return data.project_examples(task)
        if not options["text_column"] or not options["label_column"]:
            raise CommandError("--input needs --text-column and --label-column.")
        _header, rows = rows_read(options["input"], [options["text_column"], options["label_column"]])
        texts = [text_of(row, options["text_column"]) for row in rows]
        gold = gold_labels(task, rows, options["label_column"], options["label_separator"])
        languages = languages_of(texts, options["language"])
        name = options["input"].name
        return [
            Example(text, language, tuple(sorted(codes)), text_group(text), name)
            for text, language, codes in zip(texts, languages, gold)
            if text and codes
        ]
