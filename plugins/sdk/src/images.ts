/**
 * Image datasets from importers (plugin API 1.1.0).
 *
 * An importer may return images instead of a table: medical scans, microscopy, anything a table
 * cannot carry. Lamina stores them as an image dataset (like an image folder) and, when the
 * importer gives each image a group (a patient, a subject, a slide), splits by group so that no
 * group's images land in two splits (no leakage from train to test).
 */

/** What an importer returns for images. `kind: 'images'` tells it from a table. */
export interface ImportedImages {
  kind: 'images';
  /** [height, width, channels] of every image; channels 1 (gray) or 3 (RGB). */
  shape: [number, number, number];
  /** n × height × width × channels values 0–255, image after image, each row-major (HWC). */
  pixels: Uint8Array;
  /** Class label of each image (n labels; at least 2 distinct). */
  labels: string[];
  /** Optional group of each image, e.g. its PatientID: a group's images all go to one split. */
  groups?: string[];
  /** What the groups are, for the dataset summary (e.g. "PatientID"). */
  groupKey?: string;
  /** Facts about the import recorded on the dataset and shown with it (size, window, skipped files…). */
  info?: Record<string, string | number | boolean>;
  /**
   * 1.2: facts per image (n entries), kept with the dataset for dataset views, e.g.
   * `{ file: 'lesion/a.dcm', frame: 0, PatientID, Modality, PixelSpacing }`. A `file` entry (the path
   * relative to the imported folder) is also what explanations name as the sample's source.
   */
  samples?: Record<string, string | number | boolean>[];
  /**
   * 1.2: each image's values before they were mapped to 0–255 (e.g. Hounsfield units before the
   * window), same layout as `pixels`, so a viewer can window them again. Kept beside the dataset.
   */
  values?: Float32Array;
  /** 1.2: what `values` are, e.g. "HU". */
  valuesUnit?: string;
}

/** True when an importer's answer is images rather than a table. */
export function isImportedImages(x: unknown): x is ImportedImages {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'images';
}

