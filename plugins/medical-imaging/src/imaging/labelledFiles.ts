/**
 * Which files a medical import reads and their labels: one sub-folder per class (searched
 * recursively, as scanners nest series), or a CSV `file,label` (paths relative to the folder).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ImportInputError } from '@lamina/plugin-sdk';

export interface LabelledFile {
  path: string;
  /** Path relative to the imported folder, for messages. */
  name: string;
  label: string;
}

const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const NOT_IMAGES = /\.(csv|tsv|txt|md|json|xml|html?|pdf|py|zip)$/i;

function walk(dir: string, accept: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort(natural.compare)) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...walk(p, accept));
    else if (st.isFile() && accept(name)) out.push(p);
  }
  return out;
}

export function labelledFiles(root: string, accept: (name: string) => boolean, labelsCsv?: unknown): LabelledFile[] {
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new ImportInputError(`${root}: no such file or folder`);
  }
  if (!st.isDirectory()) throw new ImportInputError(`${root}: give a folder (one sub-folder per class, or --opt labels=FILE.csv), not a single file`);
  if (labelsCsv !== undefined && labelsCsv !== '') {
    const csv = isAbsolute(String(labelsCsv)) ? String(labelsCsv) : resolve(String(labelsCsv));
    let text: string;
    try {
      text = readFileSync(csv, 'utf8');
    } catch {
      throw new ImportInputError(`labels file ${csv}: cannot read it`);
    }
    const out: LabelledFile[] = [];
    text.split(/\r?\n/).forEach((line, i) => {
      if (!line.trim()) return;
      const [file, label] = line.split(',').map((s) => s.trim());
      if (i === 0 && /^(file|path|filename)$/i.test(file) && /^(label|class)$/i.test(label ?? '')) return; // header
      if (!file || !label) throw new ImportInputError(`labels file ${csv}:${i + 1}: expected "file,label", got ${JSON.stringify(line)}`);
      const path = resolve(root, file);
      try {
        statSync(path);
      } catch {
        throw new ImportInputError(`labels file ${csv}:${i + 1}: ${file} does not exist under ${root}`);
      }
      out.push({ path, name: relative(root, path), label });
    });
    return out;
  }
  const classes = readdirSync(root).filter((n) => !n.startsWith('.') && statSync(join(root, n)).isDirectory()).sort(natural.compare);
  const out: LabelledFile[] = [];
  for (const label of classes) for (const path of walk(join(root, label), accept)) out.push({ path, name: relative(root, path), label });
  const found = new Set(out.map((f) => f.label));
  if (found.size < 2) {
    throw new ImportInputError(`${root}: needs at least 2 class sub-folders with images (found ${found.size ? [...found].join(', ') : 'none'}), or --opt labels=FILE.csv`);
  }
  return out;
}

export function notAnImageName(name: string): boolean {
  return NOT_IMAGES.test(name) || name.toUpperCase() === 'DICOMDIR';
}
