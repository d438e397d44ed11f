"""Classification suggestions, without Django: trained models of the eight tasks and their prediction.

``classifier_load(task)`` reads ``rasd/intelligence/trained/<task>.json`` and ``.npz`` (made by ``manage.py train``)
once per process. Training (``train``) needs scikit-learn; loading and predicting need numpy and scipy, and the
sentence encoder of ``rasd.semantic.engine`` — nothing is downloaded.
"""

import threading
from pathlib import Path

from rasd.semantic.engine import MODEL_NAME

from .model import Classifier

TASKS = (
    "upr-issues",
    "action-category",
    "sdg-goals",
    "sdg-targets",
    "national-axes",
    "institutions",
    "affected-persons",
    "uhri-themes",
)
TRAINED_DIR = Path(__file__).resolve().parent.parent / "trained"

__all__ = ["TASKS", "TRAINED_DIR", "Classifier", "ModelMissing", "classifier_load"]


class ModelMissing(Exception):
    """No trained model of this task where it was looked for (``manage.py train --task TASK`` makes one)."""


_loaded: dict[tuple[str, str], Classifier] = {}
_lock = threading.Lock()


def classifier_load(task: str, *, directory: Path | None = None) -> Classifier:
    """The trained classifier of ``task`` (one of ``TASKS``), read once per process and directory."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; one of {', '.join(TASKS)}")
    directory = Path(directory or TRAINED_DIR)
    key = (task, str(directory))
    with _lock:
        if key not in _loaded:
            if not (directory / f"{task}.json").exists() or not (directory / f"{task}.npz").exists():
                raise ModelMissing(f"no trained model of {task} in {directory}")
            classifier = Classifier.load(directory, task)
            if classifier.embedding_model != MODEL_NAME:
                # Its weights read the vectors of another encoder (or release): they would mean nothing here.
                raise ModelMissing(
                    f"the model of {task} in {directory} was trained on {classifier.embedding_model} vectors, "
                    f"this install computes {MODEL_NAME}"
                )
            _loaded[key] = classifier
        return _loaded[key]


def classifier_forget(task: str | None = None) -> None:
    """Read the model files again on next use (after ``train`` wrote new ones)."""
    with _lock:
        for key in [k for k in _loaded if task in (None, k[0])]:
            del _loaded[key]
