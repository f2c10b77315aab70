/**
 * An image folder: one sub-folder per class, images inside. Every image is decoded and
 * resized once, here, with sharp; training reads the stored pixels and never the images.
 * Grayscale (1 channel) when every image is grayscale (R = G = B in every pixel after
 * decoding), else RGB (3 channels); alpha is flattened onto black.
 */
import { readdir } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { sharp } from '../util/lazyModules';
import { inputError } from '../util/errors';
import { naturalCompare } from './typeInference';

export const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.bmp', '.tif', '.tiff', '.avif']);
export const DEFAULT_IMAGE_SIZE = 28;

export interface ImageFolderOptions {
  /** Output size: a number for square images, or [height, width]. */
  imageSize?: number | [number, number];
  onProgress?: (done: number, total: number) => void;
  /** How many images sharp decodes at once. */
  concurrency?: number;
}

export interface ImageFolderData {
  classes: string[];
  /** Class index per image. */
  labels: Int32Array;
  /** Image paths relative to the folder, in stored order. */
  files: string[];
  /** n * h * w * c bytes, HWC. */
  pixels: Uint8Array;
  shape: [number, number, number];
}

function sizeOf(opt: ImageFolderOptions['imageSize']): [number, number] {
  const [h, w] = opt === undefined ? [DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_SIZE] : typeof opt === 'number' ? [opt, opt] : opt;
  for (const v of [h, w]) {
    if (!Number.isInteger(v) || v < 1 || v > 4096) throw inputError(`imageSize must be a whole number from 1 to 4096, got ${v}`, { field: 'imageSize' });
  }
  return [h, w];
}

/** Class folders (sorted numeric-aware) and their image files (sorted), skipping non-images and hidden files. */
export async function listImageFolder(root: string): Promise<{ classes: string[]; files: { path: string; label: number }[] }> {
  const entries = await readdir(root, { withFileTypes: true });
  const dirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort(naturalCompare);
  const classes: string[] = [];
  const files: { path: string; label: number }[] = [];
  for (const dir of dirs) {
    const inner = await readdir(join(root, dir), { withFileTypes: true });
    const images = inner
      .filter((e) => e.isFile() && !e.name.startsWith('.') && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
      .map((e) => e.name)
      .sort(naturalCompare);
    if (images.length === 0) continue;
    const label = classes.length;
    classes.push(dir);
    for (const img of images) files.push({ path: join(root, dir, img), label });
  }
  if (classes.length < 2) {
    throw inputError(
      `${root}: an image folder needs at least 2 class sub-folders with images in them (found ${classes.length}${classes.length ? `: ${classes.join(', ')}` : ''})`,
      { file: root },
    );
  }
  return { classes, files };
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        await fn(items[i], i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function readImageFolder(root: string, opts: ImageFolderOptions = {}): Promise<ImageFolderData> {
  const [h, w] = sizeOf(opts.imageSize);
  const { classes, files } = await listImageFolder(root);
  const concurrency = opts.concurrency ?? 4;
  const undecodable = (file: string, err: unknown) =>
    inputError(`${file}: cannot decode image: ${err instanceof Error ? err.message : String(err)}`, { file });

  // One decode + resize per image, to RGB; whether the dataset is gray is decided from the
  // pixels afterwards (metadata can't tell: WebP and GIF always report colour channels).
  const rgbSize = h * w * 3;
  const rgb = new Uint8Array(files.length * rgbSize);
  let done = 0;
  await inParallel(files, concurrency, async (f, i) => {
    let out: { data: Buffer; info: { width: number; height: number; channels: number } };
    try {
      // failOn 'warning' (the strictest level; pinned, not left to the library's default): a truncated
      // or corrupt image is refused, naming the file, instead of being decoded with grey rows.
      out = await sharp()(f.path, { failOn: 'warning' })
        .flatten({ background: { r: 0, g: 0, b: 0 } })
        .resize({ width: w, height: h, fit: 'fill' })
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
    } catch (err) {
      throw undecodable(f.path, err);
    }
    if (out.info.channels !== 3 || out.data.length !== rgbSize) {
      throw inputError(`${f.path}: decoded to ${out.info.width}x${out.info.height}x${out.info.channels}, expected ${w}x${h}x3`, { file: f.path });
    }
    rgb.set(out.data, i * rgbSize);
    done++;
    opts.onProgress?.(done, files.length);
  });

  let allGray = true;
  for (let k = 0; k < rgb.length && allGray; k += 3) allGray = rgb[k] === rgb[k + 1] && rgb[k] === rgb[k + 2];
  let pixels = rgb;
  if (allGray) {
    pixels = new Uint8Array(files.length * h * w);
    for (let k = 0; k < pixels.length; k++) pixels[k] = rgb[k * 3];
  }
  const c = allGray ? 1 : 3;

  return {
    classes,
    labels: Int32Array.from(files, (f) => f.label),
    files: files.map((f) => relative(root, f.path)),
    pixels,
    shape: [h, w, c],
  };
}
