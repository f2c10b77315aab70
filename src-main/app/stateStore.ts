/**
 * The app-state file (userData/lamina-state.json): read leniently, written atomically so a
 * crash mid-write leaves the previous state rather than a truncated file. Node only.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAppState, type AppState } from './windowState';

export const STATE_FILE_NAME = 'lamina-state.json';

export function stateFilePath(userDataDir: string): string {
  return join(userDataDir, STATE_FILE_NAME);
}

export function loadAppState(file: string): AppState {
  let text: string | null = null;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // First launch or unreadable: start from defaults.
  }
  return parseAppState(text);
}

export function saveAppState(file: string, state: AppState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, file);
}
