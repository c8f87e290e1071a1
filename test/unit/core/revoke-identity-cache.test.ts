import { describe, expect, it } from 'vitest';
import { MailboxIdentityCache } from '../../../src/core/revoke/identity-cache.js';
import type { Clock } from '../../../src/core/ports/clock.js';
import type { MailboxInfo } from '../../../src/core/ports/mailbox.js';

const info = (upn: string): MailboxInfo => ({
  id: `id-${upn}`,
  primarySmtpAddress: upn,
  userPrincipalName: upn,
  displayName: upn,
  recipientTypeDetails: 'UserMailbox',
  distinguishedName: `CN=${upn}`,
  isDirSynced: false,
  litigationHoldEnabled: false,
  hiddenFromAddressListsEnabled: false,
  grantSendOnBehalfTo: [],
});

function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  return {
    now: () => now,
    sleep: () => Promise.resolve(),
    advance(ms) {
      now += ms;
    },
  };
}

describe('MailboxIdentityCache', () => {
  it('reads a user once per TTL, whatever the case of the name, and again after it', async () => {
    const cache = new MailboxIdentityCache(60_000);
    const clock = manualClock();
    let reads = 0;
    const read = (): Promise<MailboxInfo> => {
      reads += 1;
      return Promise.resolve(info('adele.vance@contoso.com'));
    };
    const [a, b] = await Promise.all([
      cache.get('Adele.Vance@contoso.com', clock, read),
      cache.get('adele.vance@contoso.com', clock, read),
    ]);
    expect(a?.distinguishedName).toBe('CN=adele.vance@contoso.com');
    expect(b).toEqual(a);
    expect(reads).toBe(1);
    clock.advance(59_999);
    await cache.get('adele.vance@contoso.com', clock, read);
    expect(reads).toBe(1);
    clock.advance(1);
    await cache.get('adele.vance@contoso.com', clock, read);
    expect(reads).toBe(2);
  });

  it('does not remember a failed read', async () => {
    const cache = new MailboxIdentityCache();
    const clock = manualClock();
    await expect(
      cache.get('megan.bowen@contoso.com', clock, () => Promise.reject(new Error('503'))),
    ).rejects.toThrow('503');
    const again = await cache.get('megan.bowen@contoso.com', clock, () =>
      Promise.resolve(info('megan.bowen@contoso.com')),
    );
    expect(again?.primarySmtpAddress).toBe('megan.bowen@contoso.com');
  });

  it('keeps a bounded number of users', async () => {
    const cache = new MailboxIdentityCache();
    const clock = manualClock();
    let reads = 0;
    const read = (upn: string) => (): Promise<MailboxInfo> => {
      reads += 1;
      return Promise.resolve(info(upn));
    };
    for (let i = 0; i < 2_001; i++)
      await cache.get(`user${i}@contoso.com`, clock, read(`user${i}@contoso.com`));
    expect(reads).toBe(2_001);
    // The oldest was dropped, the newest kept.
    await cache.get('user0@contoso.com', clock, read('user0@contoso.com'));
    await cache.get('user2000@contoso.com', clock, read('user2000@contoso.com'));
    expect(reads).toBe(2_002);
  });
});
