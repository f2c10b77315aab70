/**
 * Every random draw in a training host comes from one generator seeded by the run's seed.
 * TensorFlow.js's initializers, dropout and model.fit's shuffle all fall back to Math.random when
 * given no seed, so replacing Math.random in this (single-run) process covers them all; the
 * generator's state goes into checkpoints so a resumed run draws exactly what the original would.
 */
import { createRng, type Rng } from '../../util/random';

export type RngState = [number, number, number, number];

export interface SeededRandom {
  readonly seed: number;
  next(): number;
  state(): RngState;
  /** Continue from a state saved earlier (a checkpoint). */
  restore(state: RngState): void;
  /** Put the original Math.random back (tests; the host itself never needs to). */
  uninstall(): void;
}

/** Seed Math.random (process-wide) from `seed`. */
export function installSeededRandom(seed: number): SeededRandom {
  const original = Math.random;
  let rng: Rng = createRng(seed);
  const random = () => rng.next();
  Math.random = random;
  return {
    seed,
    next: random,
    state: () => rng.state(),
    restore(state) {
      rng = createRng(seed, [...state] as RngState);
    },
    uninstall() {
      if (Math.random === random) Math.random = original;
    },
  };
}
