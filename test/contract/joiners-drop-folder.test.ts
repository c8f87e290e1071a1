import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { joinersDropJobName } from '../../src/core/provision/joiners-drop-folder.js';
import type { DropFileReport } from '../../src/core/triggers/drop-folder.js';
import { skuIds, startSandbox } from '../../src/sandbox/index.js';
import { makeUser } from '../../src/sandbox/seed/builders.js';
import {
  itChannelId,
  simulateMailboxProvisioning,
  startProvisionHarness,
  writeTestMapping,
  type ProvisionHarness,
} from './provision-harness.js';

const header = 'CN,UserPrincipalName,EmployeeType';
const csv = (...rows: string[]): string => [header, ...rows].join('\n');

function reportOf(folder: string, sub: 'Processed' | 'Rejected', file: string): DropFileReport {
  const names = readdirSync(join(folder, sub)).filter(
    (n) => n.startsWith(`${file}.`) && n.endsWith('.report.json'),
  );
  expect(names).toHaveLength(1);
  return JSON.parse(readFileSync(join(folder, sub, names[0] ?? ''), 'utf8')) as DropFileReport;
}
const fates = (report: DropFileReport) => (report.rows ?? []).map((r) => [r.line, r.key, r.status]);
const csvFiles = (folder: string, sub = ''): string[] =>
  readdirSync(join(folder, sub))
    .filter((n) => n.endsWith('.csv'))
    .sort();

