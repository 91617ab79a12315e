#!/usr/bin/env python3
"""dlib's own face pipeline, used as the reference our chips and descriptors must agree with.

Needs PyPI `dlib-bin`, `face_recognition_models` (CC0 models: HOG detector is built into dlib,
5-point shape predictor, ResNet descriptor), `numpy`, and for `template` also
`opencv-python-headless` (to run YuNet the way OpenCV does).

Sub-commands (all read paths relative to --root):

  embed --root DIR [--max-side N] [--chips OUT_DIR]
      Reads one relative image path per line on stdin and prints one JSON object per line:
      {"path", "ok", "descriptor": [128 floats] | null, "shape": [[x, y] * 5] | null}.
      This is dlib's face_recognition pipeline: HOG detector (upsample 1), 5-point shape
      predictor on the largest detection, 150x150 chip with padding 0.25, ResNet descriptor.
      With --chips, also writes each chip as OUT_DIR/<index>.png (RGB).

  template --root DIR --labels labels.csv [--limit N]
      Learns where YuNet's five landmarks fall inside dlib's 150x150 / 0.25 chip: for every photo
      where both dlib and YuNet find the same face, maps YuNet's landmarks through dlib's chip
      transform and averages. Prints the template (chip pixels) and the spread.

  landmarks
      Reads one JSON object per line on stdin, {"image": PNG path, "box": [left, top, right,
      bottom], "chip": PNG path or null}, runs dlib's 5-point shape predictor on exactly those
      pixels in that box and prints {"points": [[x, y] * 5]}; with "chip", also writes dlib's
      150x150 / 0.25 chip for those points there. Used by the tests that check our port of the
      predictor and of dlib's chip extraction.

Large photos are scaled down so the long side is at most --max-side (default 1024) before dlib
runs: the HOG detector upsamples by 2, and a 4,600-pixel photo would otherwise take minutes.
"""
import argparse
import csv
import json
import os
import sys

import dlib
import face_recognition_models as frm
import numpy as np

# dlib's 5-point chip template (get_face_chip_details), in [0,1] before padding.
MEAN_5 = np.array(
    [
        [0.8595674595992, 0.2134981538014],
        [0.6460604764104, 0.2289674387677],
        [0.1205750620789, 0.2137274526848],
        [0.3340850613712, 0.2290642403242],
        [0.4901123135679, 0.6277975316475],
    ]
)
SIZE = 150
PADDING = 0.25


