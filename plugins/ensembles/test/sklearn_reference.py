"""scikit-learn's estimators, with their defaults, on a split exported by the ensembles tests/bench.

Usage: /usr/bin/python3 sklearn_reference.py SPLIT.json  ->  prints {"trainer": {"score": s, "seconds": t}, ...}
SPLIT.json: {"task": "classification"|"regression", "d": D, "train": {"x": [...], "y": [...]}, "test": {...},
             "trainers": ["bagging", ...], "seeds": [0, 1, 2]}
Scores: accuracy (classification) or R² (regression) on the test rows, averaged over the seeds (random_state).
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn import ensemble, linear_model, neural_network, tree

warnings.filterwarnings("ignore")
spec = json.load(open(sys.argv[1]))
cls = spec["task"] == "classification"
d = spec["d"]
X = np.array(spec["train"]["x"], dtype=np.float64).reshape(-1, d)
y = np.array(spec["train"]["y"])
Xt = np.array(spec["test"]["x"], dtype=np.float64).reshape(-1, d)
yt = np.array(spec["test"]["y"])
if cls:
    y, yt = y.astype(int), yt.astype(int)


def mlp():
    return (neural_network.MLPClassifier if cls else neural_network.MLPRegressor)(random_state=0)


def linear():
    return linear_model.LogisticRegression() if cls else linear_model.Ridge()


def tree5():
    return (tree.DecisionTreeClassifier if cls else tree.DecisionTreeRegressor)(max_depth=5, random_state=0)


def make(name, seed=0):
    if name == "bagging":
        return (ensemble.BaggingClassifier if cls else ensemble.BaggingRegressor)(random_state=seed)
    if name == "random-forest":
        return (ensemble.RandomForestClassifier if cls else ensemble.RandomForestRegressor)(random_state=seed)
    if name == "adaboost":
        return ensemble.AdaBoostClassifier(algorithm="SAMME", random_state=0)
    if name == "gradient-boosting":
        return (ensemble.GradientBoostingClassifier if cls else ensemble.GradientBoostingRegressor)(random_state=0)
    base = [("mlp", mlp()), ("linear", linear()), ("tree", tree5())]
    if name == "stacking":
        return ensemble.StackingClassifier(base) if cls else ensemble.StackingRegressor(base, final_estimator=linear_model.Ridge())
    if name == "voting":
        return ensemble.VotingClassifier(base, voting="soft") if cls else ensemble.VotingRegressor(base)
    if name.startswith("base:"):
        return dict(base)[name[5:]]
    raise SystemExit(f"unknown trainer {name}")


out = {}
for name in spec["trainers"]:
    scores = []
    t = time.perf_counter()
    for seed in spec.get("seeds", [0]):
        scores.append(float(make(name, seed).fit(X, y).score(Xt, yt)))
    out[name] = {"score": float(np.mean(scores)), "seconds": (time.perf_counter() - t) / len(scores)}
print(json.dumps(out))
