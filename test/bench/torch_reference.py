"""PyTorch CPU reference for `npm run bench`: the same two models, batch sizes, optimizer and
synthetic data sizes as the TensorFlow.js measurements, timed the same way. Prints one JSON
line per model. A benchmark reference only — never a dependency of Lamina."""
import json
import sys
import time

import torch
from torch import nn

torch.manual_seed(0)


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def bench(name, model, shape, n, batch, epochs):
    x = torch.rand((n,) + shape)
    y = torch.randint(0, 10, (n,))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def epoch():
        perm = torch.randperm(n)
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()

    epoch()  # warm-up
    t0 = time.perf_counter()
    for _ in range(epochs):
        epoch()
    dt = time.perf_counter() - t0
    print(json.dumps({"model": name, "samplesPerSec": n * epochs / dt, "threads": torch.get_num_threads(),
                      "torch": torch.__version__}))


if __name__ == "__main__":
    n_mlp, n_cnn, epochs = (int(a) for a in sys.argv[1:4]) if len(sys.argv) >= 4 else (8192, 2048, 2)
    bench("mlp-784-256-10", mlp(), (784,), n_mlp, 128, epochs)
    bench("lenet5-28x28x1", lenet5(), (1, 28, 28), n_cnn, 64, epochs)
