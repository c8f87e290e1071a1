/**
 * Imported first by the bot's and the command line's entry points: V8 is set up for memory rather
 * than peak speed, before anything large is allocated or compiled. The flags fixed when the process
 * started are unaffected; these are read when V8 next decides, so setting them here takes effect.
 *
 * - `--optimize-for-size`: the heap grows for memory rather than allocation speed. The bot and a bulk
 *   run allocate a lot of short-lived data (query results, JSON, promises) around a small live heap
 *   (~60–80 MB); with the default heap growth V8 let garbage pile up to 200+ MB before collecting it,
 *   so the process peaked at ~430 MB for a 60-leaver batch, and at ~280 MB with this setting, in the
 *   same wall time (docs/performance.md).
 * - `--liftoff-only`: WebAssembly runs on V8's baseline compiler and is not compiled again by the
 *   optimizing one. The embedded store (PGlite) is PostgreSQL compiled to WebAssembly; its optimized
 *   code took ~100 MB of resident memory (a process with the store open: 238 MB, 140 MB with the flag).
 *   Its statements are small and few per change: 3,000 inserts took 650 ms instead of 1,040 ms (no
 *   optimizing compiles competing for the two cores), 3,000 updates the same, 300 scans ~10 % longer.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--optimize-for-size');
setFlagsFromString('--liftoff-only');
