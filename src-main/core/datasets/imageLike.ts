/**
 * Whether a dataset can be shown as images: an image dataset, or a table whose features are the
 * pixels of a square grey image (the 8×8 digits sample: 64 numeric columns p0…p63). Pure (the
 * renderer bundles it to decide whether to show image grids and galleries).
 */
type Meta = { kind: string; features: string[]; columns: { name: string; type: string }[] };

/** Side of the square grey image a tabular dataset's features form (64 numeric columns → 8), or null. */
export function squareImageSide(meta: Meta): number | null {
  if (meta.kind !== 'tabular') return null;
  const n = meta.features.length;
  const side = Math.round(Math.sqrt(n));
  if (side < 8 || side * side !== n || side > 64) return null;
  const numeric = meta.columns.filter((c) => meta.features.includes(c.name) && c.type === 'number').length === n;
  const indexed = meta.features.every((f, i) => f.replace(/\D+/g, '') === String(i) || f.endsWith(String(i)));
  return numeric && indexed ? side : null;
}

export function hasImages(meta: Meta): boolean {
  return meta.kind === 'image' || squareImageSide(meta) !== null;
}

