/** Samples a response delay from a latency configuration. */
import type { LatencyConfig } from './config.js';
import type { Random } from './prng.js';

export function sampleLatencyMs(config: LatencyConfig, random: Random): number {
  switch (config.kind) {
    case 'off':
      return 0;
    case 'fixed':
      return Math.max(0, config.ms);
    case 'uniform':
      return Math.max(0, config.minMs + random() * (config.maxMs - config.minMs));
    case 'normal': {
      // Irwin–Hall with 6 uniforms: mean 3, variance 0.5 → scaled to mean ± jitter (one standard deviation).
      let sum = 0;
      for (let i = 0; i < 6; i += 1) sum += random();
      return Math.max(0, config.meanMs + ((sum - 3) / Math.sqrt(0.5)) * config.jitterMs);
    }
  }
}
