/** The transfer syntaxes this plugin reads, and how each one's pixel data is decoded. */
export type PixelEncoding = 'native' | 'rle' | 'jpeg-baseline' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg2000';

export interface TransferSyntax {
  uid: string;
  name: string;
  encoding: PixelEncoding;
  bigEndian?: boolean;
}

const LIST: TransferSyntax[] = [
  { uid: '1.2.840.10008.1.2', name: 'Implicit VR Little Endian', encoding: 'native' },
  { uid: '1.2.840.10008.1.2.1', name: 'Explicit VR Little Endian', encoding: 'native' },
  { uid: '1.2.840.10008.1.2.1.99', name: 'Deflated Explicit VR Little Endian', encoding: 'native' },
  { uid: '1.2.840.10008.1.2.2', name: 'Explicit VR Big Endian', encoding: 'native', bigEndian: true },
  { uid: '1.2.840.10008.1.2.5', name: 'RLE Lossless', encoding: 'rle' },
  { uid: '1.2.840.10008.1.2.4.50', name: 'JPEG Baseline (8-bit)', encoding: 'jpeg-baseline' },
  { uid: '1.2.840.10008.1.2.4.51', name: 'JPEG Extended (12-bit)', encoding: 'jpeg-baseline' },
  { uid: '1.2.840.10008.1.2.4.57', name: 'JPEG Lossless', encoding: 'jpeg-lossless' },
  { uid: '1.2.840.10008.1.2.4.70', name: 'JPEG Lossless SV1', encoding: 'jpeg-lossless' },
  { uid: '1.2.840.10008.1.2.4.80', name: 'JPEG-LS Lossless', encoding: 'jpeg-ls' },
  { uid: '1.2.840.10008.1.2.4.81', name: 'JPEG-LS Near-lossless', encoding: 'jpeg-ls' },
  { uid: '1.2.840.10008.1.2.4.90', name: 'JPEG 2000 Lossless', encoding: 'jpeg2000' },
  { uid: '1.2.840.10008.1.2.4.91', name: 'JPEG 2000', encoding: 'jpeg2000' },
];

const BY_UID = new Map(LIST.map((t) => [t.uid, t]));

export function transferSyntax(uid: string): TransferSyntax | undefined {
  return BY_UID.get(uid);
}

export const SUPPORTED_TRANSFER_SYNTAXES: readonly TransferSyntax[] = LIST;
