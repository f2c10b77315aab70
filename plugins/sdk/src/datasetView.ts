/**
 * Dataset views (plugin API 1.2): a view declared with `location: 'dataset'` is shown as a tab of
 * the Datasets page for the selected dataset. Its context carries `datasetId`, and it reads that
 * dataset (and no other) through the bridge:
 *
 *   laminaView.register('viewer', async (root, view) => {
 *     const page = await getSamples(view, { datasetId: view.context.datasetId!, offset: 0, limit: 16 });
 *     const gray = samplePixels(page.samples[0]);      // Uint8Array, h × w × c, as trained on
 *     const hu = sampleValues(page.samples[0]);        // Float32Array or null: values before windowing
 *   });
 */

/** Per-image facts an importer records (e.g. PatientID, Modality, PixelSpacing, file, frame). */
export type SampleMeta = Record<string, string | number | boolean>;

/** One stored sample of an image dataset. */
export interface DatasetSample {
  /** Row index in the dataset (import order). */
  index: number;
  split: 'train' | 'validation' | 'test';
  label: string;
  /** What the importer recorded for this image (`{}` when nothing). */
  meta: SampleMeta;
  /** The stored pixels (uint8, h × w × c, row-major HWC), base64: decode with samplePixels(). */
  pixels: string;
  /** The importer's values before display mapping (e.g. Hounsfield units), float32 little-endian, base64; null when not kept. */
  values: string | null;
}

export interface DatasetSamplesPage {
  datasetId: string;
  /** Samples matching the request's filter. */
  total: number;
  /** [height, width, channels]. */
  shape: number[];
  classes: string[];
  /** Whether the dataset keeps pre-display values (see ImportedImages.values). */
  hasValues: boolean;
  /** What the values are, as the importer said (e.g. "HU"); null when not said. */
  valuesUnit: string | null;
  samples: DatasetSample[];
}

export interface DatasetSamplesRequest {
  datasetId: string;
  offset?: number;
  /** At most 64 per request. */
  limit?: number;
  /** Only samples of this class. */
  label?: string;
  /** Only samples of this split. */
  split?: 'train' | 'validation' | 'test';
}

/** What a dataset view can ask for (1.2). */
export interface DatasetViewRequests {
  /** The dataset's record (name, kind, shape, classes, splits, importInfo, grouping…). */
  getDataset(args: { datasetId: string }): unknown;
  getSamples(args: DatasetSamplesRequest): DatasetSamplesPage;
}

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A sample's stored pixels (h × w × c, 0–255). */
export function samplePixels(s: DatasetSample): Uint8Array {
  return fromBase64(s.pixels);
}

/** A sample's pre-display values (h × w × c), or null when the dataset has none. */
export function sampleValues(s: DatasetSample): Float32Array | null {
  if (!s.values) return null;
  const bytes = fromBase64(s.values);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** `view.request('getSamples', …)` with its types. */
export function getSamples(view: { request(method: 'getSamples', params: DatasetSamplesRequest): Promise<DatasetSamplesPage> }, req: DatasetSamplesRequest): Promise<DatasetSamplesPage> {
  return view.request('getSamples', req);
}
