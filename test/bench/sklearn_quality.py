"""scikit-learn references for `npm run quality`.

Reads JSON on stdin: {"x": [[...]], "y": [...], "split": [...]} (features already standardised with
training statistics, split 0 train / 1 validation / 2 test, exactly as Lamina trains) and a seed;
fits MLPClassifier() and LogisticRegression() with their defaults on the training rows and prints
their test accuracies as JSON.
"""
import json
import sys
import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

warnings.filterwarnings("ignore")
spec = json.load(sys.stdin)
x = np.asarray(spec["x"], dtype=np.float64)
y = np.asarray(spec["y"], dtype=np.int64)
split = np.asarray(spec["split"])
tr, te = split == 0, split == 2
seed = int(spec["seed"])
out = {}
for name, model in [
    ("sklearn MLPClassifier", MLPClassifier(random_state=seed)),
    ("sklearn LogisticRegression", LogisticRegression(max_iter=1000)),
]:
    model.fit(x[tr], y[tr])
    out[name] = float((model.predict(x[te]) == y[te]).mean())
print(json.dumps(out))
