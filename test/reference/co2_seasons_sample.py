# Builds resources/samples/co2-seasons.csv from statsmodels' copy of the Mauna Loa CO2 record (public domain).
import statsmodels.api as sm, csv, sys
s = sm.datasets.co2.load_pandas().data['co2'].interpolate(limit_direction='both')
v = s.values
W, H, STRIDE = 26, 4, 2
out = sys.argv[1]
rows = 0
with open(out, 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow([f't{-k}' if k else 't0' for k in range(W - 1, 0, -1)] + ['next_4_weeks'])
    for end in range(W - 1, len(v) - H, STRIDE):
        last = v[end]
        window = [round(v[end - k] - last, 2) for k in range(W - 1, 0, -1)]
        ahead = sum(v[end + 1:end + 1 + H]) / H
        w.writerow(window + ['rising' if ahead > last else 'falling'])
        rows += 1
print(rows, s.index[0], s.index[-1])
