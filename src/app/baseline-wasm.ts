/**
 * Imported first by the bot's and the command line's entry points (after the heap settings):
 * WebAssembly runs on V8's baseline compiler only (`--liftoff-only`) and is not compiled again by the
 * optimizing one. The embedded store (PGlite) is PostgreSQL compiled to WebAssembly; its optimized
 * code held ~100 MB of resident memory (a process that only opened the store: 238 MB, 140 MB with the
 * flag).
 * - Command line: a 150-leaver bulk run peaked at 225.9 MB instead of 307.7 MB in the same time
 *   (270.5 s against 273.2 s). Statements are no slower for a batch on two cores: 3,000 inserts
 *   1,040 → 650 ms (no optimizing compiles competing), updates equal, scans ~10 % slower.
 * - Bot (50 chats at once, 10,000 mailboxes): ready at ~196 MB instead of ~280 MB, peak ~233 MB
 *   instead of ~300 MB. It first grew the turn tail (p99 1.5–3.5 s), when every turn waited for the
 *   store's writes; turns no longer wait for them (conversation references are written beside the
 *   answer, previews a few at a time), and the tail is 0.4–0.8 s with it (docs/performance.md).
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--liftoff-only');
