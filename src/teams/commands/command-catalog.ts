/** The bot's commands. The manifest's command lists are checked against this list by a test. */
export interface CommandInfo {
  name: string;
  usage: string;
  description: string;
}

export const commandCatalog: readonly CommandInfo[] = [
  { name: 'help', usage: 'help', description: 'What I can do and how to ask' },
  {
    name: 'offboard',
    usage: 'offboard <upn | name> [--at "<date> <time> [zone]"]',
    description: 'Offboard a leaver: plan, confirm, approve, run',
  },
  { name: 'revoke', usage: 'revoke <upn>', description: "Remove a user's permissions on other mailboxes" },
  {
    name: 'contain',
    usage: 'contain <upn> [wipe]',
    description: 'Incident mode: cut a user off every system at once',
  },
  { name: 'provision', usage: 'provision <upn>', description: "Provision a joiner's licence and mailbox" },
  {
    name: 'undo',
    usage: 'undo <request id>',
    description: 'Reverse what a finished offboarding changed, after approval',
  },
  {
    name: 'restore',
    usage: 'restore <upn>',
    description: 'Restore a user deleted in the last 30 days and undo its offboarding',
  },
  {
    name: 'status',
    usage: 'status <request id>',
    description: 'Progress, approvals and changes of a request',
  },
  {
    name: 'history',
    usage: 'history <upn>',
    description: 'Every request about a user, with who asked and approved',
  },
  { name: 'cancel', usage: 'cancel <request id>', description: 'Cancel a request that has not finished' },
  {
    name: 'reschedule',
    usage: 'reschedule <request id> <date> <time> [zone]',
    description: 'Move a scheduled offboarding to another leave time',
  },
  { name: 'jobs', usage: 'jobs', description: 'Scheduled jobs: last run, next run and result' },
];

export type ParsedCommand = { name: string; argument: string } | null;

/** Commands are the first word, case-insensitive; the rest of the line is the argument. */
export function parseCommand(text: string | undefined): ParsedCommand {
  const clean = (text ?? '')
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (clean === '') return null;
  const [first = '', ...rest] = clean.split(' ');
  const name = first.toLowerCase();
  if (!commandCatalog.some((c) => c.name === name)) return null;
  return { name, argument: rest.join(' ').trim() };
}
