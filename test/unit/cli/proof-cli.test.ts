import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCli } from '../../../src/cli/audit-cli.js';
import { exportCli } from '../../../src/cli/export-cli.js';
import { proofCli } from '../../../src/cli/proof-cli.js';
import { verifyProofPack } from '../../../src/core/proof/proof-pack.js';
import { openStore } from '../../../src/store/index.js';
import { PgliteClient } from '../../../src/store/pglite-client.js';

const requestId = 'REQ-20261123-PRFAAA';
const runId = 'RUN-PRF-1';

function capture(): {
  io: { out: (l: string) => void; err: (l: string) => void };
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l) }, out, err };
}

// Each test opens the embedded database at least once: seconds of CPU on a busy machine.
describe('proof packs and chain verification from the command line', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifecycle-proof-'));
  const dataDir = join(dir, 'data');
  const keyFile = join(dir, 'proof-key.pem');
  const publicKeyFile = join(dir, 'proof-key.pub.pem');
  const otherPublicKeyFile = join(dir, 'other.pub.pem');
  const packFile = join(dir, 'proof.json');
  const saved = {
    DATA_DIR: process.env['DATA_DIR'],
    PROOF_SIGNING_KEY_FILE: process.env['PROOF_SIGNING_KEY_FILE'],
  };

  beforeAll(async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(
      otherPublicKeyFile,
      generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }),
    );
    const store = await openStore({ dataDir });
    await store.requests.create({
      id: requestId,
      kind: 'offboard',
      subject: { id: 'u1', userPrincipalName: 'lee@contoso.com', displayName: 'Lee', isSynced: false },
      options: { delegate: 'kim@contoso.com' },
      requester: { aadObjectId: 'op', tenantId: 't', displayName: 'Olga' },
      approvals: [
        {
          approver: { aadObjectId: 'ap', tenantId: 't', displayName: 'Ana' },
          decision: 'approved',
          at: '2026-11-23T10:01:00.000Z',
        },
      ],
      approvalsRequired: 1,
      state: 'completed',
      version: 3,
      runId,
      createdAt: '2026-11-23T10:00:00.000Z',
      updatedAt: '2026-11-23T10:05:00.000Z',
    });
    await store.runs.create({
      id: runId,
      requestId,
      status: 'completed',
      plan: { steps: [] },
      input: {},
    });
    const actor = { aadObjectId: 'op', tenantId: 't' };
    await store.audit.append({
      at: '2026-11-23T10:00:00.000Z',
      type: 'request.created',
      requestId,
      actor,
      details: {},
    });
    await store.audit.append({
      at: '2026-11-23T10:01:00.000Z',
      type: 'request.approved',
      requestId,
      actor,
      details: {},
    });
    const step = { runId, stepId: 'entra.block-sign-in', changeKey: 'block', attempt: 0 };
    await store.journal.append({
      ...step,
      phase: 'applying',
      before: { accountEnabled: true },
      at: '2026-11-23T10:02:00.000Z',
    });
    await store.journal.append({
      ...step,
      phase: 'applied',
      before: { accountEnabled: true },
      after: { accountEnabled: false },
      at: '2026-11-23T10:03:00.000Z',
    });
    await store.audit.append({
      at: '2026-11-23T10:04:00.000Z',
      type: 'run.completed',
      requestId,
      runId,
      details: { done: 1 },
    });
    await store.close();
    process.env['DATA_DIR'] = dataDir;
    process.env['PROOF_SIGNING_KEY_FILE'] = keyFile;
  });

  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the chains in the store', async () => {
    const one = capture();
    expect(await auditCli.run(['verify', requestId.toLowerCase()], one.io)).toBe(0);
    expect(one.out.join('\n')).toMatch(new RegExp(`${requestId}: intact, 5 links, head [0-9a-f]{64}`));
    const all = capture();
    expect(await auditCli.run(['verify'], all.io)).toBe(0);
    expect(all.out.join('\n')).toContain('1 chains checked: 1 intact, 0 broken');
    await expect(auditCli.run(['check'], all.io)).rejects.toThrow('verify');
  });

  it('writes a signed pack that verifies offline, pinned to the right key only', async () => {
    const written = capture();
    expect(await exportCli.run([requestId, '--proof', '--out', packFile], written.io)).toBe(0);
    const pack = JSON.parse(readFileSync(packFile, 'utf8')) as {
      export: { request: { approvals: unknown[] }; run: { plan: unknown; journal: { after?: unknown }[] } };
      chain: { links: unknown[]; head: { seq: number; hash: string } };
      signature: { algorithm: string };
    };
    expect(pack.export.request.approvals).toHaveLength(1);
    expect(pack.export.run.journal.map((e) => e.after)).toEqual([undefined, { accountEnabled: false }]);
    expect(pack.chain.links).toHaveLength(5);
    expect(pack.chain.head.seq).toBe(5);
    expect(pack.signature.algorithm).toBe('Ed25519');

    const own = capture();
    expect(await proofCli.run(['verify', packFile], own.io)).toBe(0);
    expect(own.out.join('\n')).toMatch(/valid proof pack for REQ-20261123-PRFAAA \(signed by sha256:/);
    const pinned = capture();
    expect(await proofCli.run(['verify', packFile, '--public-key', publicKeyFile], pinned.io)).toBe(0);
    const wrongKey = capture();
    expect(await proofCli.run(['verify', packFile, '--public-key', otherPublicKeyFile], wrongKey.io)).toBe(1);
    expect(wrongKey.out.join('\n')).toMatch(/FAIL signature: signed by key sha256:\w+, not by the key given/);
  });

  it('rejects the pack with any single byte changed', () => {
    const bytes = readFileSync(packFile);
    const publicKeyPem = readFileSync(publicKeyFile, 'utf8');
    expect(verifyProofPack(bytes, { publicKeyPem }).isValid).toBe(true);
    const accepted: number[] = [];
    for (let at = 0; at < bytes.length; at += 1) {
      const changed = Buffer.from(bytes);
      changed[at] = changed[at]! ^ 0x01;
      if (verifyProofPack(changed, { publicKeyPem }).isValid) accepted.push(at);
    }
    expect(accepted).toEqual([]);
  });

  it('names what a re-signed forgery gets wrong: a chain recomputed from edited entries', () => {
    const pack = JSON.parse(readFileSync(packFile, 'utf8')) as {
      chain: { links: { entry: Record<string, unknown> }[] };
    };
    pack.chain.links[2]!.entry['after'] = { accountEnabled: true };
    const verdict = verifyProofPack(Buffer.from(JSON.stringify(pack)), {
      publicKeyPem: readFileSync(publicKeyFile, 'utf8'),
    });
    expect(verdict.isValid).toBe(false);
    const failed = verdict.checks.filter((c) => !c.isOk).map((c) => c.name);
    expect(failed).toEqual(expect.arrayContaining(['layout', 'signature', 'chain', 'export']));
  });

  it('reports the first broken link after a hand edit, and refuses to sign that record', async () => {
    // Someone with the database in hand switches the append-only trigger off and edits a row.
    const sql = await PgliteClient.open(dataDir);
    try {
      await sql.transaction(async (tx) => {
        await tx.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
        await tx.query(
          `UPDATE audit_events SET type = 'request.rejected' WHERE type = 'request.approved' AND request_id = $1`,
          [requestId],
        );
        await tx.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
      });
    } finally {
      await sql.close();
    }
    const checked = capture();
    expect(await auditCli.run(['verify', requestId], checked.io)).toBe(1);
    expect(checked.out.join('\n')).toMatch(
      /BROKEN at link 2: audit entry \d+ \(seq 2\) does not match its hash: the entry was edited after it was written \(hash: expected [0-9a-f]{64}, found [0-9a-f]{64}\)/,
    );
    const refused = capture();
    expect(await exportCli.run([requestId, '--proof'], refused.io)).toBe(1);
    expect(refused.err.join('\n')).toContain('no proof pack was written');
    expect(refused.out).toEqual([]);
  });
});
