/**
 * Imported by the bot's entry point, before anything else is compiled: JavaScript goes straight to
 * V8's baseline compiler (`--always-sparkplug`) with its feedback vectors allocated at once
 * (`--no-lazy-feedback-allocation`), instead of running in the interpreter until it has been called
 * often enough. A restart meets its first turns with every code path cold: fifty first turns at once
 * on a fresh bot (10,000-mailbox bench) took a p99 of 762–1,312 ms, and 509–661 ms with these flags,
 * for ~10 MB more resident memory (peak 243 MB; docs/performance.md). The command line keeps V8's
 * defaults: nobody waits on its first milliseconds.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--always-sparkplug');
setFlagsFromString('--no-lazy-feedback-allocation');
