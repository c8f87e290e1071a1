import type { Accounts } from './accounts.js';
import type { AutoReplies } from './auto-replies.js';
import type { Clock } from './clock.js';
import type { Devices } from './devices.js';
import type { Directory } from './directory.js';
import type { Files } from './files.js';
import type { Groups } from './groups.js';
import type { Licences } from './licences.js';
import type { Mailbox } from './mailbox.js';
import type { Meetings } from './meetings.js';
import type { Messaging } from './messaging.js';
import type { MobileMail } from './mobile-mail.js';
import type { Notifier } from './notifier.js';
import type { OrgChart } from './org-chart.js';
import type { Ownership } from './ownership.js';
import type { SignInMethods } from './sign-in-methods.js';
import type { Users } from './users.js';

export type * from './accounts.js';
export type * from './auto-replies.js';
export type * from './clock.js';
export type * from './devices.js';
export type * from './directory.js';
export type * from './files.js';
export type * from './groups.js';
export type * from './identity.js';
export type * from './licences.js';
export type * from './log.js';
export type * from './mailbox.js';
export type * from './meetings.js';
export type * from './messaging.js';
export type * from './mobile-mail.js';
export type * from './notifier.js';
export type * from './org-chart.js';
export type * from './ownership.js';
export type * from './sign-in-methods.js';
export type * from './store.js';
export type * from './users.js';
export { systemClock } from './clock.js';
export { errorSummary, silentLog } from './log.js';

/**
 * The target systems a step may use, one port per capability so a step depends on what it calls.
 * `directory` is absent when no on-premises AD is configured. Entra ID (Microsoft Graph) is split into
 * `users` (reads), `accounts`, `groups`, `licences`, `autoReplies` and `messaging`.
 */
export interface Ports {
  directory?: Directory;
  users: Users;
  accounts: Accounts;
  groups: Groups;
  licences: Licences;
  autoReplies: AutoReplies;
  messaging: Messaging;
  /** Leaver checklist: sign-in methods, reporting lines, owned objects (Graph). */
  signInMethods: SignInMethods;
  orgChart: OrgChart;
  ownership: Ownership;
  /** Intune managed devices and Entra registered devices (Graph). */
  devices: Devices;
  mailbox: Mailbox;
  /** The leaver's mail clients in Exchange (ActiveSync devices, client access protocols). */
  mobileMail: MobileMail;
  /** Meetings the leaver organises: read from the calendar (Graph), cancelled through Exchange. */
  meetings: Meetings;
  files: Files;
  notifier: Notifier;
  clock: Clock;
}
