/**
 * The warm spare host (EngineClient.keepHostWarm): real host processes forked from sources, real
 * iris training. The spare takes the next job and is replaced after it; a run on it replays bit for
 * bit on a cold host and back; a cancel that arrives while the spare is still loading TF.js ends the
 * run cancelled; a spare that died while idle is not used; close() ends it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetMeta, MetricPoint, TrainConfig } from '../../../src-main/core/domain';
import type { StartTrainingMessage } from '../../../src-main/core/engine/protocol';
import { EngineClient } from '../../../src-main/core/engine/engineClient';
import { importDataset } from '../../../src-main/core/datasets/importDataset';
import { ensureWorkspaceFolders, workspacePaths } from '../../../src-main/core/workspace/workspace';
import { Lamina } from '../../../src-main/core/lamina';
import { isAlive as alive } from './hostProcess';
import { sharedDatasets } from '../../helpers/cli';

const root = mkdtempSync(join(tmpdir(), 'lamina-warm-'));
const paths = workspacePaths(root);
let iris: DatasetMeta;
const mlp = readFileSync(join(__dirname, '../../../resources/templates/mlp.ts'), 'utf8');

const config = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  epochs: 3, batchSize: 16, seed: 11, optimizer: null, learningRate: null, backend: null,
  earlyStoppingPatience: 0, earlyStoppingMonitor: 'val_loss', clipNorm: null, clipValue: null,
  checkpointEvery: 0, shuffle: true, params: {}, ...over,
});

function start(over: Partial<TrainConfig> = {}): StartTrainingMessage {
  const artifactsDir = mkdtempSync(join(paths.artifacts, 'run-'));
  return { type: 'start', runId: 'r', source: mlp, dataset: iris, datasetFile: join(root, iris.file), config: config(over), artifactsDir };
}


async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** Runs `msg` on `client`, returning the pid it ran on, the outcome and every metric point. */
async function train(client: EngineClient, msg: StartTrainingMessage) {
  const points: MetricPoint[] = [];
  const job = client.run(msg, (m) => {
    if (m.type === 'metrics') points.push(...m.points);
  });
  const pid = job.pid;
  const outcome = await job.outcome;
  return { pid, outcome, points };
}

describe('warm spare host', () => {
  beforeAll(async () => {
    ensureWorkspaceFolders(paths);
    iris = await importDataset(`${sharedDatasets}/iris.csv`, { name: 'iris', target: 'species' }, paths);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('runs the next job on the spare, replaces it after the job, and trains bit for bit like a cold host', async () => {
    const warm = new EngineClient();
    const cold = new EngineClient();
    try {
      warm.keepHostWarm('always');
      const spare = warm.spareHostPid;
      expect(spare).toBeGreaterThan(0);
      const onWarm = await train(warm, start());
      expect(onWarm.pid).toBe(spare);
      expect(onWarm.outcome.kind).toBe('done');
      // Replaced after use: a different, live process.
      await until(() => warm.spareHostPid !== undefined, 'a replacement spare exists');
      expect(warm.spareHostPid).not.toBe(spare);
      expect(alive(warm.spareHostPid!)).toBe(true);

      const onCold = await train(cold, start());
      expect(cold.spareHostPid).toBeUndefined();
      expect(onCold.outcome.kind).toBe('done');
      expect(onCold.points.length).toBeGreaterThan(10);
      // Same seed, same data: identical series, to the last bit, whichever host ran it.
      // system/* (samples/s, memory, CPU) measure the machine, not the training: left out, as replays do.
      const strip = (ps: MetricPoint[]) => ps.filter((p) => !p.key.startsWith('system/')).map((p) => [p.key, p.step, p.value]);
      expect(strip(onWarm.points)).toEqual(strip(onCold.points));
      // And a different seed on the (replacement) spare differs: the job's seed is what counts.
      const other = await train(warm, start({ seed: 12 }));
      expect(strip(other.points)).not.toEqual(strip(onCold.points));
    } finally {
      warm.close();
      cold.close();
    }
  });

  it('ends a run cancelled when the cancel arrives while the spare is still loading TF.js', async () => {
    const client = new EngineClient();
    try {
      client.keepHostWarm('once');
      const spare = client.spareHostPid!;
      const job = client.run(start({ epochs: 10_000, batchSize: 4 }));
      expect(job.pid).toBe(spare);
      job.cancel(); // the host has not finished warming: nothing has trained yet
      const outcome = await job.outcome;
      expect(outcome.kind).toBe('done');
      expect(outcome.kind === 'done' && outcome.message.status).toBe('cancelled');
      await until(() => !alive(spare), 'the host exited');
      // 'once': not replaced.
      expect(client.spareHostPid).toBeUndefined();
    } finally {
      client.close();
    }
  });

  it('does not use a spare that died while idle, and close() ends the spare', async () => {
    const client = new EngineClient();
    try {
      client.keepHostWarm('always');
      const dead = client.spareHostPid!;
      process.kill(dead, 'SIGKILL');
      await until(() => client.spareHostPid === undefined, 'the dead spare is dropped');
      const r = await train(client, start({ epochs: 1 }));
      expect(r.pid).not.toBe(dead);
      expect(r.outcome.kind).toBe('done');
      await until(() => client.spareHostPid !== undefined, 'a new spare exists');
      const spare = client.spareHostPid!;
      client.close();
      await until(() => !alive(spare), 'close() ended the spare');
    } finally {
      client.close();
    }
  });

  it('a run recorded on a warm host replays bit for bit (tolerance 0) on a cold one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lamina-warm-core-'));
    const warmCore = Lamina.open(dir, { warmHost: 'always' });
    try {
      await warmCore.importSample('iris');
      const run = await warmCore.startRun({ dataset: 'iris', model: 'template:mlp', config: { epochs: 3, seed: 21 } });
      const done = await warmCore.waitForRun(run.id);
      expect(done.status).toBe('completed');
      await warmCore.shutdown();
      const coldCore = Lamina.open(dir);
      try {
        const r = await coldCore.replayRun(run.id);
        expect(r).toMatchObject({ match: true, maxAbsDiff: 0, tolerance: 0 });
      } finally {
        await coldCore.shutdown();
      }
    } finally {
      await warmCore.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
