"""PyTorch reference for Lamina's Adadelta test.

Reads {"weights": [...], "grads": [[...], ...], "lr", "rho", "eps"} as JSON on stdin, applies
torch.optim.Adadelta with those gradients step by step (float32, like TF.js), and prints the
weights after every step as a JSON list of lists.
"""
import json
import sys

import torch

spec = json.load(sys.stdin)
w = torch.nn.Parameter(torch.tensor(spec["weights"], dtype=torch.float32))
opt = torch.optim.Adadelta([w], lr=spec["lr"], rho=spec["rho"], eps=spec["eps"])
out = []
for g in spec["grads"]:
    opt.zero_grad()
    w.grad = torch.tensor(g, dtype=torch.float32)
    opt.step()
    out.append(w.detach().tolist())
print(json.dumps(out))
