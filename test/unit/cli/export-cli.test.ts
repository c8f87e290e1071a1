import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportCli } from '../../../src/cli/export-cli.js';
import { openStore } from '../../../src/store/index.js';

describe('lifecycle export', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lifecycle-export-'));
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints a request with its audit trail, and says so when the request does not exist', async () => {
    const store = await openStore({ dataDir });
    await store.requests.create({
      id: 'REQ-20261123-EXPAAA',
      kind: 'offboard',
      subject: { id: 'u1', userPrincipalName: 'lee@contoso.com', displayName: 'Lee', isSynced: false },
      options: {},
      requester: { aadObjectId: 'op', tenantId: 't', displayName: 'Olga' },
      approvals: [],
      approvalsRequired: 1,
      state: 'awaiting-confirmation',
      version: 1,
      createdAt: '2026-11-23T10:00:00.000Z',
      updatedAt: '2026-11-23T10:00:00.000Z',
    });
    await store.audit.append({
      at: '2026-11-23T10:00:00.000Z',
      type: 'request.created',
      requestId: 'REQ-20261123-EXPAAA',
      details: {},
    });
    await store.close();
    process.env['DATA_DIR'] = dataDir;
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    expect(await exportCli.run(['req-20261123-expaaa'], io)).toBe(0);
    const exported = JSON.parse(out.join('')) as {
      request: { id: string };
      audit: { type: string }[];
      mailboxPermissions: unknown;
    };
    expect(exported.request.id).toBe('REQ-20261123-EXPAAA');
    expect(exported.audit.map((a) => a.type)).toContain('request.created');
    expect(exported.mailboxPermissions).toBeNull();
    expect(await exportCli.run(['REQ-20261123-NOPEAA'], io)).toBe(1);
    expect(err.join('\n')).toContain('does not exist');
    await expect(exportCli.run(['not-an-id'], io)).rejects.toThrow('request id');
  });
});
