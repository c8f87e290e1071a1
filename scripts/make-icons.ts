/**
 * `npx tsx scripts/make-icons.ts`: draw the Teams app icons into appPackage/.
 * - color.png: 192×192, the glyph in white on the accent colour (opaque RGB);
 * - outline.png: 32×32, the glyph in white on a transparent background (RGBA).
 * The glyph is a person inside a circular arrow (the identity lifecycle), drawn from geometry with
 * 4×4 supersampling so edges are anti-aliased.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng } from './app-package/png.js';

/** Must match `accentColor` in appPackage/manifest.json. */
export const ACCENT_COLOR = '#0E7A5F';

type Point = readonly [number, number];

const RING_INNER = 0.4;
const RING_OUTER = 0.47;
const DEG = Math.PI / 180;
/** The ring leaves a gap at the top, from -115° to -65° (screen coordinates: y grows downwards). */
const GAP_START = -115 * DEG;
const GAP_END = -65 * DEG;

const polar = (radius: number, angle: number): Point => [
  0.5 + radius * Math.cos(angle),
  0.5 + radius * Math.sin(angle),
];
const ARROW: readonly [Point, Point, Point] = [
  polar(0.355, GAP_START),
  polar(0.515, GAP_START),
  polar(0.435, -87 * DEG),
];

const cross = (a: Point, b: Point, p: Point): number =>
  (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);

function inTriangle(p: Point, [a, b, c]: readonly [Point, Point, Point]): boolean {
  const d1 = cross(a, b, p);
  const d2 = cross(b, c, p);
  const d3 = cross(c, a, p);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

/** Is the point (unit square, origin top left) inside the glyph? */
export function glyphContains(x: number, y: number): boolean {
  const head = (x - 0.5) ** 2 + (y - 0.39) ** 2 <= 0.115 ** 2;
  const shoulders = y <= 0.7 && ((x - 0.5) / 0.2) ** 2 + ((y - 0.78) / 0.22) ** 2 <= 1;
  const r = Math.hypot(x - 0.5, y - 0.5);
  const angle = Math.atan2(y - 0.5, x - 0.5);
  const ring = r >= RING_INNER && r <= RING_OUTER && !(angle > GAP_START && angle < GAP_END);
  return head || shoulders || ring || inTriangle([x, y], ARROW);
}

/** Coverage (0..1) of each pixel of a size×size image whose glyph fills the centred box of boxSize pixels. */
export function renderCoverage(size: number, boxSize: number, samples = 4): Float64Array {
  const coverage = new Float64Array(size * size);
  const margin = (size - boxSize) / 2;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples - margin) / boxSize;
          const y = (py + (sy + 0.5) / samples - margin) / boxSize;
          if (glyphContains(x, y)) hits++;
        }
      }
      coverage[py * size + px] = hits / (samples * samples);
    }
  }
  return coverage;
}

function hexToRgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

export function colorIcon(): Buffer {
  const size = 192;
  const coverage = renderCoverage(size, 132);
  const background = hexToRgb(ACCENT_COLOR);
  const pixels = new Uint8Array(size * size * 3);
  coverage.forEach((c, i) => {
    for (let ch = 0; ch < 3; ch++) pixels[i * 3 + ch] = Math.round(background[ch]! * (1 - c) + 255 * c);
  });
  return encodePng({ width: size, height: size, colorType: 2, pixels });
}

export function outlineIcon(): Buffer {
  const size = 32;
  const coverage = renderCoverage(size, 30);
  const pixels = new Uint8Array(size * size * 4);
  coverage.forEach((c, i) => {
    pixels.set([255, 255, 255, Math.round(255 * c)], i * 4);
  });
  return encodePng({ width: size, height: size, colorType: 6, pixels });
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const appPackageDir = resolve(fileURLToPath(import.meta.url), '..', '..', 'appPackage');
  writeFileSync(join(appPackageDir, 'color.png'), colorIcon());
  writeFileSync(join(appPackageDir, 'outline.png'), outlineIcon());
  process.stdout.write('wrote appPackage/color.png (192×192) and appPackage/outline.png (32×32)\n');
}
