/**
 * The workspace the app has open, and switching to another: the old core is closed (its
 * listeners detached) only once the new one has opened, so a bad folder leaves the app where
 * it was. Electron-free.
 */
import type { ApiCore } from '../core/api/dispatch';
import type { ApiEvent } from '../core/api/contract';

export interface OpenableCore extends ApiCore {
  close(): void;
}

export class WorkspaceSession<C extends OpenableCore = OpenableCore> {
  private active: { dir: string; core: C; unsubscribe: () => void } | null = null;

  constructor(
    private readonly openCore: (dir: string) => C,
    private readonly onEvent: (event: ApiEvent) => void,
  ) {}

  get dir(): string | null {
    return this.active?.dir ?? null;
  }

  /** The open core; throws when none is open (callers run after `open` succeeded once). */
  core(): C {
    if (!this.active) throw new Error('no workspace is open');
    return this.active.core;
  }

  /** Opens `dir` (creating it when new) and makes it current. Throws what the core throws. */
  open(dir: string): C {
    const core = this.openCore(dir);
    const unsubscribe = core.onEvent((e) => this.onEvent(e as ApiEvent));
    const previous = this.active;
    this.active = { dir: core.paths.root, core, unsubscribe };
    if (previous) {
      previous.unsubscribe();
      previous.core.close();
    }
    return core;
  }

  close(): void {
    const previous = this.active;
    this.active = null;
    if (previous) {
      previous.unsubscribe();
      previous.core.close();
    }
  }
}
