import { expect } from 'vitest';

/** The error `fn` throws, checked to be a `type`; fails the test when it throws nothing. */
export function thrownBy<E extends Error>(fn: () => unknown, type: new (...args: never[]) => E): E {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return e as E;
  }
  throw new Error(`expected ${type.name} to be thrown`);
}
