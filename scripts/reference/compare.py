"""Instance-list comparison shared by scripts/export_cutler_onnx.py and scripts/reference/parity.py.

Two lists of instances (boxes [N,4] in pixels, scores [N], and a function giving the IoU of the
masks of a reference and a candidate instance) are matched by box IoU, greedily from the reference's best score down, so a reordering of near-equal scores is not
mistaken for a difference. What is reported: how many matched, the largest box coordinate and
score differences over matched pairs, the smallest mask IoU, and the unmatched instances. An
unmatched instance whose score lies within `score_tol` of the lowest score kept by either side is
at the top-100 cut-off (which of two near-equal scores is kept there is a matter of float noise)
and is counted apart from real misses.
"""
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Tolerances:
    box_px: float = 0.01
    score: float = 1e-4
    mask_iou: float = 0.999
    min_match_iou: float = 0.5


@dataclass
class Comparison:
    reference: int
    candidate: int
    matched: int = 0
    box_diff: float = 0.0
    score_diff: float = 0.0
    mask_iou: float = 1.0
    missing: list = field(default_factory=list)      # reference indices with no partner
    extra: list = field(default_factory=list)        # candidate indices with no partner
    at_cutoff: int = 0

    def passes(self, tol):
        return (not self.missing and not self.extra and self.box_diff <= tol.box_px
                and self.score_diff <= tol.score and self.mask_iou >= tol.mask_iou)

    def row(self):
        return (f"{self.reference:>4} {self.candidate:>4} {self.matched:>4} "
                f"{self.box_diff:>10.5f} {self.score_diff:>10.2e} {self.mask_iou:>9.5f} "
                f"{len(self.missing) + len(self.extra):>6} {self.at_cutoff:>6}")


HEADER = f"{'ref':>4} {'ours':>4} {'pair':>4} {'box px':>10} {'score':>10} {'mask IoU':>9} {'unmatched':>6} {'cutoff':>6}"


def box_iou(a, b):
    """IoU of every box in a [N,4] with every box in b [M,4]."""
    a = np.asarray(a, np.float64).reshape(-1, 4)
    b = np.asarray(b, np.float64).reshape(-1, 4)
    x0 = np.maximum(a[:, None, 0], b[None, :, 0])
    y0 = np.maximum(a[:, None, 1], b[None, :, 1])
    x1 = np.minimum(a[:, None, 2], b[None, :, 2])
    y1 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def mask_iou(a, b):
    """IoU of two boolean masks of one size."""
    inter = np.logical_and(a, b).sum()
    union = np.logical_or(a, b).sum()
    return 1.0 if union == 0 else inter / union


def array_masks(ref_masks, masks):
    """The mask IoU function for two [N,H,W] boolean arrays."""
    return lambda i, j: mask_iou(ref_masks[i], masks[j])


def compare(ref_boxes, ref_scores, boxes, scores, tol=Tolerances(), masks_iou=None):
    ref_boxes, boxes = np.asarray(ref_boxes).reshape(-1, 4), np.asarray(boxes).reshape(-1, 4)
    ref_scores, scores = np.asarray(ref_scores).reshape(-1), np.asarray(scores).reshape(-1)
    result = Comparison(len(ref_scores), len(scores))
    if len(ref_scores) == 0 or len(scores) == 0:
        result.missing = list(range(len(ref_scores)))
        result.extra = list(range(len(scores)))
    else:
        ious = box_iou(ref_boxes, boxes)
        taken = np.zeros(len(scores), bool)
        for i in np.argsort(-ref_scores, kind="stable"):
            # Among boxes that overlap well, the closest score: boxes of one object can nest.
            candidates = np.where(~taken & (ious[i] >= tol.min_match_iou))[0]
            if len(candidates) == 0:
                result.missing.append(int(i))
                continue
            j = candidates[np.argmin(np.abs(scores[candidates] - ref_scores[i]) - ious[i, candidates] * 1e-3)]
            taken[j] = True
            result.matched += 1
            result.box_diff = max(result.box_diff, float(np.abs(ref_boxes[i] - boxes[j]).max()))
            result.score_diff = max(result.score_diff, float(abs(ref_scores[i] - scores[j])))
            if masks_iou is not None:
                result.mask_iou = min(result.mask_iou, float(masks_iou(int(i), int(j))))
        result.extra = [int(j) for j in np.where(~taken)[0]]
    # At threshold 0 both lists hold the top 100: an instance scored within score_tol of the other
    # list's lowest kept score may fall either side of that cut by float noise alone.
    if len(ref_scores) >= 100 and len(scores) >= 100:
        ref_floor, floor = float(ref_scores.min()), float(scores.min())
        missing = [i for i in result.missing if ref_scores[i] > floor + tol.score]
        extra = [j for j in result.extra if scores[j] > ref_floor + tol.score]
        result.at_cutoff = len(result.missing) - len(missing) + len(result.extra) - len(extra)
        result.missing, result.extra = missing, extra
    return result
