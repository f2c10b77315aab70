"""PyTorch CPU reference for `npm run bench`: the same models, batch sizes, optimizer and synthetic
data sizes as the TensorFlow.js measurements, timed the same way (one epoch per measurement, after
a warm-up epoch). A benchmark reference only, never a dependency of Lamina.

Server mode (`--serve`, what the bench uses): reads one JSON request per line from stdin,
{"model", "samples", "batch", "threads"}, and answers one JSON line per request with that epoch's
wall and CPU seconds, so the bench can interleave PyTorch with the other contenders (A B A B …).
Threads are set explicitly with torch.set_num_threads; OPENBLAS_NUM_THREADS / OMP_NUM_THREADS are
pinned by the caller's environment."""
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


def small_cnn():
    """resources/templates/small-cnn.ts with its defaults on 28×28×1: two conv-BN-ReLU-pool blocks."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.25), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Dropout(0.25), nn.Linear(64, 10),
    )


class Lstm(nn.Module):
    """resources/templates/lstm.ts with its defaults on 28×28 (28 steps of 28 values): LSTM(32) → dense."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 32, batch_first=True)
        self.out = nn.Linear(32, 10)

    def forward(self, x):
        _, (h, _) = self.lstm(x.reshape(-1, 28, 28))
        return self.out(h[-1])


MODELS = {
    "mlp-784-256-10": (mlp, (784,)),
    "lenet5-28x28x1": (lenet5, (1, 28, 28)),
    "small-cnn-28x28x1": (small_cnn, (1, 28, 28)),
    "lstm-28x28": (Lstm, (28, 28)),
}


class Contender:
    def __init__(self, name, n, batch):
        make, shape = MODELS[name]
        self.model = make()
        self.x = torch.rand((n,) + shape)
        self.y = torch.randint(0, 10, (n,))
        self.opt = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.loss_fn = nn.CrossEntropyLoss()
        self.n, self.batch = n, batch

    def epoch(self):
        perm = torch.randperm(self.n)
        for i in range(0, self.n, self.batch):
            idx = perm[i:i + self.batch]
            self.opt.zero_grad()
            loss = self.loss_fn(self.model(self.x[idx]), self.y[idx])
            loss.backward()
            self.opt.step()


def serve():
    contenders = {}
    for line in sys.stdin:
        req = json.loads(line)
        torch.set_num_threads(int(req["threads"]))
        key = (req["model"], req["samples"], req["batch"], req["threads"])
        if key not in contenders:
            contenders[key] = Contender(req["model"], req["samples"], req["batch"])
            contenders[key].epoch()  # warm-up
        c = contenders[key]
        w0, c0 = time.perf_counter(), time.process_time()
        c.epoch()
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        print(json.dumps({"wallMs": wall * 1000, "cpuMs": cpu * 1000, "threads": torch.get_num_threads(),
                          "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    if "--serve" in sys.argv:
        serve()
    else:
        n_mlp, n_cnn, epochs = (int(a) for a in sys.argv[1:4]) if len(sys.argv) >= 4 else (8192, 2048, 2)
        for name, n, batch in (("mlp-784-256-10", n_mlp, 128), ("lenet5-28x28x1", n_cnn, 64)):
            c = Contender(name, n, batch)
            c.epoch()
            t0 = time.perf_counter()
            for _ in range(epochs):
                c.epoch()
            dt = time.perf_counter() - t0
            print(json.dumps({"model": name, "samplesPerSec": n * epochs / dt, "threads": torch.get_num_threads(),
                              "torch": torch.__version__}))
