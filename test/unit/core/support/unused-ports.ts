/** Ports for runner tests whose steps talk to a test target instead: any use is a test bug. */
import type { Clock } from '../../../../src/core/ports/clock.js';
import type {
  Accounts,
  AutoReplies,
  Devices,
  Files,
  Groups,
  Licences,
  Mailbox,
  Meetings,
  Messaging,
  MobileMail,
  Notifier,
  OrgChart,
  Ownership,
  Ports,
  SignInMethods,
  Users,
} from '../../../../src/core/ports/index.js';

function unused(name: string): object {
  return new Proxy(
    {},
    {
      get: (_target, property) => {
        throw new Error(`The ${name} port is not part of this test (read ${String(property)})`);
      },
    },
  );
}

export function unusedPorts(clock: Clock): Ports {
  return {
    users: unused('users') as Users,
    accounts: unused('accounts') as Accounts,
    groups: unused('groups') as Groups,
    licences: unused('licences') as Licences,
    autoReplies: unused('autoReplies') as AutoReplies,
    messaging: unused('messaging') as Messaging,
    signInMethods: unused('signInMethods') as SignInMethods,
    orgChart: unused('orgChart') as OrgChart,
    ownership: unused('ownership') as Ownership,
    devices: unused('devices') as Devices,
    mailbox: unused('mailbox') as Mailbox,
    mobileMail: unused('mobileMail') as MobileMail,
    meetings: unused('meetings') as Meetings,
    files: unused('files') as Files,
    notifier: unused('notifier') as Notifier,
    clock,
  };
}
