/**
 * Imported first by the command line (after the heap settings): WebAssembly runs on V8's baseline
 * compiler only (`--liftoff-only`) and is not compiled again by the optimizing one. The embedded store
 * (PGlite) is PostgreSQL compiled to WebAssembly; its optimized code held ~100 MB of resident memory
 * (a process that only opened the store: 238 MB, 140 MB with the flag), and a 150-leaver bulk run
 * peaked at 225.9 MB instead of 307.7 MB in the same time (270.5 s against 273.2 s). Statements are no
 * slower for a batch on two cores: 3,000 inserts 1,040 → 650 ms (no optimizing compiles competing),
 * updates equal, scans ~10 % slower.
 *
 * The bot keeps the optimizing compiler: with the flag its turn latency under a burst of 50 chats grew
 * a tail (p99 1.5–3.5 s against 0.5–1 s without), the single store connection serving every turn more
 * slowly (docs/performance.md).
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--liftoff-only');
