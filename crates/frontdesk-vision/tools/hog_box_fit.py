#!/usr/bin/env python3
"""Learns where dlib's HOG face detector would put its box, given YuNet's detection.

dlib's 5-point shape predictor was trained on boxes from dlib's HOG detector, which are square
and sit lower and tighter than YuNet's. `shape_box` in `src/shape.rs` turns a YuNet face into
the box dlib's detector would have given; this script measures the candidate mappings and
prints their coefficients.

Needs PyPI `dlib-bin`, `face_recognition_models`, `numpy`, `opencv-python-headless`.

    python3 hog_box_fit.py --root faces-dev --labels faces-dev/labels.csv --models models [--step 2]

For every --step-th labelled photo (scaled so the long side is at most 1024, as the reference
does): dlib's HOG detector (upsample 1) and OpenCV's YuNet (the same ONNX we ship); faces where
both agree are kept. Candidate mappings are fitted by least squares on the even rows and judged
on the odd rows by what matters: run dlib's shape predictor in the mapped box and compare its 5
points with the points it gives in the true HOG box, in chip pixels (150x150 chip, padding 0.25).
"""
import argparse
import csv
import os

import cv2
import dlib
import face_recognition_models as frm
import numpy as np

# dlib's chip template and photo loader, shared with the reference script beside this one.
from dlib_reference import MEAN_5, PADDING, SIZE, load_rgb  # noqa: E402

CHIP_PTS = (MEAN_5 + PADDING) / (1 + 2 * PADDING) * SIZE


def read_photo(path, max_side):
    """The photo as RGB (long side at most max_side), or None when it cannot be read."""
    try:
        return load_rgb(path, max_side)[0]
    except ValueError:
        return None


def chip_scale(pts):
    """Image pixels per chip pixel of dlib's chip for these 5 points."""
    src = CHIP_PTS - CHIP_PTS.mean(0)
    dst = pts - pts.mean(0)
    return np.sqrt((dst**2).sum() / (src**2).sum())


