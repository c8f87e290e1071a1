/**
 * The move to the Disabled OU plans, verifies and undoes from parent OUs taken with the RFC 4514
 * parser: a name such as `CN=Lovelace\, Ada` must not be cut at its escaped comma.
 */
import { describe, expect, it } from 'vitest';
import { adMoveToDisabledOu } from '../../../../src/core/offboard/ad-steps.js';
import { offboardOptionsSchema, type OffboardInput } from '../../../../src/core/offboard/offboard-input.js';
import type { Directory, DirectoryAccount, DirectoryLookup } from '../../../../src/core/ports/directory.js';
import type { StepContext } from '../../../../src/core/step.js';
import { FakeClock } from '../support/fake-clock.js';
import { unusedPorts } from '../support/unused-ports.js';

const STAFF = 'OU=Staff,DC=lifecycle,DC=test';
const DISABLED = 'OU=Disabled,DC=lifecycle,DC=test';

/** One AD account kept as its RDN and parent, the way a server composes the DN it returns. */
class OneAccountDirectory implements Directory {
  readonly moves: { dn: string; newParentDn: string }[] = [];

  constructor(
    private readonly rdn: string,
    public parent: string,
  ) {}

  get dn(): string {
    return `${this.rdn},${this.parent}`;
  }

  findUser(lookup: DirectoryLookup): Promise<DirectoryAccount | null> {
    const isLeaver = 'sAMAccountName' in lookup && lookup.sAMAccountName === 'ada.lovelace';
    return Promise.resolve(
      isLeaver
        ? {
            dn: this.dn,
            sAMAccountName: 'ada.lovelace',
            userAccountControl: 0x202,
            isEnabled: false,
            isHiddenFromAddressLists: true,
            memberOf: [],
          }
        : null,
    );
  }

  move(dn: string, newParentDn: string): Promise<string> {
    if (dn !== this.dn) return Promise.reject(new Error(`No object ${dn}`));
    this.moves.push({ dn, newParentDn });
    this.parent = newParentDn;
    return Promise.resolve(this.dn);
  }

  disable = notPartOfTheMove;
  enable = notPartOfTheMove;
  setRandomPassword = notPartOfTheMove;
  stamp = notPartOfTheMove;
  setHiddenFromAddressLists = notPartOfTheMove;
  removeFromGroup = notPartOfTheMove;
  addToGroup = notPartOfTheMove;
}

function notPartOfTheMove(): Promise<void> {
  return Promise.reject(new Error('Only findUser and move belong to the move step'));
}

function contextFor(
  directory: Directory,
  disabledOuDn: string | undefined = DISABLED,
): StepContext<OffboardInput> {
  return {
    input: {
      requestId: 'REQ-20261123-ABCDEF',
      leaver: {
        id: 'u1',
        userPrincipalName: 'ada.lovelace@contoso.com',
        displayName: 'Lovelace, Ada',
        isSynced: true,
        onPremisesSamAccountName: 'ada.lovelace',
      },
      delegate: null,
      requestedBy: 'Olga',
      options: offboardOptionsSchema.parse({}),
      stamp: 'Offboarded 2026-11-23 REQ-20261123-ABCDEF',
      ...(disabledOuDn !== undefined && { disabledOuDn }),
    },
    ports: { ...unusedPorts(new FakeClock()), directory },
    signal: new AbortController().signal,
  };
}

describe('ad.move-to-disabled-ou with escaped characters in the DN', () => {
  it.each([
    ['an escaped comma', 'CN=Lovelace\\, Ada'],
    ['a hex-escaped comma', 'CN=Lovelace\\2C Ada'],
    ['an escaped backslash before an escaped comma', 'CN=a\\\\\\,b'],
    ['an escaped plus sign and trailing space', 'CN=C\\+\\+ Lead\\ '],
  ])('records the real parent OU of a name with %s and moves it to the Disabled OU', async (_case, rdn) => {
    const directory = new OneAccountDirectory(rdn, STAFF);
    const ctx = contextFor(directory);
    const changes = await adMoveToDisabledOu.plan(ctx);
    expect(changes).toEqual([
      {
        key: 'move',
        description: `Move to ${DISABLED}`,
        data: { dn: `${rdn},${STAFF}`, target: DISABLED },
        before: { parentDn: STAFF },
      },
    ]);
    await adMoveToDisabledOu.apply(changes[0]!, ctx);
    expect(directory.dn).toBe(`${rdn},${DISABLED}`);
    expect(await adMoveToDisabledOu.verify(changes, ctx)).toEqual({ ok: true });
  });

  it('plans nothing when the account with a comma in its name is already in the Disabled OU', async () => {
    const directory = new OneAccountDirectory('CN=Lovelace\\, Ada', DISABLED);
    expect(await adMoveToDisabledOu.plan(contextFor(directory))).toEqual([]);
    expect(
      await adMoveToDisabledOu.plan(contextFor(directory, 'ou=disabled, dc=LIFECYCLE, dc=test')),
    ).toEqual([]);
  });

  it('fails verification when the account is only below the Disabled OU, not in it', async () => {
    const directory = new OneAccountDirectory('CN=Lovelace\\, Ada', `OU=Archive,${DISABLED}`);
    const ctx = contextFor(directory);
    expect(await adMoveToDisabledOu.verify([], ctx)).toEqual({
      ok: false,
      reason: 'The account is not in the Disabled OU',
    });
  });

  it('undoes the move into the OU the account came from, found again under its new DN', async () => {
    const origin = 'OU=Sales\\, EMEA,OU=Staff,DC=lifecycle,DC=test';
    const directory = new OneAccountDirectory('CN=Lovelace\\, Ada', origin);
    const ctx = contextFor(directory);
    const [change] = await adMoveToDisabledOu.plan(ctx);
    await adMoveToDisabledOu.apply(change!, ctx);
    await adMoveToDisabledOu.undo!(change!, ctx);
    expect(directory.moves).toEqual([
      { dn: `CN=Lovelace\\, Ada,${origin}`, newParentDn: DISABLED },
      { dn: `CN=Lovelace\\, Ada,${DISABLED}`, newParentDn: origin },
    ]);
    expect(directory.dn).toBe(`CN=Lovelace\\, Ada,${origin}`);
    expect(await adMoveToDisabledOu.plan(ctx)).toHaveLength(1);
  });

  it('treats an undo of a move already undone as done', async () => {
    const directory = new OneAccountDirectory('CN=Lovelace\\, Ada', STAFF);
    const ctx = contextFor(directory);
    const [change] = await adMoveToDisabledOu.plan(ctx);
    await adMoveToDisabledOu.undo!(change!, ctx);
    expect(directory.moves).toEqual([]);
  });

  it('refuses to undo a move whose original OU was not recorded', async () => {
    const directory = new OneAccountDirectory('CN=Lovelace\\, Ada', DISABLED);
    const change = { key: 'move', description: `Move to ${DISABLED}`, data: { dn: directory.dn } };
    await expect(adMoveToDisabledOu.undo!(change, contextFor(directory))).rejects.toMatchObject({
      code: 'invalid-input',
      message: 'The move has no recorded original OU to return the account to',
    });
    expect(directory.moves).toEqual([]);
  });
});
