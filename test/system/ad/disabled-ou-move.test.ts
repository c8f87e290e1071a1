/**
 * The core step `ad.move-to-disabled-ou` on the real connector against a Samba AD DC, for users whose
 * common name holds a comma: the parent OU must come from the RFC 4514 parser, not from the first
 * comma of the DN, or the step records the wrong OU to return to and re-plans a move already done.
 */
import { EqualityFilter } from 'ldapts';
import { afterAll, describe, expect, it } from 'vitest';
import { firstRdn, isSameDn, parentDn, parseRdn } from '../../../src/core/directory/dn.js';
import { adMoveToDisabledOu } from '../../../src/core/offboard/ad-steps.js';
import { offboardOptionsSchema, type OffboardInput } from '../../../src/core/offboard/offboard-input.js';
import type { Directory } from '../../../src/core/ports/directory.js';
import type { StepContext } from '../../../src/core/step.js';
import type { SambaDc } from '../../support/samba.js';
import { FakeClock } from '../../unit/core/support/fake-clock.js';
import { unusedPorts } from '../../unit/core/support/unused-ports.js';
import {
  type TestUser,
  connectorFor,
  createTestUser,
  dcOrThrow,
  deleteTestUsers,
  started,
  withAdmin,
} from './ad-fixtures.js';

const created: TestUser[] = [];

function contextFor(dc: SambaDc, user: TestUser, directory: Directory): StepContext<OffboardInput> {
  return {
    input: {
      requestId: 'REQ-20260730-DNMOVE',
      leaver: {
        id: user.sAMAccountName,
        userPrincipalName: user.userPrincipalName,
        displayName: user.cn,
        isSynced: true,
        onPremisesSamAccountName: user.sAMAccountName,
      },
      delegate: null,
      requestedBy: 'Olga',
      options: offboardOptionsSchema.parse({}),
      stamp: 'Offboarded 2026-07-30 REQ-20260730-DNMOVE',
      disabledOuDn: dc.disabledOuDn,
    },
    ports: { ...unusedPorts(new FakeClock()), directory },
    signal: new AbortController().signal,
  };
}

/** Where the account is now, as the domain administrator sees it. */
async function currentDn(dc: SambaDc, user: TestUser): Promise<string> {
  const entries = await withAdmin(dc, async (client) => {
    const { searchEntries } = await client.search(dc.baseDn, {
      filter: new EqualityFilter({ attribute: 'sAMAccountName', value: user.sAMAccountName }),
      attributes: ['1.1'],
    });
    return searchEntries;
  });
  expect(entries).toHaveLength(1);
  return entries[0]!.dn;
}

describe.skipIf(started.dc === undefined)(
  'ad.move-to-disabled-ou on a Samba AD DC with commas in the name',
  () => {
    afterAll(async () => {
      if (started.dc) await deleteTestUsers(started.dc, created);
    });

    it.each([
      ['an escaped comma', 'Lovelace, Ada'],
      ['a backslash before a comma', 'a\\,b'],
    ])(
      'moves a user whose CN holds %s to the Disabled OU and its undo brings it back to Staff',
      async (_case, cn) => {
        const dc = dcOrThrow();
        const user = await createTestUser(dc, { cn, groupDns: [] });
        created.push(user);
        const { directory } = connectorFor(dc);
        const ctx = contextFor(dc, user, directory);

        const changes = await adMoveToDisabledOu.plan(ctx);
        expect(changes).toHaveLength(1);
        const change = changes[0]!;
        expect(isSameDn(String(change.data['dn']), user.dn)).toBe(true);
        const recorded = (change.before as { parentDn: string }).parentDn;
        expect(isSameDn(recorded, dc.usersOuDn)).toBe(true);

        await adMoveToDisabledOu.apply(change, ctx);
        expect(await adMoveToDisabledOu.verify(changes, ctx)).toEqual({ ok: true });
        const moved = await currentDn(dc, user);
        expect(isSameDn(parentDn(moved), dc.disabledOuDn)).toBe(true);
        expect(parseRdn(firstRdn(moved))).toEqual({ type: 'CN', value: user.cn });
        expect(await adMoveToDisabledOu.plan(ctx)).toEqual([]);

        await adMoveToDisabledOu.undo!(change, ctx);
        const back = await currentDn(dc, user);
        expect(isSameDn(back, user.dn)).toBe(true);
        expect(isSameDn(parentDn(back), dc.usersOuDn)).toBe(true);
        expect(await adMoveToDisabledOu.verify(changes, ctx)).toEqual({
          ok: false,
          reason: 'The account is not in the Disabled OU',
        });

        // A second undo finds the account already home and changes nothing.
        await adMoveToDisabledOu.undo!(change, ctx);
        expect(await currentDn(dc, user)).toBe(back);
      },
      60_000,
    );
  },
);
