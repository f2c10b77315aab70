/**
 * Where the training host's entry file is. Bundled (out/main/cli.js, out/main/app.js) it sits
 * beside the bundle as trainingHost.js; from sources (tests, tsx) it is the .ts file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function trainingHostEntry(): string {
  const candidates = [
    join(__dirname, 'trainingHost.js'), // out/main/ (bundle)
    join(__dirname, '..', 'trainingHost.js'), // out/main/chunks/ (shared chunk)
    join(__dirname, 'host', 'trainingHost.ts'), // src-main/core/engine/ (sources)
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`training host entry not found; looked in: ${candidates.join(', ')}`);
  return found;
}
