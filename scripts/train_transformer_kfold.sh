#!/bin/sh
# The transformer tier's second stage with out-of-fold corpus scores (docs/transformer.md,
# "Thresholds on out-of-fold corpus posts"). Run by hand in the training venv, after stage 1:
#
#   scripts/train_transformer_kfold.sh /tmp/stage1.pt /tmp/kfold 5
#
# K fold models (each without one fold of the corpora's tune posts; never shipped), then the
# final model on every tune post, its thresholds chosen on the pooled out-of-fold scores;
# it writes bot/policy/data/transformer. After a rules change, only the thresholds:
#
#   .venv-train/bin/python scripts/train_transformer.py --scale 5 --max-length 96 --replay 0.2 \
#       --corpus-folds 5 --oof-dir /tmp/kfold/oof --thresholds-only
set -eu
init=$1
work=$2
k=${3:-5}
py=${PYTHON:-.venv-train/bin/python}
mkdir -p "$work"
set -- --init "$init" --scale 5 --max-length 96 --freeze-layers 0 --replay 0.2 --lr 5e-5 --epochs 1.5 \
    --max-minutes 25 --corpus-folds "$k" --oof-dir "$work/oof"
i=0
while [ "$i" -lt "$k" ]; do
    "$py" scripts/train_transformer.py "$@" --corpus-fold "$i" --out "$work/fold$i" \
        --save-checkpoint "$work/fold$i.pt"
    i=$((i + 1))
done
"$py" scripts/train_transformer.py "$@" --save-checkpoint "$work/stage2.pt"