describe('joiners drop folder against the sandbox (real connectors, runner and store)', () => {
  let h: ProvisionHarness;
  let folder: string;
  const licencesOf = (upn: string): string[] =>
    (h.sandbox.state.directory.getUser(upn)?.assignedLicenses ?? []).map((l) => l.skuId.toLowerCase());
  /** Licence assignments the sandbox applied, per user path: each joiner's must be exactly one. */
  const assignments = (): string[] =>
    h.sandbox.requestLog
      .find({ appliedOnly: true })
      .filter((e) => e.path.endsWith('/assignLicense'))
      .map((e) => e.path);
  const run = () => {
    const dropFolder = h.provisioning.joinersDropFolder;
    if (!dropFolder) throw new Error('the drop folder is off');
    return dropFolder.run();
  };

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'joiners-drop-'));
    h = await startProvisionHarness({
      env: {
        JOINERS_DROP_FOLDER: folder,
        JOINERS_DROP_SETTLE_SECONDS: '0',
        PROTECTED_UPNS: 'pat.protected@contoso.com',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await h.close();
    rmSync(folder, { recursive: true, force: true });
  });
  beforeEach(() => {
    h.sandbox.reset();
  });

  it('registers the scheduled job and provisions a good file, which moves to Processed with its report', async () => {
    expect(h.services.jobs.names).toContain(joinersDropJobName);
    h.addJoiner({ alias: 'gina.good', displayName: 'Gina Good', employeeType: 'Employee' });
    h.addJoiner({ alias: 'carl.contract', displayName: 'Carl Contract', employeeType: 'Contractor' });
    writeFileSync(
      join(folder, 'idm-0001.csv'),
      csv('Gina Good,gina.good@contoso.com,E', 'Carl Contract,Carl.Contract@contoso.com,N'),
    );

    const result = await run();

    expect(result.files.map((f) => [f.name, f.outcome])).toEqual([['idm-0001.csv', 'processed']]);
    expect(licencesOf('gina.good@contoso.com')).toEqual([skuIds.ENTERPRISEPACK.toLowerCase()]);
    expect(licencesOf('carl.contract@contoso.com')).toEqual([skuIds.EXCHANGESTANDARD.toLowerCase()]);
    expect(csvFiles(folder)).toEqual([]);
    expect(csvFiles(folder, 'Processed')).toContain('idm-0001.csv');
    const report = reportOf(folder, 'Processed', 'idm-0001.csv');
    expect(fates(report)).toEqual([
      [2, 'gina.good@contoso.com', 'provisioned'],
      [3, 'carl.contract@contoso.com', 'provisioned'],
    ]);
    expect(report.rows?.[0]?.detail).toContain('ENTERPRISEPACK');
    // The run's rows reach the IT channel as a provisioning report.
    const card = JSON.stringify(
      h.gateway.messages.filter((m) => m.conversationId === itChannelId).map((m) => h.gateway.cardOf(m)),
    );
    expect(card).toContain('gina.good@contoso.com');
  });

  it('moves a file without a UPN column to Rejected with the reason and provisions nothing', async () => {
    h.addJoiner({ alias: 'nina.nocolumn', displayName: 'Nina Nocolumn', employeeType: 'Employee' });
    writeFileSync(join(folder, 'bad.csv'), 'CN,Mail\nNina Nocolumn,nina.nocolumn@contoso.com\n');

    const result = await run();

    expect(result.files).toMatchObject([{ name: 'bad.csv', outcome: 'rejected' }]);
    expect(csvFiles(folder, 'Rejected')).toContain('bad.csv');
    expect(reportOf(folder, 'Rejected', 'bad.csv').reason).toBe(
      'The header has no UPN column (UserPrincipalName or UPN).',
    );
    expect(licencesOf('nina.nocolumn@contoso.com')).toEqual([]);
    expect(assignments()).toEqual([]);
  });

  it('provisions a joiner listed in two files once and reports the second as a duplicate', async () => {
    h.addJoiner({ alias: 'dora.double', displayName: 'Dora Double', employeeType: 'Employee' });
    h.addJoiner({ alias: 'otto.once', displayName: 'Otto Once', employeeType: 'Contractor' });
    writeFileSync(join(folder, 'dup-a.csv'), csv('Dora Double,dora.double@contoso.com,E'));
    writeFileSync(
      join(folder, 'dup-b.csv'),
      csv('Dora Double,DORA.DOUBLE@contoso.com,E', 'Otto Once,otto.once@contoso.com,N'),
    );

    const result = await run();

    expect(result.files.map((f) => f.outcome)).toEqual(['processed', 'processed']);
    expect(assignments()).toHaveLength(2);
    expect(licencesOf('dora.double@contoso.com')).toEqual([skuIds.ENTERPRISEPACK.toLowerCase()]);
    const [first, second] = ['dup-a.csv', 'dup-b.csv'].map((f) => reportOf(folder, 'Processed', f));
    const all = [...fates(first ?? ({} as DropFileReport)), ...fates(second ?? ({} as DropFileReport))];
    expect(
      all
        .filter(([, key]) => key === 'dora.double@contoso.com')
        .map(([, , s]) => s)
        .sort(),
    ).toEqual(['duplicate', 'provisioned']);
    expect(all).toContainEqual([3, 'otto.once@contoso.com', 'provisioned']);
  });

  it("reports a failing row's fate and still moves the file to Processed", async () => {
    h.addJoiner({ alias: 'pat.protected', displayName: 'Pat Protected', employeeType: 'Employee' });
    h.addJoiner({ alias: 'fred.fine', displayName: 'Fred Fine', employeeType: 'Employee' });
    writeFileSync(
      join(folder, 'mixed.csv'),
      csv(
        'Pat Protected,pat.protected@contoso.com,E',
        'Broken,not-a-upn,E',
        'Fred Fine,fred.fine@contoso.com,E',
      ),
    );

    await run();

    const report = reportOf(folder, 'Processed', 'mixed.csv');
    expect(fates(report)).toEqual([
      [2, 'pat.protected@contoso.com', 'needs-approval'],
      [3, 'not-a-upn', 'invalid'],
      [4, 'fred.fine@contoso.com', 'provisioned'],
    ]);
    expect(report.rows?.[0]?.isFailure).toBe(true);
    expect(report.rows?.[1]?.detail).toContain('line 3');
    expect(licencesOf('pat.protected@contoso.com')).toEqual([]);
    expect(licencesOf('fred.fine@contoso.com')).toEqual([skuIds.ENTERPRISEPACK.toLowerCase()]);
    expect(report.counts).toEqual({ 'needs-approval': 1, invalid: 1, provisioned: 1 });
  });
});

