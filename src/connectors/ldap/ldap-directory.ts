/**
 * The `Directory` port over LDAPS with ldapts: on-premises Active Directory (and Samba AD).
 *
 * Every write re-reads what it changed on the same connection and throws `VerificationError` when the
 * server doesn't show it; callers verify again through `findUser`. Filters are ldapts filter objects
 * (values travel as BER data, never as filter text), DNs we build are RFC 4514-escaped, and the
 * service password and generated passwords never reach a log line.
 */
import { Attribute, Change } from 'ldapts';
import type { Logger } from 'pino';
import { ConflictError, InvalidInputError, VerificationError } from '../../core/errors.js';
import type { Directory, DirectoryAccount, DirectoryLookup } from '../../core/ports/directory.js';
import { ACCOUNT_ATTRIBUTES, firstValue, isValidAttributeName, toDirectoryAccount } from './account-entry.js';
import { formatRdn, isSameDn, isWithin, parseRdn, splitDn, splitFirstRdn } from './dn.js';
import { addMember, removeMember } from './group-membership.js';
import { LdapResult, isResultCode } from './ldap-errors.js';
import { checkedDn, checkedStamp, lookupFilter } from './ldap-input.js';
import { mustRead, readEntry, readPwdLastSet, readUac, replace, userFilter } from './ldap-reads.js';
import { type CreateLdapClient, LdapSession } from './ldap-session.js';
import { encodeUnicodePwd, generateRandomPassword, isStrongPassword } from './unicode-pwd.js';
import { isDisabled, withDisabled, withEnabled } from './user-account-control.js';

export interface LdapDirectoryOptions {
  /** `ldaps://host:636`. Plain `ldap://` is refused: AD only accepts unicodePwd over an encrypted link. */
  url: string;
  bindDn: string;
  bindPassword: string;
  /** Searches and DN lookups stay inside this subtree. */
  baseDn: string;
  /** Target of `moveToDisabledOu`. */
  disabledOuDn?: string;
  /** PEM CA certificate(s) that signed the DC's certificate; default: Node's trust store. */
  tlsCa?: string | readonly string[];
  /** Name to verify in the DC's certificate when the URL holds an IP address. */
  tlsServerName?: string;
  /** Verify the DC's certificate (default true). Turning it off is logged as a warning. */
  rejectUnauthorized?: boolean;
  /** Per-request timeout; default 15 000 ms. */
  timeoutMs?: number;
  /** TCP+TLS connect timeout; default 10 000 ms. */
  connectTimeoutMs?: number;
  /** How often a disable/enable re-reads and retries when another writer changed userAccountControl; default 3. */
  maxConcurrentChangeAttempts?: number;
  logger: Logger;
  /** Password source for `setRandomPassword`; default a 32-character CSPRNG password. Must be strong. */
  generatePassword?: () => string;
  /** Client factory; tests use it to reproduce answers only Windows AD gives. */
  createClient?: CreateLdapClient;
}

export class LdapDirectory implements Directory {
  readonly #session: LdapSession;
  readonly #baseDn: string;
  readonly #disabledOuDn: string | undefined;
  readonly #maxAttempts: number;
  readonly #generatePassword: () => string;
  readonly #logger: Logger;

