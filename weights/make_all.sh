#!/usr/bin/env bash
# Re-makes every shipped weight file with the exact commands recorded in weights/README.md.
# Run from the repository root, with the MNIST files in ../shared/mnist (or pass another folder).
# The default and ReLU networks train on MNIST plus restyled 1s and 7s (continental flags, bases
# and crossbars), written first to build/mnist-styled by weights/make_styled_mnist.py (seeded; the
# last 5,000 training images stay MNIST's own, for validation). build/ is never committed.
set -euo pipefail
DATA=${1:-../shared/mnist}
STYLED=${STYLED:-build/mnist-styled}
PYTHON=${PYTHON:-python}
DIGITVIZ=${DIGITVIZ:-digitviz}  # e.g. DIGITVIZ="python -m digitviz" in a checkout
$PYTHON weights/make_styled_mnist.py "$DATA" "$STYLED" --fraction 0.5 --seed 14
$DIGITVIZ train --data "$STYLED" --hidden 16 16 --activation sigmoid --output-activation softmax \
    --epochs 70 --batch-size 32 --lr 0.003 --seed 1 --augment --augment-strength 0.4 \
    --augment-probability 0.5 --validation 5000 \
    --name "784-16-16-10 sigmoid (default)" \
    --description "The classic network of 3Blue1Brown's video: two hidden layers of 16 sigmoid neurons. Trained with Adam, mild shift/rotation/scale/stroke augmentation, and extra 1s with flags and bases and crossed 7s, so that it also reads digits drawn with a mouse the way people in many countries write them." \
    --out weights/default.npz
$DIGITVIZ train --data "$DATA" --hidden 16 16 --activation sigmoid --output-activation softmax \
    --epochs 0 --seed 1 --validation 5000 \
    --name "784-16-16-10 untrained" \
    --description "The same shape before any training: random weights (scaled by fan-in), zero biases. Compare it with the default to see what training changes." \
    --out weights/untrained.npz
$DIGITVIZ train --data "$STYLED" --hidden 16 16 --activation relu --output-activation softmax \
    --epochs 50 --batch-size 32 --lr 0.003 --seed 1 --augment --augment-strength 0.4 \
    --augment-probability 0.5 --validation 5000 \
    --name "784-16-16-10 ReLU" \
    --description "Two hidden layers of 16 ReLU neurons (max(0, z)) instead of sigmoids, trained on the same data with the same augmentation as the default, for 50 epochs." \
    --out weights/relu.npz
