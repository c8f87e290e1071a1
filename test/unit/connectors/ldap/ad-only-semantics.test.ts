/**
 * Behaviour only Windows AD shows, so it can't be tested against Samba: a `delete` of a stale
 * userAccountControl value fails with noSuchAttribute (Samba accepts it), "not a member" comes back as
 * 53/00000561 and "already a member" as 68/00000562. The client below answers the way AD documents
 * those cases; everything else about the connector is tested against the real Samba DC.
 */
import type { Change, SearchOptions, SearchResult } from 'ldapts';
import { AlreadyExistsError, NoSuchAttributeError, UnwillingToPerformError } from 'ldapts';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../../src/core/errors.js';
import { LdapDirectory } from '../../../../src/connectors/ldap/index.js';
import type { LdapClient } from '../../../../src/connectors/ldap/index.js';

const USER = 'CN=Grady Archie,OU=Staff,DC=corp,DC=example';
const GROUP = 'CN=Sales,OU=Groups,DC=corp,DC=example';

/** One AD user's userAccountControl with AD's modify semantics, plus a hook for a concurrent writer. */
class AdUserAccountControl implements LdapClient {
  modifies: Change[][] = [];
  constructor(
    public uac: number,
    private readonly concurrentWriter: (attempt: number) => number | undefined = () => undefined,
  ) {}
  async bind(): Promise<void> {}
  async unbind(): Promise<void> {}
  async modifyDN(): Promise<void> {}
  async search(dn: string, _options: SearchOptions): Promise<SearchResult> {
    return { searchEntries: [{ dn, userAccountControl: String(this.uac) }], searchReferences: [] };
  }
  async modify(_dn: string, changes: Change | Change[]): Promise<void> {
    const list = Array.isArray(changes) ? changes : [changes];
    this.modifies.push(list);
    // Another writer changes the value between our read and our write.
    const concurrent = this.concurrentWriter(this.modifies.length);
    if (concurrent !== undefined) this.uac = concurrent;
    let next = this.uac;
    for (const change of list) {
      const value = Number(change.modification.values[0]);
      if (change.operation === 'delete' && value !== this.uac) {
        throw new NoSuchAttributeError(
          '00002083: AtrErr: DSID-03151F8E, #1: 0: 00002083: DSID-03151F8E, problem 1001 (NO_ATTRIBUTE_OR_VAL), data 0, Att 90008 (userAccountControl)',
        );
      }
      if (change.operation === 'add' || change.operation === 'replace') next = value;
    }
    this.uac = next;
  }
}

function directoryWith(client: LdapClient, maxConcurrentChangeAttempts?: number): LdapDirectory {
  return new LdapDirectory({
    url: 'ldaps://dc01.corp.example',
    bindDn: 'CN=svc,DC=corp,DC=example',
    bindPassword: 'unused',
    baseDn: 'DC=corp,DC=example',
    logger: pino({ level: 'silent' }),
    createClient: () => client,
    ...(maxConcurrentChangeAttempts === undefined ? {} : { maxConcurrentChangeAttempts }),
  });
}

describe('userAccountControl compare-and-swap (Windows AD semantics)', () => {
  it('writes delete-old plus add-new in one modify request', async () => {
    const ad = new AdUserAccountControl(66048);
    await directoryWith(ad).disable(USER);
    expect(ad.uac).toBe(66050);
    expect(ad.modifies[0]!.map((c) => [c.operation, c.modification.type, c.modification.values])).toEqual([
      ['delete', 'userAccountControl', ['66048']],
      ['add', 'userAccountControl', ['66050']],
    ]);
  });

  it("keeps a concurrent writer's change: the stale delete fails, the connector re-reads and retries", async () => {
    // Between our read (66048) and our write, someone sets SMARTCARD_REQUIRED (0x40000).
    const ad = new AdUserAccountControl(66048, (attempt) => (attempt === 1 ? 66048 | 0x40000 : undefined));
    await directoryWith(ad).disable(USER);
    expect(ad.uac).toBe(66048 | 0x40000 | 0x2);
    expect(ad.modifies).toHaveLength(2);
  });

  it('gives up with ConflictError when the value keeps changing, having written nothing', async () => {
    let flips = 0;
    const ad = new AdUserAccountControl(66048, () => 66048 | (++flips % 2 === 0 ? 0 : 0x100000));
    const error = await directoryWith(ad, 3)
      .disable(USER)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(ad.modifies).toHaveLength(3);
    expect(ad.uac & 0x2).toBe(0);
  });

  it('does not write when the bit is already in the wanted state', async () => {
    const ad = new AdUserAccountControl(66050);
    await directoryWith(ad).disable(USER);
    expect(ad.modifies).toHaveLength(0);
  });
});

/** A group as AD answers membership writes; the member list is what a `(member=…)` read-back sees. */
class AdGroup implements LdapClient {
  constructor(public members: Set<string>) {}
  async bind(): Promise<void> {}
  async unbind(): Promise<void> {}
  async modifyDN(): Promise<void> {}
  async search(dn: string, options: SearchOptions): Promise<SearchResult> {
    if (dn === USER)
      return { searchEntries: [{ dn, primaryGroupID: '513', objectSid: sid(1105) }], searchReferences: [] };
    const isMemberQuery = String(options.filter).includes('member=');
    if (isMemberQuery && !this.members.has(USER)) return { searchEntries: [], searchReferences: [] };
    return { searchEntries: [{ dn, objectSid: sid(1200) }], searchReferences: [] };
  }
  async modify(_dn: string, changes: Change | Change[]): Promise<void> {
    const [change] = Array.isArray(changes) ? changes : [changes];
    const member = String(change!.modification.values[0]);
    if (change!.operation === 'delete') {
      if (!this.members.delete(member)) {
        throw new UnwillingToPerformError(
          '00000561: SvcErr: DSID-031A1021, problem 5003 (WILL_NOT_PERFORM), data 0',
        );
      }
    } else if (this.members.has(member)) {
      throw new AlreadyExistsError('00000562: UpdErr: DSID-031A11E2, problem 6005 (ENTRY_EXISTS), data 0');
    } else {
      this.members.add(member);
    }
  }
}

function sid(rid: number): Buffer {
  const buffer = Buffer.alloc(28);
  buffer.writeUInt8(1, 0);
  buffer.writeUInt8(5, 1);
  buffer.writeUIntBE(5, 2, 6);
  [21, 1, 2, 3, rid].forEach((v, i) => buffer.writeUInt32LE(v, 8 + 4 * i));
  return buffer;
}

describe('group membership answers only AD gives', () => {
  it('treats 53/00000561 (not a member) as already removed', async () => {
    const ad = new AdGroup(new Set());
    await expect(directoryWith(ad).removeFromGroup(USER, GROUP)).resolves.toBeUndefined();
  });

  it('treats 68/00000562 (already a member) as already added', async () => {
    const ad = new AdGroup(new Set([USER]));
    await expect(directoryWith(ad).addToGroup(USER, GROUP)).resolves.toBeUndefined();
    expect(ad.members.has(USER)).toBe(true);
  });
});
