import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/core/model.js';
import { pendingKind } from '../../src/core/provision/index.js';
import { parseJoinersCsv } from '../../src/core/provision/joiners-csv.js';
import { skuIds } from '../../src/sandbox/index.js';
import { itChannelId, startProvisionHarness } from './provision-harness.js';

const requester: Principal = {
  aadObjectId: '10000000-0000-4000-8000-000000000013',
  tenantId: '11111111-1111-4111-8111-111111111111',
  displayName: 'Isaiah Langer',
};
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('joiners not yet synced (durable queue, worker)', () => {
  it('keeps waiting joiners across a restart and provisions them when they appear', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'provision-store-'));
    const first = await startProvisionHarness({ dataDir });
    try {
      const report = await first.provisioning.batch.run(
        parseJoinersCsv('upn,type\nlena.later@contoso.com,Employee\n'),
        { requester, source: 'test.csv', isDryRun: false },
      );
      expect(report.rows[0]?.status).toBe('queued');
    } finally {
      await first.close();
    }

    const second = await startProvisionHarness({ dataDir });
    try {
      expect((await second.store.queue.get(pendingKind, 'lena.later@contoso.com'))?.status).toBe('pending');
      second.addJoiner({ alias: 'lena.later', displayName: 'Lena Later', employeeType: 'Employee' });
      await pause(100);
      expect(await second.provisioning.worker.poll()).toBe(1);
      const lena = second.sandbox.state.directory.getUser('lena.later@contoso.com');
      expect(lena?.assignedLicenses.map((l) => l.skuId)).toEqual([skuIds.ENTERPRISEPACK]);
      expect((await second.store.queue.get(pendingKind, 'lena.later@contoso.com'))?.status).toBe('done');
    } finally {
      await second.close();
    }
  });

  it('gives up after the horizon and reports the joiner to the IT channel', async () => {
    const h = await startProvisionHarness({
      mapping: {
        pending: {
          horizonHours: 0.0001,
          firstRetryMinutes: 0.001,
          maxRetryMinutes: 0.002,
          pollSeconds: 3600,
        },
      },
    });
    try {
      await h.provisioning.batch.run(parseJoinersCsv('upn\nnever.synced@contoso.com\n'), {
        requester,
        source: 'test.csv',
        isDryRun: false,
      });
      for (let i = 0; i < 40; i += 1) {
        await pause(60);
        await h.provisioning.worker.poll();
        if ((await h.store.queue.get(pendingKind, 'never.synced@contoso.com'))?.status === 'dead') break;
      }
      const item = await h.store.queue.get(pendingKind, 'never.synced@contoso.com');
      expect(item?.status).toBe('dead');
      expect(item?.attempts).toBeGreaterThan(1);
      const posted = h.gateway.messages.filter((m) => m.conversationId === itChannelId);
      expect(posted).toHaveLength(1);
      const card = JSON.stringify(posted[0] && h.gateway.cardOf(posted[0]));
      expect(card).toContain('never.synced@contoso.com');
      expect(card).toContain('Still not in Entra ID after 0.0001 h');
      const changes = h.sandbox.requestLog.find({ appliedOnly: true }).filter((e) => e.service !== 'login');
      expect(changes.map((e) => `${e.method} ${e.path}`)).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
