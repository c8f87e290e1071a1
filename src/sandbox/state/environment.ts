/** What the stores need from the running sandbox: time, consistency delays and deterministic ids. */
import { createHash } from 'node:crypto';
import type { TenantData } from './tenant-data.js';
import type { ConsistencyArea } from './visibility.js';

export interface StateEnvironment {
  /** Epoch milliseconds (the sandbox clock; tests may inject a fake one). */
  now(): number;
  /** Delay before a write in this area becomes visible to reads (0 = immediately). */
  delayMs(area: ConsistencyArea): number;
  /** A new GUID, deterministic for the tenant's id seed and the number of ids made so far. */
  newId(): string;
}

/** A UUID v4-shaped id derived from `seed:counter`, so runs with the same seed create the same ids. */
export function deterministicGuid(seed: number, counter: number): string {
  const hex = createHash('sha256').update(`${seed}:${counter}`).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function nextId(data: TenantData): string {
  data.idCounter += 1;
  return deterministicGuid(data.idSeed, data.idCounter);
}