  constructor(options: LdapDirectoryOptions) {
    if (!/^ldaps:\/\//i.test(options.url)) {
      throw new InvalidInputError(
        'The directory URL must use ldaps:// (passwords are only written over TLS)',
      );
    }
    this.#logger = options.logger.child({ component: 'ldap-directory' });
    this.#baseDn = checkedDn(options.baseDn, 'base DN');
    this.#disabledOuDn =
      options.disabledOuDn === undefined ? undefined : checkedDn(options.disabledOuDn, 'Disabled OU DN');
    this.#maxAttempts = Math.max(1, options.maxConcurrentChangeAttempts ?? 3);
    this.#generatePassword = options.generatePassword ?? (() => generateRandomPassword());
    const rejectUnauthorized = options.rejectUnauthorized ?? true;
    if (!rejectUnauthorized)
      this.#logger.warn('TLS certificate verification of the domain controller is OFF');
    this.#session = new LdapSession({
      url: options.url,
      bindDn: options.bindDn,
      bindPassword: options.bindPassword,
      rejectUnauthorized,
      timeoutMs: options.timeoutMs ?? 15_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      logger: this.#logger,
      ...(options.tlsCa === undefined ? {} : { tlsCa: options.tlsCa }),
      ...(options.tlsServerName === undefined ? {} : { tlsServerName: options.tlsServerName }),
      ...(options.createClient === undefined ? {} : { createClient: options.createClient }),
    });
  }

  async findUser(
    lookup: DirectoryLookup,
    extraAttributes: readonly string[] = [],
  ): Promise<DirectoryAccount | null> {
    for (const name of extraAttributes) {
      if (!isValidAttributeName(name))
        throw new InvalidInputError(`Not an LDAP attribute name: ${JSON.stringify(name)}`);
    }
    const attributes = [...ACCOUNT_ATTRIBUTES, ...extraAttributes];
    if ('dn' in lookup) {
      const dn = checkedDn(lookup.dn);
      if (!isWithin(dn, this.#baseDn)) return null;
      return this.#session.run('find', async (client) => {
        const entry = await readEntry(client, dn, attributes, userFilter());
        return entry === undefined ? null : toDirectoryAccount(entry, extraAttributes);
      });
    }
    const filter = userFilter(lookupFilter(lookup));
    return this.#session.run('find', async (client) => {
      const { searchEntries } = await client.search(this.#baseDn, { scope: 'sub', filter, attributes });
      if (searchEntries.length > 1) {
        throw new ConflictError(
          `The lookup matches ${searchEntries.length} directory users; use a unique identifier`,
        );
      }
      const entry = searchEntries[0];
      return entry === undefined ? null : toDirectoryAccount(entry, extraAttributes);
    });
  }

  async disable(dn: string): Promise<void> {
    await this.#setDisabled(checkedDn(dn), true);
  }

  async enable(dn: string): Promise<void> {
    await this.#setDisabled(checkedDn(dn), false);
  }

  async setRandomPassword(dn: string): Promise<void> {
    const target = checkedDn(dn);
    await this.#session.run('set-password', async (client) => {
      const before = await readPwdLastSet(client, target);
      const password = this.#generatePassword();
      if (!isStrongPassword(password)) {
        throw new InvalidInputError('The password generator produced a weak password; nothing was changed');
      }
      const payload = encodeUnicodePwd(password);
      try {
        // Admin reset: one replace (needs the Reset Password right, not the old password).
        await client.modify(
          target,
          new Change({
            operation: 'replace',
            modification: new Attribute({ type: 'unicodePwd', values: [payload] }),
          }),
        );
      } finally {
        payload.fill(0);
      }
      const after = await readPwdLastSet(client, target);
      if (after <= before)
        throw new VerificationError('pwdLastSet did not move forward after the password reset');
    });
    this.#logger.info({ op: 'set-password' }, 'password reset to a random value');
  }

  async stamp(dn: string, fields: { description?: string; info?: string }): Promise<void> {
    const target = checkedDn(dn);
    const wanted = checkedStamp(fields);
    const changes = Object.entries(wanted)
      .filter((pair): pair is [string, string] => pair[1] !== undefined)
      .map(([type, value]) => replace(type, value === '' ? [] : [value]));
    await this.#session.run('stamp', async (client) => {
      await client.modify(target, changes);
      const entry = await mustRead(client, target, ['description', 'info']);
      for (const [type, value] of Object.entries(wanted)) {
        if (value !== undefined && (firstValue(entry, type) ?? '') !== value) {
          throw new VerificationError(`The ${type} read back differs from the value written`);
        }
      }
    });
  }

  async setHiddenFromAddressLists(dn: string, isHidden: boolean): Promise<void> {
    const target = checkedDn(dn);
    await this.#session.run('hide-from-address-lists', async (client) => {
      // Boolean syntax is 'TRUE'/'FALSE'; unhiding clears the attribute, which Exchange and Entra
      // Connect read as "shown" and which restores the state of a user that never had it.
      await client.modify(target, replace('msExchHideFromAddressLists', isHidden ? ['TRUE'] : []));
      const entry = await mustRead(client, target, ['msExchHideFromAddressLists']);
      if ((firstValue(entry, 'msExchHideFromAddressLists')?.toUpperCase() === 'TRUE') !== isHidden) {
        throw new VerificationError('msExchHideFromAddressLists read back differs from the value written');
      }
    });
  }

  async removeFromGroup(userDn: string, groupDn: string): Promise<void> {
    const user = checkedDn(userDn, 'user DN');
    const group = checkedDn(groupDn, 'group DN');
    const change = await this.#session.run('remove-from-group', (client) =>
      removeMember(client, user, group),
    );
    this.#logger.info({ op: 'remove-from-group', change }, 'group membership');
  }

  async addToGroup(userDn: string, groupDn: string): Promise<void> {
    const user = checkedDn(userDn, 'user DN');
    const group = checkedDn(groupDn, 'group DN');
    const change = await this.#session.run('add-to-group', (client) => addMember(client, user, group));
    this.#logger.info({ op: 'add-to-group', change }, 'group membership');
  }

  async move(dn: string, newParentDn: string): Promise<string> {
    const source = checkedDn(dn);
    const parent = checkedDn(newParentDn, 'target OU DN');
    if (splitDn(source).length < 2)
      throw new InvalidInputError('The distinguished name to move has no parent');
    const { parentDn: currentParent, rdn } = splitFirstRdn(source);
    // Rebuild the RDN from its unescaped value so it is escaped exactly once, per RFC 4514.
    const target = `${formatRdn(parseRdn(rdn))},${parent}`;
    const newDn = await this.#session.run('move', async (client) => {
      if (isSameDn(currentParent, parent)) return (await mustRead(client, source, ['1.1'])).dn;
      try {
        await client.modifyDN(source, target);
      } catch (error) {
        // A retried move whose first attempt landed: the source is gone and the target exists.
        const landed = isResultCode(error, LdapResult.noSuchObject)
          ? await readEntry(client, target, ['1.1'])
          : undefined;
        if (landed === undefined) throw error;
      }
      return (await mustRead(client, target, ['1.1'])).dn;
    });
    this.#logger.info({ op: 'move' }, 'account moved');
    return newDn;
  }

  /** Moves the account under the configured Disabled OU; returns the new DN. */
  async moveToDisabledOu(dn: string): Promise<string> {
    if (this.#disabledOuDn === undefined) throw new InvalidInputError('No Disabled OU is configured');
    return this.move(dn, this.#disabledOuDn);
  }

  /**
   * Read-modify-write of userAccountControl as a compare-and-swap: one modify request that deletes
   * the exact value read and adds the new one. A modify is atomic (RFC 4511), so on Windows AD a
   * concurrent change makes the delete fail with noSuchAttribute and nothing is written; we re-read
   * and retry. A plain `replace` would silently overwrite the other writer's bits (lost update).
   * (Samba accepts a stale delete+add, so this guard only bites on Windows AD.)
   */
  async #setDisabled(dn: string, disabled: boolean): Promise<void> {
    const operation = disabled ? 'disable' : 'enable';
    const outcome = await this.#session.run(operation, async (client) => {
      for (let attempt = 1; ; attempt++) {
        const current = await readUac(client, dn);
        const next = disabled ? withDisabled(current) : withEnabled(current);
        if (next === current) return 'unchanged';
        try {
          await client.modify(dn, [
            new Change({
              operation: 'delete',
              modification: new Attribute({ type: 'userAccountControl', values: [String(current)] }),
            }),
            new Change({
              operation: 'add',
              modification: new Attribute({ type: 'userAccountControl', values: [String(next)] }),
            }),
          ]);
        } catch (error) {
          if (!isResultCode(error, LdapResult.noSuchAttribute)) throw error;
          if (attempt >= this.#maxAttempts) {
            throw new ConflictError(
              `userAccountControl kept changing concurrently; gave up after ${attempt} attempts`,
              { cause: error },
            );
          }
          this.#logger.info(
            { op: operation, attempt },
            'userAccountControl changed concurrently; re-reading',
          );
          continue;
        }
        if (isDisabled(await readUac(client, dn)) !== disabled) {
          throw new VerificationError(
            `The account is still ${disabled ? 'enabled' : 'disabled'} after the change`,
          );
        }
        return 'changed';
      }
    });
    this.#logger.info({ op: operation, change: outcome }, 'account state');
  }
}
