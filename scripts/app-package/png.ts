/**
 * Minimal PNG encoder and reader (8-bit, non-interlaced), enough to write the app icons and to check
 * them: Teams wants a 192×192 full-colour icon and a 32×32 white-on-transparent outline icon.
 */
import { crc32, deflateSync, inflateSync } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** PNG colour types this module handles: 2 = RGB, 6 = RGBA. */
export type PngColorType = 2 | 6;

export interface PngImage {
  width: number;
  height: number;
  colorType: PngColorType;
  /** Row-major samples, 3 (RGB) or 4 (RGBA) bytes per pixel. */
  pixels: Uint8Array;
}

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
}

const channelsOf = (colorType: number): number => {
  switch (colorType) {
    case 0:
      return 1; // grey
    case 2:
      return 3; // RGB
    case 4:
      return 2; // grey + alpha
    case 6:
      return 4; // RGBA
    default:
      throw new Error(`PNG colour type ${colorType} is not supported (indexed images are not expected here)`);
  }
};

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Encode an image as PNG (filter type 0 on every row: the icons are tiny). */
export function encodePng(image: PngImage): Buffer {
  const channels = channelsOf(image.colorType);
  const rowBytes = image.width * channels;
  if (image.pixels.length !== rowBytes * image.height) {
    throw new Error(`pixel buffer has ${image.pixels.length} bytes, expected ${rowBytes * image.height}`);
  }
  const raw = Buffer.alloc((rowBytes + 1) * image.height);
  for (let y = 0; y < image.height; y++) {
    raw[y * (rowBytes + 1)] = 0;
    Buffer.from(image.pixels.buffer, image.pixels.byteOffset + y * rowBytes, rowBytes).copy(
      raw,
      y * (rowBytes + 1) + 1,
    );
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(image.width, 0);
  ihdr.writeUInt32BE(image.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = image.colorType;
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

interface Chunk {
  type: string;
  data: Buffer;
}

function* chunks(png: Buffer): Generator<Chunk> {
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE))
    throw new Error('not a PNG file (bad signature)');
  let offset = 8;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const end = offset + 8 + length;
    if (end + 4 > png.length) throw new Error(`PNG chunk ${type} runs past the end of the file`);
    const data = png.subarray(offset + 8, end);
    if (crc32(png.subarray(offset + 4, end)) !== png.readUInt32BE(end))
      throw new Error(`PNG chunk ${type} has a bad CRC`);
    yield { type, data };
    offset = end + 4;
  }
}

/** Read the IHDR chunk (checks the signature, the chunk order and its CRC). */
export function readPngHeader(png: Buffer): PngHeader {
  const first = chunks(png).next();
  if (first.done || first.value.type !== 'IHDR' || first.value.data.length !== 13) {
    throw new Error('PNG does not start with an IHDR chunk');
  }
  const d = first.value.data;
  return {
    width: d.readUInt32BE(0),
    height: d.readUInt32BE(4),
    bitDepth: d[8]!,
    colorType: d[9]!,
    interlace: d[12]!,
  };
}

const paeth = (a: number, b: number, c: number): number => {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

/** Decode an 8-bit, non-interlaced PNG of colour type 0, 2, 4 or 6 into raw samples. */
export function decodePng(png: Buffer): { header: PngHeader; channels: number; pixels: Uint8Array } {
  const header = readPngHeader(png);
  if (header.bitDepth !== 8) throw new Error(`PNG bit depth ${header.bitDepth} is not supported`);
  if (header.interlace !== 0) throw new Error('interlaced PNGs are not supported');
  const channels = channelsOf(header.colorType);
  const idat: Buffer[] = [];
  for (const c of chunks(png)) if (c.type === 'IDAT') idat.push(c.data);
  const raw = inflateSync(Buffer.concat(idat));
  const rowBytes = header.width * channels;
  if (raw.length !== (rowBytes + 1) * header.height) throw new Error('PNG image data has the wrong size');
  const out = new Uint8Array(rowBytes * header.height);
  for (let y = 0; y < header.height; y++) {
    const filter = raw[y * (rowBytes + 1)]!;
    const src = y * (rowBytes + 1) + 1;
    const row = y * rowBytes;
    for (let x = 0; x < rowBytes; x++) {
      const a = x >= channels ? out[row + x - channels]! : 0;
      const b = y > 0 ? out[row - rowBytes + x]! : 0;
      const c = x >= channels && y > 0 ? out[row - rowBytes + x - channels]! : 0;
      const v = raw[src + x]!;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (predictor === undefined) throw new Error(`PNG row ${y} has unknown filter ${filter}`);
      out[row + x] = (v + predictor) & 0xff;
    }
  }
  return { header, channels, pixels: out };
}