def load_rgb(path, max_side):
    import cv2

    bgr = cv2.imread(path, cv2.IMREAD_COLOR)  # cv2 also reads WebP saved as .jpg
    if bgr is None:
        raise ValueError(f"cannot read {path}")
    img = np.ascontiguousarray(bgr[:, :, ::-1])
    h, w = img.shape[:2]
    scale = 1.0
    if max(h, w) > max_side:
        scale = max_side / max(h, w)
        img = cv2.resize(img, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(img), scale


def similarity(src, dst):
    """Least-squares similarity transform (Umeyama) taking src points to dst points: 2x3."""
    src = np.asarray(src, float)
    dst = np.asarray(dst, float)
    ms, md = src.mean(0), dst.mean(0)
    s, d = src - ms, dst - md
    cov = d.T @ s / len(src)
    u, sig, vt = np.linalg.svd(cov)
    sgn = np.eye(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sgn[1, 1] = -1
    r = u @ sgn @ vt
    var = (s**2).sum() / len(src)
    c = np.trace(np.diag(sig) @ sgn) / var
    t = md - c * r @ ms
    return np.hstack([c * r, t[:, None]])


class Dlib:
    def __init__(self):
        self.det = dlib.get_frontal_face_detector()
        self.sp = dlib.shape_predictor(frm.pose_predictor_five_point_model_location())
        self.net = dlib.face_recognition_model_v1(frm.face_recognition_model_location())

    def largest(self, img):
        dets = self.det(img, 1)
        if len(dets) == 0:
            return None
        return max(dets, key=lambda r: r.width() * r.height())

    def shape(self, img, rect):
        return self.sp(img, rect)


def cmd_embed(args):
    d = Dlib()
    if args.chips:
        os.makedirs(args.chips, exist_ok=True)
    for i, line in enumerate(sys.stdin):
        rel = line.strip()
        if not rel:
            continue
        out = {"path": rel, "ok": False, "descriptor": None, "shape": None}
        try:
            img, scale = load_rgb(os.path.join(args.root, rel), args.max_side)
            rect = d.largest(img)
            if rect is not None:
                sh = d.shape(img, rect)
                desc = d.net.compute_face_descriptor(img, sh)
                out["ok"] = True
                out["descriptor"] = [float(v) for v in desc]
                out["shape"] = [[p.x / scale, p.y / scale] for p in sh.parts()]
                if args.chips:
                    chip = dlib.get_face_chip(img, sh, size=SIZE, padding=PADDING)
                    dlib.save_image(chip, os.path.join(args.chips, f"{i}.png"))
        except Exception as e:  # a bad file is a failure to detect, not a crash
            out["error"] = str(e)
        print(json.dumps(out), flush=True)


def cmd_landmarks(args):
    sp = dlib.shape_predictor(frm.pose_predictor_five_point_model_location())
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        img = dlib.load_rgb_image(req["image"])
        rect = dlib.rectangle(*[int(v) for v in req["box"]])
        sh = sp(img, rect)
        if req.get("chip"):
            dlib.save_image(dlib.get_face_chip(img, sh, size=SIZE, padding=PADDING), req["chip"])
        print(json.dumps({"points": [[p.x, p.y] for p in sh.parts()]}), flush=True)


def collect(args):
    """(YuNet landmarks, dlib 5-point landmarks) per face, both in image pixels."""
    import cv2

    d = Dlib()
    model = os.path.join(args.models, "face_detection_yunet_2023mar.onnx")
    yn = cv2.FaceDetectorYN.create(model, "", (320, 320), 0.6, 0.3, 5000)
    rows = list(csv.DictReader(open(args.labels)))
    if args.exclude:
        used = set()
        for r in csv.reader(open(args.exclude)):
            used.update(r[:2])
        rows = [r for r in rows if r["path"] not in used]
    if args.limit:
        rows = rows[: args.limit]
    pairs = []
    for row in rows:
        rel = row["path"]
        try:
            img, _ = load_rgb(os.path.join(args.root, rel), args.max_side)
        except ValueError:
            continue
        rect = d.largest(img)
        if rect is None:
            continue
        sh = d.shape(img, rect)
        pts = np.array([[p.x, p.y] for p in sh.parts()], float)
        bgr = np.ascontiguousarray(img[:, :, ::-1])
        yn.setInputSize((bgr.shape[1], bgr.shape[0]))
        _, faces = yn.detect(bgr)
        if faces is None:
            continue
        cx, cy = (rect.left() + rect.right()) / 2, (rect.top() + rect.bottom()) / 2
        best = min(faces, key=lambda f: (f[0] + f[2] / 2 - cx) ** 2 + (f[1] + f[3] / 2 - cy) ** 2)
        if not (best[0] <= cx <= best[0] + best[2] and best[1] <= cy <= best[1] + best[3]):
            continue
        pairs.append((best[4:14].reshape(5, 2).astype(float), pts))
    return pairs


def cmd_template(args):
    chip_pts = (MEAN_5 + PADDING) / (2 * PADDING + 1) * SIZE
    acc = []
    for lm, pts in collect(args):
        to_chip = similarity(pts, chip_pts)
        acc.append((to_chip[:, :2] @ lm.T).T + to_chip[:, 2])
    acc = np.array(acc)
    print(f"faces used: {len(acc)}")
    print("mean (chip px):")
    for p in acc.mean(0):
        print(f"  ({p[0]:.3f}, {p[1]:.3f})")
    print("median (chip px):")
    for p in np.median(acc, 0):
        print(f"  ({p[0]:.3f}, {p[1]:.3f})")
    print("std (chip px):", np.round(acc.std(0), 3).tolist())


def cmd_regress(args):
    """Learns a linear map from YuNet's points to dlib's 5 points, both expressed in the chip
    frame given by the mean template (--template, 10 numbers), and prints it."""
    tmpl = np.array(args.template, float).reshape(5, 2)
    feats, targets = [], []
    for lm, pts in collect(args):
        t = similarity(lm, tmpl)  # image -> template chip frame
        feats.append(((t[:, :2] @ lm.T).T + t[:, 2]).ravel())
        targets.append(((t[:, :2] @ pts.T).T + t[:, 2]).ravel())
    x = np.array(feats)
    y = np.array(targets)
    xm, ym = x.mean(0), y.mean(0)
    xc, yc = x - xm, y - ym
    lam = args.ridge * len(x)
    a = np.linalg.solve(xc.T @ xc + lam * np.eye(10), xc.T @ yc).T  # y = a @ (x - xm) + ym
    pred = (a @ xc.T).T + ym
    print(f"faces used: {len(x)}")
    print("residual rms (chip px), mean model vs regression:",
          float(np.sqrt(((y - ym) ** 2).mean())), float(np.sqrt(((y - pred) ** 2).mean())))
    print("x_mean:", np.round(xm, 4).tolist())
    print("y_mean:", np.round(ym, 4).tolist())
    print("a:", np.round(a, 5).tolist())


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("embed")
    e.add_argument("--root", required=True)
    e.add_argument("--max-side", type=int, default=1024)
    e.add_argument("--chips")
    t = sub.add_parser("template")
    t.add_argument("--root", required=True)
    t.add_argument("--labels", required=True)
    t.add_argument("--models", required=True)
    t.add_argument("--limit", type=int, default=0)
    t.add_argument("--max-side", type=int, default=1024)
    t.add_argument("--exclude", help="CSV whose first two columns list photos to leave out")
    r = sub.add_parser("regress")
    r.add_argument("--root", required=True)
    r.add_argument("--labels", required=True)
    r.add_argument("--models", required=True)
    r.add_argument("--limit", type=int, default=0)
    r.add_argument("--max-side", type=int, default=1024)
    r.add_argument("--exclude")
    r.add_argument("--ridge", type=float, default=1.0)
    r.add_argument("--template", type=float, nargs=10, required=True)
    sub.add_parser("landmarks")
    args = ap.parse_args()
    {"embed": cmd_embed, "template": cmd_template, "regress": cmd_regress, "landmarks": cmd_landmarks}[
        args.cmd
    ](args)


if __name__ == "__main__":
    main()
