import { describe, expect, it } from 'vitest';
import { RUN_PALETTE, hashId, runColour } from '../../../src-renderer/src/charts/runColours';
import { gridCells } from '../../../src-renderer/src/charts/metricGrid';
import { lineChartOption } from '../../../src-renderer/src/charts/metricChart';
import { paramFields, paramValues } from '../../../src-renderer/src/components/modelParamFields';
import { lineOverlap, templateOf } from '../../../src-renderer/src/components/sourceOrigin';
import { disabledPluginFor, disabledTemplates } from '../../../src-main/core/models/disabledTemplate';
import { systemSample } from '../../../src-main/core/engine/host/systemMetrics';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

describe('runColour', () => {
  it('gives a run the same colour every time, from its id alone', () => {
    const id = '3f0c7a52-1b7e-4f7e-9a55-0b8d2c1e4f10';
    expect(runColour(id)).toBe(runColour(`${id}`));
    expect(RUN_PALETTE).toContain(runColour(id));
    // FNV-1a of the empty string is the offset basis; of "a" a known value.
    expect(hashId('')).toBe(0x811c9dc5);
    expect(hashId('a')).toBe(0xe40c292c);
  });
  it('spreads ids that share a prefix over the palette', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `run-0000-${i}`);
    const used = new Set(ids.map(runColour));
    expect(used.size).toBeGreaterThanOrEqual(RUN_PALETTE.length - 2);
    const counts = RUN_PALETTE.map((c) => ids.filter((id) => runColour(id) === c).length);
    expect(Math.max(...counts)).toBeLessThan(30); // 10 each on average
  });
  it('colours a chart line by its run over the metric family', () => {
    const opt = lineChartOption([{ id: 'a', name: 'a', metric: 'loss', colour: '#123456', points: [{ step: 1, epoch: 1, time: 0, value: 1 }] }], { smoothing: 0, logScale: false, xAxis: 'epoch' });
    expect((opt.series[0] as { itemStyle: { color: string } }).itemStyle.color).toBe('#123456');
  });
});

describe('gridCells', () => {
  it('one chart per family, training before validation, losses first; batch, test, system and restored_epoch left out', () => {
    const cells = gridCells(['val_accuracy', 'accuracy', 'batch/loss', 'val_loss', 'loss', 'test_accuracy', 'system/rss_mib', 'restored_epoch', 'lr']);
    expect(cells).toEqual([
      { family: 'loss', keys: ['loss', 'val_loss'] },
      { family: 'accuracy', keys: ['accuracy', 'val_accuracy'] },
      { family: 'lr', keys: ['lr'] },
    ]);
  });
});

describe('paramFields', () => {
  it('lists a template\'s ctx.param calls with the input their defaults ask for, leaving out optimizer and lr', () => {
    const src = readFileSync(resolve(__dirname, '../../../resources/templates/small-cnn.ts'), 'utf8');
    const { fields } = paramFields(src);
    const by = Object.fromEntries(fields.map((f) => [f.name, f]));
    expect(by.batchNorm).toMatchObject({ kind: 'boolean', defaultValue: true });
    expect(by.dropout).toMatchObject({ kind: 'number', defaultValue: 0.25 });
    expect(by.activation).toMatchObject({ kind: 'text', defaultText: 'relu' });
    expect(by.filters).toMatchObject({ kind: 'number', defaultValue: 16 });
    expect(by.optimizer).toBeUndefined();
    expect(by.lr).toBeUndefined();
  });
  it('keeps an expression default as written and flags dynamic names', () => {
    const { fields, dynamic } = paramFields("ctx.param('loss', ctx.task === 'x' ? 'a' : 'b'); ctx.param(name, 1)");
    expect(fields[0]).toMatchObject({ name: 'loss', kind: 'text', defaultValue: null });
    expect(dynamic).toBe(true);
  });
  it('sends only the values set, for parameters the model has', () => {
    const { fields } = paramFields("ctx.param('units', 32); ctx.param('act', 'relu')");
    expect(paramValues(fields, { units: 64, act: '', gone: 3 })).toEqual({ units: 64 });
  });
});

describe('templateOf', () => {
  const templates = [
    { id: 'mlp', name: 'Multilayer perceptron', source: 'a\nb\nc\nd' },
    { id: 'cnn', name: 'Small CNN', source: 'w\nx\ny\nz' },
  ];
  it('finds the template a run names, edited or not', () => {
    expect(templateOf('mlp', 'zzz', templates)?.id).toBe('mlp');
    expect(templateOf('Multilayer perceptron (edited)', 'zzz', templates)?.id).toBe('mlp');
  });
  it('else the template whose lines the source mostly shares, and none below half', () => {
    expect(templateOf('my copy', 'w\nx\ny\nq', templates)?.id).toBe('cnn');
    expect(templateOf('my copy', 'p\nq\nr\nw', templates)).toBeNull();
    expect(lineOverlap('a\nb', 'a\nb')).toBe(1);
  });
});

describe('disabled plugin templates', () => {
  const plugins = [
    { id: 'medical-imaging', enabled: false, contributes: { modelTemplates: [{ id: 'medical-cnn', name: 'Medical CNN' }] } },
    { id: 'other', enabled: true, contributes: { modelTemplates: [{ id: 'x' }] } },
  ];
  it('names the disabled plugin a missing template comes from', () => {
    expect(disabledPluginFor(plugins, 'medical-cnn')?.id).toBe('medical-imaging');
    expect(disabledPluginFor(plugins, 'medical-imaging/medical-cnn')?.id).toBe('medical-imaging');
    expect(disabledPluginFor(plugins, 'x')).toBeUndefined();
    expect(disabledTemplates(plugins).map((t) => `${t.plugin.id}/${t.id}`)).toEqual(['medical-imaging/medical-cnn']);
  });
});

describe('systemSample', () => {
  it('turns counters into samples/s, MiB and % of a core', () => {
    expect(systemSample(1000, 500, 250_000, 256 * 1024 * 1024)).toEqual({ samplesPerSec: 2000, rssMiB: 256, cpuPercent: 50 });
    expect(systemSample(10, 0, 0, 0)).toEqual({ samplesPerSec: 0, rssMiB: 0, cpuPercent: 0 });
  });
});
