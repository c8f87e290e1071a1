/**
 * Reads the user members of a group over LDAPS for the joiners trigger. One paged subtree search under
 * the base DN, `(&(sAMAccountType=<user>)(memberOf=<group DN>))`, built from ldapts filter objects
 * (the group DN travels as BER data, never as filter text). `memberOf` is the back-link AD maintains
 * from the group's `member`, so a group of any size is read in pages of `pageSize` users without
 * AD's 1500-value range retrieval of `member`.
 */
import { AndFilter, EqualityFilter, type Entry } from 'ldapts';
import type { Logger } from 'pino';
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import type { DirectoryGroupMembers, DirectoryMember } from '../../core/ports/directory-members.js';
import { SAM_USER_OBJECT, firstBuffer, firstValue, isValidAttributeName } from './account-entry.js';
import { checkedDn } from './ldap-input.js';
import { readEntry } from './ldap-reads.js';
import { type CreateLdapClient, LdapSession } from './ldap-session.js';
import { isDisabled, parseUserAccountControl } from './user-account-control.js';

export interface LdapGroupMembersOptions {
  /** `ldaps://host:636`. */
  url: string;
  bindDn: string;
  bindPassword: string;
  /** Members are searched inside this subtree. */
  baseDn: string;
  tlsCa?: string | readonly string[];
  tlsServerName?: string;
  rejectUnauthorized?: boolean;
  /** Per-request timeout; default 30 000 ms (a page of a large group). */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /** Users per page; default 500 (AD's MaxPageSize is 1000). */
  pageSize?: number;
  logger: Logger;
  createClient?: CreateLdapClient;
}

const BASE_ATTRIBUTES = [
  'objectGUID',
  'userPrincipalName',
  'displayName',
  'employeeID',
  'c',
  'userAccountControl',
] as const;

export class LdapGroupMembers implements DirectoryGroupMembers {
  readonly #session: LdapSession;
  readonly #baseDn: string;
  readonly #pageSize: number;

  constructor(options: LdapGroupMembersOptions) {
    if (!/^ldaps:\/\//i.test(options.url)) {
      throw new InvalidInputError('The directory URL must use ldaps://');
    }
    this.#baseDn = checkedDn(options.baseDn, 'base DN');
    this.#pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 500));
    this.#session = new LdapSession({
      url: options.url,
      bindDn: options.bindDn,
      bindPassword: options.bindPassword,
      rejectUnauthorized: options.rejectUnauthorized ?? true,
      timeoutMs: options.timeoutMs ?? 30_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      logger: options.logger.child({ component: 'ldap-group-members' }),
      ...(options.tlsCa === undefined ? {} : { tlsCa: options.tlsCa }),
      ...(options.tlsServerName === undefined ? {} : { tlsServerName: options.tlsServerName }),
      ...(options.createClient === undefined ? {} : { createClient: options.createClient }),
    });
  }

  async listUserMembers(groupDn: string, attributes: readonly string[]): Promise<DirectoryMember[]> {
    const group = checkedDn(groupDn, 'group DN');
    for (const name of attributes) {
      if (!isValidAttributeName(name))
        throw new InvalidInputError(`Not an LDAP attribute name: ${JSON.stringify(name)}`);
    }
    const extra = attributes.filter((a) => !BASE_ATTRIBUTES.some((b) => b.toLowerCase() === a.toLowerCase()));
    return this.#session.run('list-members', async (client) => {
      const entry = await readEntry(
        client,
        group,
        ['1.1'],
        new AndFilter({ filters: [new EqualityFilter({ attribute: 'objectClass', value: 'group' })] }),
      );
      if (entry === undefined) throw new NotFoundError('The group does not exist');
      const { searchEntries } = await client.search(this.#baseDn, {
        scope: 'sub',
        filter: new AndFilter({
          filters: [
            new EqualityFilter({ attribute: 'sAMAccountType', value: SAM_USER_OBJECT }),
            // The server's own spelling of the group DN, so its DN matching rules apply.
            new EqualityFilter({ attribute: 'memberOf', value: entry.dn }),
          ],
        }),
        attributes: [...BASE_ATTRIBUTES, ...extra],
        explicitBufferAttributes: ['objectGUID'],
        paged: { pageSize: this.#pageSize },
      });
      return searchEntries.flatMap((e) => {
        const member = toMember(e, attributes);
        return member ? [member] : [];
      });
    });
  }
}

function toMember(entry: Entry, attributes: readonly string[]): DirectoryMember | undefined {
  const guid = firstBuffer(entry, 'objectGUID');
  const uac = firstValue(entry, 'userAccountControl');
  if (guid?.length !== 16 || uac === undefined) return undefined;
  const member: DirectoryMember = {
    dn: entry.dn,
    id: guidText(guid),
    isEnabled: !isDisabled(parseUserAccountControl(uac)),
    attributes: {},
  };
  const optional: [keyof DirectoryMember, string][] = [
    ['userPrincipalName', 'userPrincipalName'],
    ['displayName', 'displayName'],
    ['employeeId', 'employeeID'],
    ['country', 'c'],
  ];
  for (const [field, attribute] of optional) {
    const value = firstValue(entry, attribute);
    if (value !== undefined && value !== '') Object.assign(member, { [field]: value });
  }
  for (const name of attributes) {
    const value = firstValue(entry, name);
    if (value !== undefined && value !== '') member.attributes[name] = value;
  }
  return member;
}

/** objectGUID bytes as Microsoft's text form: the first three fields are little-endian. */
export function guidText(bytes: Buffer): string {
  const hex = (from: number, to: number, isReversed: boolean): string => {
    const part = Buffer.from(bytes.subarray(from, to));
    return (isReversed ? part.reverse() : part).toString('hex');
  };
  return [hex(0, 4, true), hex(4, 6, true), hex(6, 8, true), hex(8, 10, false), hex(10, 16, false)].join('-');
}
