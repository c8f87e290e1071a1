/**
 * Group membership writes. Membership lives in the group's `member` attribute (the user's `memberOf`
 * is a constructed back-link AD refuses to write). A single-value `delete`/`add` modification works
 * whatever the group's size: nothing reads the member list, which AD would return in ranges of 1500.
 * The primary group isn't in `member` at all; removing it is refused with a clear error.
 */
import { AndFilter, Attribute, Change, EqualityFilter } from 'ldapts';
import { ConflictError, NotFoundError, VerificationError } from '../../core/errors.js';
import { firstBuffer, firstValue, ridOf } from './account-entry.js';
import { isAlreadyAMember, isNotAMember } from './ldap-errors.js';
import type { LdapClient } from './ldap-session.js';

export type MembershipChange = 'removed' | 'added' | 'unchanged';

export async function removeMember(
  client: LdapClient,
  userDn: string,
  groupDn: string,
): Promise<MembershipChange> {
  await refusePrimaryGroup(client, userDn, groupDn);
  return changeMembership(client, userDn, groupDn, 'delete');
}

export function addMember(client: LdapClient, userDn: string, groupDn: string): Promise<MembershipChange> {
  return changeMembership(client, userDn, groupDn, 'add');
}

/** Per modification: its outcome, the refusal that means "already so", and what the read-back must show. */
const MEMBERSHIP_CHANGES = {
  delete: {
    outcome: 'removed',
    isAlreadySo: isNotAMember,
    isMemberAfter: false,
    unverified: 'The user is still a member of the group after the removal',
  },
  add: {
    outcome: 'added',
    isAlreadySo: isAlreadyAMember,
    isMemberAfter: true,
    unverified: 'The user is not a member of the group after the addition',
  },
} as const;

async function changeMembership(
  client: LdapClient,
  userDn: string,
  groupDn: string,
  operation: 'add' | 'delete',
): Promise<MembershipChange> {
  const rule = MEMBERSHIP_CHANGES[operation];
  let change: MembershipChange = rule.outcome;
  try {
    await client.modify(groupDn, memberChange(operation, userDn));
  } catch (error) {
    if (!rule.isAlreadySo(error)) throw error;
    change = 'unchanged';
  }
  if ((await isMember(client, userDn, groupDn)) !== rule.isMemberAfter) {
    throw new VerificationError(rule.unverified);
  }
  return change;
}

/** Asks the server whether the group's `member` holds the DN (it compares DNs by its own rules). */
async function isMember(client: LdapClient, userDn: string, groupDn: string): Promise<boolean> {
  const { searchEntries } = await client.search(groupDn, {
    scope: 'base',
    filter: new AndFilter({
      filters: [
        new EqualityFilter({ attribute: 'objectClass', value: 'group' }),
        new EqualityFilter({ attribute: 'member', value: userDn }),
      ],
    }),
    attributes: ['1.1'],
  });
  return searchEntries.length > 0;
}

async function refusePrimaryGroup(client: LdapClient, userDn: string, groupDn: string): Promise<void> {
  const user = await readOne(client, userDn, ['primaryGroupID', 'objectSid'], 'user');
  const group = await readOne(client, groupDn, ['objectSid', 'objectClass'], 'group');
  const userSid = firstBuffer(user, 'objectSid');
  const groupSid = firstBuffer(group, 'objectSid');
  const primaryGroupId = Number(firstValue(user, 'primaryGroupID'));
  if (userSid === undefined || groupSid === undefined || !Number.isInteger(primaryGroupId)) return;
  const groupRid = ridOf(groupSid);
  if (groupRid.domain === ridOf(userSid).domain && groupRid.rid === primaryGroupId) {
    throw new ConflictError(
      "The group is the user's primary group: AD keeps that membership in primaryGroupID, and the connector never removes it",
    );
  }
}

async function readOne(
  client: LdapClient,
  dn: string,
  attributes: string[],
  what: string,
): Promise<Awaited<ReturnType<LdapClient['search']>>['searchEntries'][number]> {
  const { searchEntries } = await client.search(dn, {
    scope: 'base',
    attributes,
    explicitBufferAttributes: ['objectSid'],
  });
  const entry = searchEntries[0];
  if (entry === undefined) throw new NotFoundError(`The ${what} does not exist`);
  return entry;
}

function memberChange(operation: 'add' | 'delete', userDn: string): Change {
  return new Change({ operation, modification: new Attribute({ type: 'member', values: [userDn] }) });
}
