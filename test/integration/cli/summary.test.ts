/**
 * `lamina summary --model … --dataset …` (training craft: a model summary everywhere): Keras's
 * table for a template and a file, the same numbers as the run stores, and a model that does not
 * build gets its error with the line, exit 1; missing options exit 2.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBuilt, lamina, tempWorkspace } from '../../helpers/cli';

describe.skipIf(!cliBuilt)('lamina summary (built output; skipped when out/ is missing: run `npm run build`)', () => {
  const ws = tempWorkspace();
  beforeAll(async () => {
    expect((await lamina(['import', 'sample:iris'], ws)).code).toBe(0);
  });

  it('prints the MLP template for iris as Keras does, with totals that add up', async () => {
    const r = await lamina(['summary', '--model', 'template:mlp', '--dataset', 'iris'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Model: "/);
    expect(r.stdout).toMatch(/Layer \(type\)\s+Output Shape\s+Param #/);
    expect(r.stdout).toMatch(/\(Dense\)\s+\[None,3\]/); // three iris classes
    const json = await lamina(['summary', '--model', 'template:mlp', '--dataset', 'iris', '--param', 'hidden=8,4', '--json'], ws);
    expect(json.code, json.stderr).toBe(0);
    const layers = json.json.layers as { params: number }[];
    expect(layers.reduce((a, l) => a + l.params, 0)).toBe(json.json.totalParams);
    expect(json.json.trainableParams + json.json.nonTrainableParams).toBe(json.json.totalParams);
    // hidden=8,4: the first dense layer is 4·8 + 8 parameters.
    expect(layers.some((l) => l.params === 4 * 8 + 8)).toBe(true);
  }, 300_000);

  it('reports a model that does not build with its line (exit 1), and missing options (exit 2)', async () => {
    const file = join(ws, 'broken.ts');
    writeFileSync(file, "export default function createModel(ctx) {\n  const { tf } = ctx;\n  throw new Error('no layers yet');\n}\n");
    const r = await lamina(['summary', '--model', file, '--dataset', 'iris'], ws);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/did not build.*line 3.*no layers yet/);
    expect((await lamina(['summary', '--model', 'template:mlp'], ws)).code).toBe(2);
    expect((await lamina(['summary', '--dataset', 'iris'], ws)).code).toBe(2);
  }, 300_000);
});
