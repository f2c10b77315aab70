import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iris } from './helpers/csvDataset';
import { runInProcess, template } from './helpers/runInProcess';
import { modelSummaryText } from '../../../src-main/cli/modelSummaryText';
import { MODEL_SUMMARY_JSON } from '../../../src-main/core/engine/host/runner';

describe('model summary stored with each run', () => {
  it('writes layers, output shapes and params as an artifact, printed as Keras prints model.summary()', async () => {
    const run = await runInProcess(iris(), template('mlp'), { epochs: 1 });
    expect(run.messages.some((m) => m.type === 'artifact' && m.path === MODEL_SUMMARY_JSON && m.kind === 'summary')).toBe(true);
    const summary = JSON.parse(readFileSync(join(run.artifactsDir, MODEL_SUMMARY_JSON), 'utf8'));
    // iris: 4 → dense 32 → dense 16 → dense 3 (with activation layers in between).
    expect(summary.totalParams).toBe(4 * 32 + 32 + 32 * 16 + 16 + 16 * 3 + 3);
    const text = modelSummaryText(summary);
    expect(text).toContain('Model: "mlp"');
    expect(text).toMatch(/Layer \(type\)\s+Output Shape\s+Param #/);
    expect(text).toMatch(/\(Dense\)\s+\[None,32\]\s+160/);
    expect(text).toContain(`Total params: ${summary.totalParams}`);
    expect(text).toContain('Non-trainable params: 0');
  });
});
