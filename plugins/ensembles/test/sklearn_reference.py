"""scikit-learn's estimators, with their defaults, on a split exported by the ensembles tests/bench.

Usage: /usr/bin/python3 sklearn_reference.py SPLIT.json  ->  prints {"trainer": {"score": s, "seconds": t}, ...}
SPLIT.json: {"task": "classification"|"regression", "d": D, "train": {"x": [...], "y": [...]}, "test": {...},
             "trainers": ["bagging", ...], "mlp_epochs": N}
Scores: accuracy (classification) or R² (regression) on the test rows.
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
epochs = int(spec.get("mlp_epochs", 200))


def mlp():
    return (neural_network.MLPClassifier if cls else neural_network.MLPRegressor)(max_iter=epochs, random_state=0)


def linear():
    return linear_model.LogisticRegression() if cls else linear_model.Ridge()


def tree5():
    return (tree.DecisionTreeClassifier if cls else tree.DecisionTreeRegressor)(max_depth=5, random_state=0)


def make(name):
    if name == "bagging":
        return (ensemble.BaggingClassifier if cls else ensemble.BaggingRegressor)(random_state=0)
    if name == "random-forest":
        return (ensemble.RandomForestClassifier if cls else ensemble.RandomForestRegressor)(random_state=0)
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
    t = time.perf_counter()
    model = make(name).fit(X, y)
    out[name] = {"score": float(model.score(Xt, yt)), "seconds": time.perf_counter() - t}
print(json.dumps(out))
