#!/usr/bin/env python3
"""OpenCV as the peer: `cv2.FaceDetectorYN` and `cv2.dnn` on the same ONNX files and images.

Needs PyPI `opencv-python-headless` and `numpy`.

  detect --models DIR IMAGE...
      One JSON object per image: {"path", "width", "height", "faces": [[x, y, w, h, 10 landmark
      coordinates..., score], ...]}, detected at the image's own size (OpenCV pads to multiples
      of 32 itself), score threshold 0.6, NMS 0.3.

  bench --models DIR --threads N --runs R FRAME_640x480.png
      Times, in one process: YuNet on the frame scaled to 320x240 and at 640x480, the ResNet
      descriptor on one 150x150 chip, and a whole frame (detect at each size + align + embed the
      largest face with cv2.warpAffine on the two-eye transform). Prints JSON of medians and
      99th percentiles in milliseconds.
"""
import argparse
import json
import os
import sys
import time

import cv2
import numpy as np


def detector(models, w, h):
    return cv2.FaceDetectorYN.create(
        os.path.join(models, "face_detection_yunet_2023mar.onnx"), "", (w, h), 0.6, 0.3, 5000
    )


def cmd_detect(args):
    det = detector(args.models, 320, 320)
    for path in args.images:
        img = cv2.imread(path, cv2.IMREAD_COLOR)
        if img is None:
            print(json.dumps({"path": path, "error": "unreadable"}))
            continue
        h, w = img.shape[:2]
        det.setInputSize((w, h))
        _, faces = det.detect(img)
        faces = [] if faces is None else faces.tolist()
        print(json.dumps({"path": path, "width": w, "height": h, "faces": faces}), flush=True)


def stats(times):
    t = np.array(times) * 1000.0
    return {"p50": float(np.median(t)), "p99": float(np.percentile(t, 99)), "min": float(t.min())}


def timed(fn, runs, warmup=3):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return stats(out)


EYES = np.array([[47.733, 47.140], [100.281, 47.123]], np.float32)


def chip_of(img, face):
    le = face[4:6]
    re = face[6:8]
    src = np.array([le, re], np.float32)
    m, _ = cv2.estimateAffinePartial2D(src, EYES)
    return cv2.warpAffine(img, m, (150, 150), flags=cv2.INTER_LINEAR)


def cmd_bench(args):
    cv2.setNumThreads(args.threads)
    frame = cv2.imread(args.frame, cv2.IMREAD_COLOR)
    if frame is None:
        sys.exit(f"cannot read {args.frame}")
    small = cv2.resize(frame, (320, 240), interpolation=cv2.INTER_AREA)
    net = cv2.dnn.readNetFromONNX(os.path.join(args.models, "dlib_face_recognition_resnet_v1.onnx"))
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    det_small = detector(args.models, 320, 240)
    det_full = detector(args.models, 640, 480)
    _, faces = det_full.detect(frame)
    if faces is None:
        sys.exit("no face in the benchmark frame")
    face = max(faces, key=lambda f: f[2] * f[3])
    chip = chip_of(frame, face)
    blob = cv2.dnn.blobFromImage(chip, 1.0, (150, 150), swapRB=True)

    def embed(c):
        net.setInput(cv2.dnn.blobFromImage(c, 1.0, (150, 150), swapRB=True))
        return net.forward()

    def whole(det, img, scale):
        _, fs = det.detect(img)
        if fs is None:
            return None
        f = max(fs, key=lambda f: f[2] * f[3]).copy()
        f[:14] /= scale
        return embed(chip_of(frame, f))

    out = {
        "opencv": cv2.__version__,
        "threads": args.threads,
        "detect_320x240": timed(lambda: det_small.detect(small), args.runs),
        "detect_640x480": timed(lambda: det_full.detect(frame), args.runs),
        "embed": timed(lambda: (net.setInput(blob), net.forward()), args.runs),
        "align_embed": timed(lambda: embed(chip_of(frame, face)), args.runs),
        "frame_320": timed(lambda: whole(det_small, small, 0.5), args.runs),
        "frame_640": timed(lambda: whole(det_full, frame, 1.0), args.runs),
    }
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("detect")
    d.add_argument("--models", required=True)
    d.add_argument("images", nargs="+")
    b = sub.add_parser("bench")
    b.add_argument("--models", required=True)
    b.add_argument("--threads", type=int, default=1)
    b.add_argument("--runs", type=int, default=50)
    b.add_argument("frame")
    args = ap.parse_args()
    {"detect": cmd_detect, "bench": cmd_bench}[args.cmd](args)


if __name__ == "__main__":
    main()
