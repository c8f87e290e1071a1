/**
 * Imported first by the bot's and the command line's entry points: V8 sizes its heap for memory
 * rather than allocation speed (`--optimize-for-size`). The bot and a bulk run allocate a lot of
 * short-lived data (query results, JSON, promises) around a small live heap (~60–80 MB); with the
 * default heap growth V8 let garbage pile up to 200+ MB before collecting it, so the process peaked at
 * ~430 MB for a 60-leaver batch, and at ~280 MB with this setting, in the same wall time
 * (docs/performance.md). V8 reads the flag when it decides how far the heap may grow, so setting it
 * here, before anything large is allocated, takes effect; the flags fixed when the process started
 * are unaffected.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--optimize-for-size');