def features(f):
    """Normalised YuNet detection: frame centred on the landmarks' mean, unit = their rms radius."""
    lm = f[4:14].reshape(5, 2)
    u = lm.mean(0)
    s = np.sqrt(((lm - u) ** 2).sum(1).mean())
    box = np.array([f[0] + f[2] / 2 - u[0], f[1] + f[3] / 2 - u[1], f[2], f[3]]) / s
    return u, s, ((lm - u) / s).ravel(), box


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--labels", required=True)
    ap.add_argument("--models", required=True)
    ap.add_argument("--step", type=int, default=2)
    ap.add_argument("--max-side", type=int, default=1024)
    args = ap.parse_args()

    det = dlib.get_frontal_face_detector()
    sp = dlib.shape_predictor(frm.pose_predictor_five_point_model_location())
    yn = cv2.FaceDetectorYN.create(
        os.path.join(args.models, "face_detection_yunet_2023mar.onnx"), "", (320, 320), 0.6, 0.3, 5000
    )
    rows = list(csv.DictReader(open(args.labels)))[:: args.step]
    data = []  # (path, yunet row, hog (l, t, r, b), dlib points in the hog box)
    for row in rows:
        img = read_photo(os.path.join(args.root, row["path"]), args.max_side)
        if img is None:
            continue
        dets = det(img, 1)
        if len(dets) == 0:
            continue
        r = max(dets, key=lambda d: d.width() * d.height())
        yn.setInputSize((img.shape[1], img.shape[0]))
        _, faces = yn.detect(np.ascontiguousarray(img[:, :, ::-1]))
        if faces is None:
            continue
        cx, cy = (r.left() + r.right()) / 2, (r.top() + r.bottom()) / 2
        f = min(faces, key=lambda f: (f[0] + f[2] / 2 - cx) ** 2 + (f[1] + f[3] / 2 - cy) ** 2)
        if not (f[0] <= cx <= f[0] + f[2] and f[1] <= cy <= f[1] + f[3]):
            continue
        pts = np.array([[p.x, p.y] for p in sp(img, r).parts()], float)
        data.append((row["path"], f.astype(float), (r.left(), r.top(), r.right(), r.bottom()), pts))
    print(f"faces where dlib's HOG detector and YuNet agree: {len(data)} of {len(rows)} photos")

    # Targets in the normalised frame: HOG box centre and side (dlib's width = right - left + 1).
    x_lm, x_box, y = [], [], []
    for _, f, (l, t, r, b), _ in data:
        u, s, lm, box = features(f)
        x_lm.append(lm)
        x_box.append(box)
        y.append([((l + r) / 2 - u[0]) / s, ((t + b) / 2 - u[1]) / s, (r - l + 1) / s, (b - t + 1) / s])
    x_lm, x_box, y = np.array(x_lm), np.array(x_box), np.array(y)
    side = (y[:, 2] + y[:, 3]) / 2
    print("HOG box width/height ratio: mean", float((y[:, 2] / y[:, 3]).mean()))
    train = np.arange(len(data)) % 2 == 0
    test = ~train

    def lsq(x, t):
        coef, *_ = np.linalg.lstsq(x[train], t[train], rcond=None)
        return coef

    ones = np.ones((len(data), 1))
    models = {}
    # YuNet's own box, unchanged.
    models["yunet box as is"] = np.stack(
        [x_box[:, 0], x_box[:, 1], x_box[:, 2], x_box[:, 3]], 1
    )
    # Box-only: centre shifted by a fraction of YuNet's box size, side proportional to it.
    xb = np.stack([x_box[:, 0], x_box[:, 2], x_box[:, 3]], 1)
    cb = {
        "dx": lsq(x_box[:, 2:3], y[:, 0] - x_box[:, 0]),
        "dy": lsq(x_box[:, 3:4], y[:, 1] - x_box[:, 1]),
        "side": lsq(x_box[:, 2:4], side),
    }
    sb = x_box[:, 2:4] @ cb["side"]
    models["box: centre + (a w, b h), side c w + d h"] = np.stack(
        [x_box[:, 0] + x_box[:, 2] * cb["dx"][0], x_box[:, 1] + x_box[:, 3] * cb["dy"][0], sb, sb], 1
    )
    # Landmarks, constant offsets: centre = landmark mean + (a, b) s, side = c s.
    c3 = lsq(ones, np.stack([y[:, 0], y[:, 1], side], 1))[0]
    models["landmarks: mean + (a, b) s, side c s"] = np.tile([c3[0], c3[1], c3[2], c3[2]], (len(data), 1))
    # Landmarks, full linear model on the 10 normalised coordinates.
    xl = np.hstack([x_lm, ones])
    cl = lsq(xl, np.stack([y[:, 0], y[:, 1], side], 1))
    pl = xl @ cl
    models["landmarks: linear in 10 coordinates"] = np.stack([pl[:, 0], pl[:, 1], pl[:, 2], pl[:, 2]], 1)
    _ = xb

    print(f"judged on {int(test.sum())} held-out faces; errors in chip pixels (150x150 chip)")
    for name, pred in models.items():
        errs = []
        for i in np.nonzero(test)[0]:
            path, f, _, pts = data[i]
            u, s, _, _ = features(f)
            cx, cy, w, h = pred[i, 0] * s + u[0], pred[i, 1] * s + u[1], pred[i, 2] * s, pred[i, 3] * s
            l, t = round(cx - (w - 1) / 2), round(cy - (h - 1) / 2)
            rect = dlib.rectangle(l, t, l + round(w) - 1, t + round(h) - 1)
            img = read_photo(os.path.join(args.root, path), args.max_side)
            got = np.array([[p.x, p.y] for p in sp(img, rect).parts()], float)
            errs.append(np.sqrt(((got - pts) ** 2).sum(1)).mean() / chip_scale(pts))
        errs = np.array(errs)
        print(f"  {name}: mean {errs.mean():.3f}, median {np.median(errs):.3f}, p95 {np.percentile(errs, 95):.3f}")
    print("coefficients (fitted on the even rows):")
    print(f"  box: dx {cb['dx'][0]:.5f} * w, dy {cb['dy'][0]:.5f} * h, side {cb['side'][0]:.5f} * w + {cb['side'][1]:.5f} * h")
    print(f"  landmarks, constant: a {c3[0]:.5f}, b {c3[1]:.5f}, c {c3[2]:.5f}")
    print("  landmarks, linear (rows: x0 y0 ... x4 y4, 1; columns: cx, cy, side):")
    for row in cl:
        print("   ", np.round(row, 5).tolist())


if __name__ == "__main__":
    main()
