import type { Clock } from './clock.js';
import type { Directory } from './directory.js';
import type { Files } from './files.js';
import type { Identity } from './identity.js';
import type { Mailbox } from './mailbox.js';
import type { Notifier } from './notifier.js';

export type * from './clock.js';
export type * from './directory.js';
export type * from './files.js';
export type * from './identity.js';
export type * from './log.js';
export type * from './mailbox.js';
export type * from './notifier.js';
export type * from './store.js';
export { systemClock } from './clock.js';
export { errorSummary, silentLog } from './log.js';

/** The target systems a step may use. `directory` is absent when no on-premises AD is configured. */
export interface Ports {
  directory?: Directory;
  identity: Identity;
  mailbox: Mailbox;
  files: Files;
  notifier: Notifier;
  clock: Clock;
}
