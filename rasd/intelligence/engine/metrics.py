"""The measures ``evaluate``, the model cards and the benchmark report, computed one way for all of them."""

from collections.abc import Sequence


def scores(
    gold: Sequence[set[str]], assigned: Sequence[set[str]], ranked: Sequence[Sequence[str]], *, recall_at: int = 3
) -> dict[str, float]:
    """``gold``: each text's true labels; ``assigned``: the labels the model assigns it; ``ranked``: its labels from
    the most to the least probable.

    precision, recall, micro_f1: over every (text, label) pair; macro_f1: the mean F1 of the labels that are
    true or assigned somewhere in the set; top1_accuracy: share of texts whose most probable label is true;
    recall_at_3: mean share of a text's true labels found among its three most probable.
    """
    true_positive = sum(len(g & a) for g, a in zip(gold, assigned))
    n_assigned = sum(len(a) for a in assigned)
    n_gold = sum(len(g) for g in gold)
    precision = true_positive / n_assigned if n_assigned else 0.0
    recall = true_positive / n_gold if n_gold else 0.0
    micro = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    per_label = []
    for label in sorted(set().union(*gold, *assigned)) if gold else []:
        tp = sum(label in g and label in a for g, a in zip(gold, assigned))
        fp = sum(label not in g and label in a for g, a in zip(gold, assigned))
        fn = sum(label in g and label not in a for g, a in zip(gold, assigned))
        per_label.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    scored = [(g, r) for g, r in zip(gold, ranked) if g]
    return {
        "precision": precision,
        "recall": recall,
        "micro_f1": micro,
        "macro_f1": sum(per_label) / len(per_label) if per_label else 0.0,
        "top1_accuracy": sum(bool(r) and r[0] in g for g, r in scored) / len(scored) if scored else 0.0,
        f"recall_at_{recall_at}": sum(len(g & set(r[:recall_at])) / len(g) for g, r in scored) / len(scored)
        if scored
        else 0.0,
        "texts": len(gold),
    }
