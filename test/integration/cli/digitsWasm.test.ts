/**
 * The foundation's headline check, as a new user would run it: import the 8×8 digits,
 * train LeNet-5 on the wasm backend (CNN gradients need Lamina's own wasm kernels),
 * reach test accuracy ≥ 0.95, and replay the run bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cliBuilt, lamina, sharedDatasets, tempWorkspace } from '../../helpers/cli';

describe.skipIf(!cliBuilt)('digits on wasm through the CLI (skipped when out/ is missing: run `npm run build`)', () => {
  it('LeNet-5 reaches test accuracy ≥ 0.95 on wasm and replays with maxAbsDiff 0', async () => {
    const ws = tempWorkspace();
    const imp = await lamina(['import', join(sharedDatasets, 'digits-8x8.csv'), '--target', 'digit', '--json'], ws);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.json).toMatchObject({ rows: 1797, task: 'classification', columns: 64 });
    expect(imp.json.classes).toHaveLength(10);

    const train = await lamina(['train', '--dataset', 'digits-8x8', '--model', 'template:lenet5', '--backend', 'wasm', '--seed', '1', '--json'], ws);
    expect(train.code, train.stderr).toBe(0);
    expect(train.json).toMatchObject({ status: 'completed', backend: 'wasm', seed: 1 });
    expect(train.json.metrics.test_accuracy).toBeGreaterThanOrEqual(0.95);

    const replay = await lamina(['replay', train.json.id, '--json'], ws);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.json).toMatchObject({ match: true, maxAbsDiff: 0 });
    // Training and replaying LeNet-5 take a minute each on an idle machine; CI shares two cores.
  }, 600_000);
});
