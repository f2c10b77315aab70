/**
 * Readable names for runs nobody named ("quiet-river-12"), as W&B gives them: two words are easier to
 * say, remember and find in a table than an id prefix. The words come from the run's random id (names
 * are labels, not part of a run's reproducible record); the number is the run's place in the workspace.
 */
import { inputError } from '../util/errors';

const ADJECTIVES = [
  'amber', 'ancient', 'autumn', 'bold', 'brave', 'bright', 'calm', 'clever', 'cold', 'crimson', 'crisp', 'dark',
  'dawn', 'deep', 'dry', 'dusty', 'eager', 'early', 'fancy', 'fast', 'fine', 'fresh', 'gentle', 'golden', 'grand',
  'green', 'hidden', 'icy', 'jolly', 'keen', 'kind', 'late', 'light', 'lively', 'lucky', 'misty', 'noble', 'odd',
  'pale', 'polished', 'proud', 'quick', 'quiet', 'rapid', 'royal', 'rustic', 'shy', 'silent', 'silver', 'sleek',
  'snowy', 'solar', 'spring', 'steady', 'still', 'stormy', 'sunny', 'swift', 'tidy', 'twilight', 'vivid', 'warm',
  'wild', 'wise',
];
const NOUNS = [
  'bird', 'breeze', 'brook', 'butterfly', 'canyon', 'cedar', 'cloud', 'comet', 'dawn', 'dew', 'dream', 'dune',
  'field', 'fire', 'firefly', 'flower', 'fog', 'forest', 'frog', 'frost', 'galaxy', 'glade', 'grass', 'harbor',
  'haze', 'hill', 'lake', 'leaf', 'meadow', 'moon', 'morning', 'mountain', 'night', 'oak', 'ocean', 'otter',
  'paper', 'pebble', 'pine', 'planet', 'pond', 'rain', 'resonance', 'river', 'sea', 'shadow', 'shape', 'sky',
  'smoke', 'snow', 'sound', 'star', 'sun', 'sunset', 'surf', 'thunder', 'tree', 'valley', 'violet', 'voice',
  'water', 'wave', 'wind', 'wood',
];

/** `adjective-noun-N` from a hex run id and the run's 1-based number in its workspace. */
export function readableRunName(runId: string, runNumber: number): string {
  const a = parseInt(runId.slice(0, 6), 16) || 0;
  const b = parseInt(runId.slice(6, 12), 16) || 0;
  return `${ADJECTIVES[a % ADJECTIVES.length]}-${NOUNS[b % NOUNS.length]}-${runNumber}`;
}

/** A name typed by a person for a run: one line, trimmed, non-empty, at most 200 characters. */
export function cleanRunName(name: string): string {
  const clean = name.replace(/\s+/g, ' ').trim();
  if (clean === '') throw inputError('a run name must not be empty', { field: 'name' });
  if (clean.length > 200) throw inputError('a run name has at most 200 characters', { field: 'name' });
  return clean;
}
