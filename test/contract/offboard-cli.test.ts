import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offboardCli } from '../../src/cli/offboard-cli.js';
import type { BulkReport } from '../../src/core/runs/bulk-run-service.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { openStore } from '../../src/store/index.js';
import { loadConfig } from '../../src/app/config.js';
import { WriteBudgetLedger } from '../../src/app/write-budget-ledger.js';
import { EXCHANGE_DESTRUCTIVE_BUDGET } from '../../src/connectors/http/write-pacer.js';

/** `lifecycle offboard --from leavers.csv [--execute]` in this process, against the sandbox. */
describe('lifecycle offboard --from (CLI against the sandbox)', () => {
  let sandbox: Sandbox;
  let dir: string;
  let csv: string;
  let leavers: string[];
  const saved = { ...process.env };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, tenant: { users: 6 } });
    dir = mkdtempSync(join(tmpdir(), 'offboard-cli-'));
    Object.assign(process.env, {
      LIFECYCLE_MODE: 'sandbox',
      SANDBOX_URL: sandbox.baseUrl,
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'silent',
    });
    leavers = (sandbox.generated?.userIds ?? [])
      .slice(0, 2)
      .map((id) => sandbox.state.directory.getUser(id)?.userPrincipalName ?? id);
    csv = join(dir, 'leavers.csv');
    writeFileSync(
      csv,
      [
        'upn,delegate',
        ...leavers.map((upn) => `${upn},megan.bowen@contoso.com`),
        'nobody.here@contoso.com,',
        'not an address,',
      ].join('\n') + '\n',
    );
  }, 60_000);
  afterAll(async () => {
    process.env = saved;
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await offboardCli.run(args, {
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const exchange = (cmdlet: string, mark: number) =>
    sandbox.requestLog.all().filter((e) => e.seq > mark && e.service === 'exchange' && e.action === cmdlet);
  const writesAfter = (mark: number) =>
    sandbox.requestLog
      .all()
      .filter((e) => e.seq > mark && e.operation !== null && e.operation !== 'token.issue');

  it('dry run: plans every leaver, reports the unknown and invalid lines, changes nothing', async () => {
    const mark = sandbox.requestLog.all().at(-1)?.seq ?? 0;
    const { code, out } = await cli(['--from', csv]);
    expect(code).toBe(2);
    expect(out).toContain('Dry run (nothing changed; add --execute to apply)');
    for (const upn of leavers) expect(out).toMatch(new RegExp(`✓ line \\d ${upn} → delegate megan.bowen`));
    expect(out).toContain('nobody.here@contoso.com: not-found');
    expect(out).toContain('4 listed: 2 to offboard');
    expect(writesAfter(mark)).toEqual([]);
  }, 120_000);

  it('--execute: each leaver is planned once, by its run, and read back; one Set-Mailbox per leaver', async () => {
    const mark = sandbox.requestLog.all().at(-1)?.seq ?? 0;
    const { code, out, err } = await cli(['--from', csv, '--execute', '--json']);
    expect(code, err).toBe(2); // the unknown and the invalid line
    const { report } = JSON.parse(out) as { report: BulkReport };
    expect(report.results.map((r) => [r.userPrincipalName, r.status])).toEqual(
      leavers.map((upn) => [upn, 'completed']),
    );
    for (const upn of leavers) {
      const user = sandbox.state.directory.getUser(upn);
      expect(user?.accountEnabled).toBe(false);
      // The mail-client settings: read by the run's plan and by the read-back, nothing else.
      const cas = exchange('Get-CASMailbox', mark).filter((e) => e.appId !== null);
      expect(cas.length).toBe(2 * leavers.length);
      const setMailbox = writesAfter(mark).filter(
        (e) => e.operation === 'exo.set-mailbox' && e.target?.startsWith(`${upn.toLowerCase()}|`),
      );
      expect(setMailbox.map((e) => e.target)).toEqual([
        `${upn.toLowerCase()}|hiddenfromaddresslistsenabled,type`,
      ]);
    }
    expect(err).toMatch(/Offboarding \[#+\] 2\/2/);

    // What the run spent of the Exchange write budget is kept for the next command (the ledger): one
    // paced slot per Exchange write, each 60 s / (120 × 0.97) long, from the first write on.
    const exchangeWrites = writesAfter(mark).filter((e) => e.service === 'exchange');
    expect(exchangeWrites.length).toBeGreaterThan(0);
    const firstWriteAt = Date.parse(exchangeWrites[0]?.time ?? '');
    const key = WriteBudgetLedger.key(loadConfig().tenant, EXCHANGE_DESTRUCTIVE_BUDGET.name);
    const store = await openStore({ dataDir: join(dir, 'data') });
    try {
      const saved = (await store.state.get(key)) as { nextSlotAt: number } | undefined;
      const slotMs = 60_000 / (120 * 0.97);
      expect(saved?.nextSlotAt).toBeGreaterThanOrEqual(
        firstWriteAt + (exchangeWrites.length - 1) * slotMs - 1_000,
      );
    } finally {
      await store.close();
    }
  }, 240_000);

  it('--option: a bad, unknown or per-person option is refused before anything is read or changed', async () => {
    const mark = sandbox.requestLog.all().at(-1)?.seq ?? 0;
    await expect(cli(['--from', csv, '--option', 'blockMailClients=nope'])).rejects.toThrow(
      /--option blockMailClients=nope: .*expected boolean/,
    );
    await expect(cli(['--from', csv, '--option', 'blockMailClient=false'])).rejects.toThrow(
      /--option blockMailClient: no such option; the options are .*blockMailClients/,
    );
    await expect(cli(['--from', csv, '--option', 'wipeCorporateDevices=true'])).rejects.toThrow(
      /chosen per leaver in Teams/,
    );
    await expect(cli(['--from', csv, '--option', 'blockMailClients'])).rejects.toThrow(/name=value/);
    expect(sandbox.requestLog.all().filter((e) => e.seq > mark)).toEqual([]);
  });

  it("--option for the whole batch: the dry run plans with it, and each leaver's run applies it", async () => {
    const third = (sandbox.generated?.userIds ?? [])
      .slice(2, 3)
      .map((id) => sandbox.state.directory.getUser(id)?.userPrincipalName ?? id);
    const one = join(dir, 'one-leaver.csv');
    writeFileSync(
      one,
      ['upn,delegate', ...third.map((u) => `${u},megan.bowen@contoso.com`)].join('\n') + '\n',
    );
    const chosen = ['--option', 'blockMailClients=false', '--option', 'shareOneDrive=false'];

    const dry = await cli(['--from', one, ...chosen]);
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain(
      "Options: blockMailClients=false, shareOneDrive=false; the others the checklist's defaults",
    );
    expect(dry.out).not.toMatch(/exo\.block-mail-clients|exo\.remove-mobile-devices|spo\.grant-delegate/);
    expect(dry.out).toContain('exo.convert-to-shared');

    const mark = sandbox.requestLog.all().at(-1)?.seq ?? 0;
    const run = await cli(['--from', one, '--execute', '--json', ...chosen]);
    expect(run.code, run.err).toBe(0);
    const { report, options } = JSON.parse(run.out) as { report: BulkReport; options: unknown };
    expect(options).toEqual({ blockMailClients: false, shareOneDrive: false });
    expect(report.results.map((r) => r.status)).toEqual(['completed']);
    const writes = writesAfter(mark).map((e) => e.operation);
    expect(writes).toContain('exo.set-mailbox');
    expect(writes).not.toContain('exo.set-cas-mailbox');
    expect(exchange('Get-CASMailbox', mark)).toEqual([]);
    expect(writes.filter((op) => op?.startsWith('spo.'))).toEqual([]);
    expect(sandbox.state.directory.getUser(third[0] ?? '')?.accountEnabled).toBe(false);
  }, 240_000);

  it('--execute again on the same list: the leavers are done, nothing is changed and nobody is told twice', async () => {
    const mark = sandbox.requestLog.all().at(-1)?.seq ?? 0;
    const { code, out } = await cli(['--from', csv, '--execute', '--json']);
    expect(code).toBe(2);
    const { report } = JSON.parse(out) as { report: BulkReport };
    expect(report.results.map((r) => [r.status, r.counts?.done])).toEqual([
      ['completed', 0],
      ['completed', 0],
    ]);
    // No write at all: no second sign-in revocation, no second notice to the delegate.
    expect(writesAfter(mark)).toEqual([]);
  }, 240_000);
});
