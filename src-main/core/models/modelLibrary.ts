/**
 * The user's own model sources, kept as plain files in <workspace>/models/<name>.ts so they
 * can be edited, diffed and versioned outside Lamina too.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inputError, LaminaError, notFound } from '../util/errors';
import { writeFileAtomicSync } from '../util/atomicWrite';

const NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,79}$/;

export class ModelLibrary {
  constructor(private readonly dir: string) {}

  private fileOf(name: string): string {
    if (!NAME.test(name) || name.includes('..')) {
      throw inputError(
        `model name "${name}" must start with a letter or digit and use only letters, digits, spaces, "_", "-" or "." (80 at most)`,
        { field: 'name' },
      );
    }
    return join(this.dir, `${name.replace(/\.(ts|js)$/, '')}.ts`);
  }

  list(): { name: string; updatedAt: string }[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.ts') || f.endsWith('.js'))
      .map((f) => ({ name: f.replace(/\.(ts|js)$/, ''), updatedAt: statSync(join(this.dir, f)).mtime.toISOString() }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  has(name: string): boolean {
    return NAME.test(name) && existsSync(this.fileOf(name));
  }

  read(name: string): string {
    const file = this.fileOf(name);
    if (!existsSync(file)) throw notFound(`no saved model named "${name}"`);
    return readFileSync(file, 'utf8');
  }

  save(name: string, source: string): void {
    writeFileAtomicSync(this.fileOf(name), source);
  }

  rename(from: string, to: string): void {
    const src = this.fileOf(from);
    const dst = this.fileOf(to);
    if (!existsSync(src)) throw notFound(`no saved model named "${from}"`);
    if (existsSync(dst)) throw new LaminaError('conflict', `a model named "${to}" already exists`);
    renameSync(src, dst);
  }

  delete(name: string): void {
    const file = this.fileOf(name);
    if (!existsSync(file)) throw notFound(`no saved model named "${name}"`);
    rmSync(file);
  }
}
