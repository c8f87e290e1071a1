/**
 * Joiners from a drop folder (an IDM export share): the scheduled job `joiners.drop-folder` reads
 * every CSV there with the joiners parser and provisions each row through the provisioning batch (the
 * same decision, seat ledger, runner, journal and audit as a file sent in Teams), keyed by the
 * lower-cased UPN. Nobody approves a row here, so a row the policy would send for approval (a
 * protected account, or every joiner when provisioning needs approval) is not provisioned and is
 * reported as `needs-approval`; a row it refuses is reported `failed`. Each run's rows are also sent
 * as one provisioning report (IT channel, mail) when there were any.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../model.js';
import type { Policy } from '../policy/policy.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { Store } from '../ports/store.js';
import type { ScheduledJob } from '../schedule/scheduler.js';
import {
  DropFolderProcessor,
  type DropFolderRun,
  type DropRow,
  type ParsedDropFile,
  type RowOutcome,
} from '../triggers/drop-folder.js';
import { CsvFormatError, maxCsvBytes, parseJoinersCsv } from './joiners-csv.js';
import type { ProvisionBatch } from './provision-batch.js';
import type { JoinerRow } from './provision-input.js';
import type { BatchReport, BatchRowResult } from './provision-report.js';

export const joinersDropJobName = 'joiners.drop-folder';

export interface JoinersDropFolderSettings {
  folder: string;
  /** Five-field cron expression, UTC. */
  schedule: string;
  /** Between the two looks at a file (see the drop-folder processor). Default 2 s. */
  settleMs?: number;
  /** How long a file's claim lasts without renewal. Default 10 min. */
  claimMs?: number;
}

export interface JoinersDropFolderDeps {
  store: Pick<Store, 'queue' | 'state'>;
  clock: Clock;
  log: Log;
  batch: Pick<ProvisionBatch, 'run'>;
  policy: Pick<Policy, 'checkSubject'>;
  /** Who the runs are recorded as requested by. */
  requester: Principal;
  /** Each run's rows as one report (the IT channel and mail, as for a file sent in Teams). */
  onReport?: (report: BatchReport) => Promise<void>;
}

/** The joiners parser as the drop folder wants it: a file-level problem refuses the whole file. */
export function parseJoinersDrop(text: string): ParsedDropFile<JoinerRow> {
  try {
    const rows: DropRow<JoinerRow>[] = parseJoinersCsv(text).map((line) =>
      'error' in line
        ? {
            line: line.line,
            error: line.error,
            ...(line.userPrincipalName && { key: line.userPrincipalName.toLowerCase() }),
          }
        : {
            line: line.line,
            key: line.row.userPrincipalName.toLowerCase(),
            // The same person in two files is the same row whatever the case of the UPN.
            value: { ...line.row, userPrincipalName: line.row.userPrincipalName.toLowerCase() },
          },
    );
    return { rows };
  } catch (error) {
    if (error instanceof CsvFormatError) return { rejected: error.message };
    throw error;
  }
}

type RowResults = { row: BatchRowResult; report: BatchReport }[];

export class JoinersDropFolder {
  constructor(
    private readonly deps: JoinersDropFolderDeps,
    private readonly settings: JoinersDropFolderSettings,
  ) {}

  get job(): ScheduledJob {
    return {
      name: joinersDropJobName,
      description: 'Provision the joiners in the CSV files of the drop folder',
      schedule: this.settings.schedule,
      run: async (signal) => (await this.run(signal)).summary,
    };
  }

  /** One pass over the folder; the rows provisioned are reported when there were any. */
  async run(signal?: AbortSignal): Promise<DropFolderRun> {
    const startedAt = new Date(this.deps.clock.now()).toISOString();
    const results: RowResults = [];
    const processor = new DropFolderProcessor<JoinerRow>(
      { store: this.deps.store, clock: this.deps.clock, log: this.deps.log },
      {
        name: 'joiners',
        folder: this.settings.folder,
        parse: parseJoinersDrop,
        apply: (row, context) => this.provision(row, context.line, context.file, results),
        maxFileBytes: maxCsvBytes,
        ...(this.settings.settleMs !== undefined && { settleMs: this.settings.settleMs }),
        ...(this.settings.claimMs !== undefined && { claimMs: this.settings.claimMs }),
      },
    );
    const run = await processor.run(signal);
    const last = results.at(-1)?.report;
    if (last && this.deps.onReport) {
      const files = run.files.filter((f) => f.outcome === 'processed').map((f) => f.name);
      await this.deps.onReport({
        id: randomUUID(),
        source: `drop folder: ${files.join(', ').slice(0, 180)}`,
        isDryRun: false,
        startedAt,
        finishedAt: new Date(this.deps.clock.now()).toISOString(),
        rows: results.map((r) => r.row),
        licences: last.licences,
        warnings: last.warnings,
      });
    }
    return run;
  }

  /**
   * Previews the row (decision, plan, seats), checks the policy on the joiner's account, then runs it.
   * A row whose earlier attempt was interrupted is simply run again: the plan finds what is done.
   */
  private async provision(
    row: JoinerRow,
    line: number,
    file: string,
    results: RowResults,
  ): Promise<RowOutcome> {
    const { batch, policy, requester } = this.deps;
    const source = `drop folder ${file}`;
    const preview = await batch.run([{ line, row }], { requester, source, isDryRun: true, concurrency: 1 });
    const planned = preview.rows[0];
    if (!planned) return { status: 'failed', isFailure: true, detail: 'The row was not decided.' };
    if (planned.status === 'planned') {
      if (planned.userId === undefined) {
        return refused(results, planned, preview, 'failed', 'The joiner has no Entra ID account id.');
      }
      const check = await policy.checkSubject(
        requester,
        { id: planned.userId, userPrincipalName: planned.userPrincipalName },
        'provision',
      );
      if (!check.decision.isAllowed) {
        return refused(results, planned, preview, 'failed', check.decision.reason);
      }
      if (check.approvalsRequired > 0) {
        return refused(
          results,
          planned,
          preview,
          'needs-approval',
          'Provisioning this account needs an approval: send it with `provision` or a file in Teams.',
        );
      }
    } else if (planned.status !== 'queued') {
      // nothing to do, or refused by the decision, the plan or the seats: nothing runs.
      results.push({ row: planned, report: preview });
      return outcomeOf(planned);
    }
    const report = await batch.run([{ line, row }], { requester, source, isDryRun: false, concurrency: 1 });
    const result = report.rows[0] ?? { ...planned, status: 'failed', error: 'The row was not run.' };
    results.push({ row: result, report });
    return outcomeOf(result);
  }
}

function refused(
  results: RowResults,
  row: BatchRowResult,
  preview: BatchReport,
  status: string,
  reason: string,
): RowOutcome {
  results.push({ row: { ...row, status: 'failed', error: reason }, report: preview });
  return { status, isFailure: true, detail: reason };
}

function outcomeOf(row: BatchRowResult): RowOutcome {
  const isFailure = row.status === 'failed' || row.status === 'invalid';
  const detail = isFailure
    ? row.error
    : [
        row.licences.length > 0 ? `licences ${row.licences.join(', ')}` : '',
        ...row.notes,
        row.requestId ?? '',
      ]
        .filter(Boolean)
        .join('; ');
  return { status: row.status, isFailure, ...(detail && { detail }) };
}