describe('joiners drop folder after a crash in the middle of a file', () => {
  const childScript = fileURLToPath(new URL('../support/drop-folder-child.ts', import.meta.url));
  const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
  const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  it('finishes the file after a restart: no joiner provisioned twice, the file handled once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'joiners-drop-store-'));
    const folder = mkdtempSync(join(tmpdir(), 'joiners-drop-crash-'));
    const sandbox = await startSandbox({ port: 0 });
    const stopMailboxes = simulateMailboxProvisioning(sandbox, 0);
    const aliases = ['ann.one', 'bob.two', 'cat.three', 'dan.four'];
    try {
      sandbox.state.seed((t) => {
        aliases.forEach((alias, i) => {
          t.directory.addUser(
            makeUser(t.info, {
              id: `30000000-0000-4000-8000-00000000000${i + 1}`,
              alias,
              displayName: alias,
              employeeType: 'Employee',
            }),
          );
        });
      });
      writeFileSync(join(folder, 'joiners.csv'), csv(...aliases.map((a) => `${a},${a}@contoso.com,E`)));

      // The first instance dies just before recording the third row's result.
      const exit = await new Promise<{ signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', childScript, dataDir, sandbox.baseUrl, writeTestMapping(), folder, '3', '1000'],
          { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('error', reject);
        child.once('exit', (_code, signal) => {
          resolve({ signal, stderr });
        });
      });
      expect(exit.signal, exit.stderr).toBe('SIGKILL');
      expect(csvFiles(folder)).toEqual(['joiners.csv']);
      const applied = (): string[] =>
        sandbox.requestLog
          .find({ appliedOnly: true })
          .filter((e) => e.path.endsWith('/assignLicense'))
          .map((e) => e.path);
      expect(applied()).toHaveLength(3);

      await pause(1_100); // the dead instance's claim on the file lapses
      const h = await startProvisionHarness({
        dataDir,
        env: { JOINERS_DROP_FOLDER: folder, JOINERS_DROP_SETTLE_SECONDS: '0' },
        prepare: (fresh) => {
          fresh.state.restore(sandbox.state.snapshot());
        },
      });
      try {
        const result = await h.provisioning.joinersDropFolder?.run();
        expect(result?.files.map((f) => f.outcome)).toEqual(['processed']);
        const after = h.sandbox.requestLog
          .find({ appliedOnly: true })
          .filter((e) => e.path.endsWith('/assignLicense'));
        // Only the fourth joiner is assigned a licence after the restart; the third is found done.
        expect(after).toHaveLength(1);
        expect(after[0]?.path).toContain('30000000-0000-4000-8000-000000000004');
        for (const alias of aliases) {
          expect(
            h.sandbox.state.directory.getUser(`${alias}@contoso.com`)?.assignedLicenses.map((l) => l.skuId),
          ).toEqual([skuIds.ENTERPRISEPACK]);
        }
        expect(csvFiles(folder)).toEqual([]);
        expect(csvFiles(folder, 'Processed')).toEqual(['joiners.csv']);
        const report = reportOf(folder, 'Processed', 'joiners.csv');
        expect(fates(report).map(([line, , status]) => [line, status])).toEqual([
          [2, 'provisioned'],
          [3, 'provisioned'],
          [4, 'nothing-to-do'],
          [5, 'provisioned'],
        ]);
        // A further run finds nothing left to do.
        expect((await h.provisioning.joinersDropFolder?.run())?.summary).toBe('No files.');
      } finally {
        await h.close();
      }
    } finally {
      stopMailboxes();
      await sandbox.close();
      rmSync(folder, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
