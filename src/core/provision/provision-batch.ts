/**
 * Provisions many joiners: each valid row is decided, checked against the seat ledger and, when
 * executing, run as its own request through the Runner (journal, retries, per-system concurrency).
 * Rows run with bounded concurrency; one bad row never stops the batch. An aborted `signal` (a
 * scheduled job's claim lost, or the instance stopping) stops it between rows: rows already started
 * finish, the others are left out of the report and nothing is done for them.
 */
import { randomUUID } from 'node:crypto';
import { describeError } from '../errors.js';
import type { Principal } from '../model.js';
import type { IdentityUser } from '../ports/identity.js';
import type { Ports } from '../ports/index.js';
import type { RunStatus, Store } from '../ports/store.js';
import type { RequestService } from '../requests/request-service.js';
import { buildPlan } from '../runner/build-plan.js';
import type { Runner } from '../runner/runner.js';
import type { Plan } from '../step.js';
import { decideProvisioning } from './provision-decision.js';
import { subjectOf } from '../flows/subject.js';
import type { StoredProvisionOptions } from './provision-flow.js';
import type { JoinerRow, ProvisionInput } from './provision-input.js';
import type { ResolvedMapping } from './provision-mapping.js';
import { enqueuePending } from './provision-pending.js';
import { licenceSummary, type BatchReport, type BatchRowResult } from './provision-report.js';
import { provisionStepList } from './provision-steps.js';
import { SeatLedger, stockWarnings } from './seat-stock.js';

/** A parsed import line: a valid row, or the reason it is not one. */
export type BatchLine =
  { line: number; row: JoinerRow } | { line: number; error: string; userPrincipalName?: string };

export interface BatchDeps {
  ports: Ports;
  store: Pick<Store, 'runs' | 'journal' | 'queue'>;
  runner: Runner;
  requestService: RequestService;
  mapping: ResolvedMapping;
}

export interface BatchOptions {
  requester: Principal;
  /** Where the rows came from ("joiners.csv", "Teams file joiners.csv", "pending queue"). */
  source: string;
  isDryRun: boolean;
  /** `enqueue`: unsynced joiners go to the pending queue; `report`: they are only reported (the queue's own retries). */
  onNotSynced?: 'enqueue' | 'report';
  concurrency?: number;
  onRow?: (result: BatchRowResult, done: number, total: number) => void;
  /** Checked before each row: once aborted, no further row starts. */
  signal?: AbortSignal;
}

const runPollMs = 200;
/** How long a row waits for a run another worker claimed before it reports the row failed. */
const maxRunWaitMs = 30 * 60_000;

export class ProvisionBatch {
  constructor(private readonly deps: BatchDeps) {}

  async run(lines: readonly BatchLine[], options: BatchOptions): Promise<BatchReport> {
    const startedAt = new Date(this.deps.ports.clock.now()).toISOString();
    const skus = await this.deps.ports.licences.listSubscribedSkus();
    const ledger = new SeatLedger(skus);
    const results: BatchRowResult[] = new Array<BatchRowResult>(lines.length);
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < lines.length; i = next++) {
        if (options.signal?.aborted) return;
        const line = lines[i];
        if (!line) continue;
        const result = await this.row(line, ledger, options);
        results[i] = result;
        done += 1;
        options.onRow?.(result, done, lines.length);
      }
    };
    const width = Math.max(
      1,
      Math.min(options.concurrency ?? this.deps.mapping.config.batch.concurrency, lines.length),
    );
    await Promise.all(Array.from({ length: width }, worker));
    const after = options.isDryRun ? skus : await this.deps.ports.licences.listSubscribedSkus();
    const mapped = [
      ...this.deps.mapping.rules.flatMap((r) => r.licences),
      ...(this.deps.mapping.default ?? []),
    ];
    const mappedIds = [...new Set(mapped.map((l) => l.skuId))];
    return {
      id: randomUUID(),
      source: options.source,
      isDryRun: options.isDryRun,
      startedAt,
      finishedAt: new Date(this.deps.ports.clock.now()).toISOString(),
      // Rows an abort left unstarted have no result and are not reported.
      rows: results.filter((r): r is BatchRowResult => r !== undefined),
      licences: licenceSummary(after, mappedIds, options.isDryRun ? ledger : undefined),
      warnings: stockWarnings(after, mappedIds, this.deps.mapping.config.seats.warnBelow),
    };
  }

  private async row(line: BatchLine, ledger: SeatLedger, options: BatchOptions): Promise<BatchRowResult> {
    if ('error' in line) {
      return {
        line: line.line,
        userPrincipalName: line.userPrincipalName ?? '',
        status: 'invalid',
        licences: [],
        notes: [],
        error: line.error,
      };
    }
    const base = { line: line.line, userPrincipalName: line.row.userPrincipalName, notes: [] as string[] };
    try {
      return await this.provisionRow(line.row, ledger, options, base);
    } catch (error) {
      return { ...base, status: 'failed', licences: [], error: describeError(error).message };
    }
  }

  private async provisionRow(
    row: JoinerRow,
    ledger: SeatLedger,
    options: BatchOptions,
    base: { line: number; userPrincipalName: string; notes: string[] },
  ): Promise<BatchRowResult> {
    const { ports, mapping } = this.deps;
    const decision = await decideProvisioning({ ports, mapping }, row, {
      mailboxPollMs: mapping.config.mailbox.pollSeconds * 1000,
    });
    if (decision.kind === 'refused')
      return { ...base, status: 'failed', licences: [], error: decision.message };
    if (decision.kind === 'not-synced') {
      if (!options.isDryRun && (options.onNotSynced ?? 'enqueue') === 'enqueue') {
        await enqueuePending(this.deps.store.queue, mapping.config, ports.clock.now(), {
          row,
          requestedBy: options.requester.displayName ?? options.requester.aadObjectId,
        });
      }
      return { ...base, status: 'queued', licences: [], notes: [decision.message] };
    }
    const { draft } = decision;
    const described = {
      ...base,
      userId: draft.target.id,
      displayName: draft.target.displayName,
      ...(draft.target.mail && { mail: draft.target.mail }),
      userPrincipalName: draft.target.userPrincipalName,
      licences: draft.input.licences.map((l) => l.skuPartNumber),
      ...(draft.input.usageLocation && { usageLocation: draft.input.usageLocation.value }),
      reason: draft.input.reason,
      notes: draft.notes,
    };
    const input: ProvisionInput = { ...draft.input, requestId: 'REQ-PREVIEW' };
    const plan = await buildPlan(
      provisionStepList,
      { input, ports, signal: new AbortController().signal },
      {
        clock: ports.clock,
      },
    );
    const unplanned = plan.steps.find((s) => s.planError ?? s.skippedReason);
    if (unplanned)
      return {
        ...described,
        status: 'failed',
        error: `${unplanned.title}: ${unplanned.planError ?? unplanned.skippedReason ?? ''}`,
      };
    if (plan.steps.every((s) => s.changes.length === 0)) return { ...described, status: 'nothing-to-do' };
    const reservation = ledger.reserve(draft.newSkuIds);
    if (!reservation.ok) return { ...described, status: 'failed', error: reservation.message };
    if (options.isDryRun) return { ...described, status: 'planned' };

    const outcome = await this.execute(
      draft.target,
      { input: draft.input, notes: draft.notes, inheritedSkus: draft.inheritedSkus },
      plan,
      options.requester,
    );
    if (outcome.failedStepIds.includes('entra.assign-licences')) reservation.release();
    if (outcome.status === 'completed')
      return { ...described, status: 'provisioned', requestId: outcome.requestId };
    return {
      ...described,
      status: 'failed',
      requestId: outcome.requestId,
      error: outcome.errors.join('; ') || `The run ended ${outcome.status}`,
    };
  }

  private async execute(
    target: IdentityUser,
    options: StoredProvisionOptions,
    plan: Plan,
    requester: Principal,
  ): Promise<{ requestId: string; status: RunStatus; errors: string[]; failedStepIds: string[] }> {
    const { requestService, store, runner } = this.deps;
    const request = await requestService.create({
      kind: 'provision',
      subject: subjectOf(target),
      options: { ...options },
      requester,
      approvalsRequired: 0,
    });
    await requestService.setState(request.id, 'approved');
    const runId = randomUUID();
    await store.runs.create({
      id: runId,
      requestId: request.id,
      status: 'queued',
      plan,
      input: { ...options.input, requestId: request.id },
    });
    await requestService.setState(request.id, 'running', { runId });
    const outcome = await runner.execute(runId);
    const status = outcome.kind === 'finished' ? outcome.status : await this.waitForRun(runId);
    await requestService.setState(
      request.id,
      status === 'queued' || status === 'running' ? 'failed' : status,
    );
    const failed = (await store.journal.list(runId)).filter((e) => e.phase === 'failed');
    return {
      requestId: request.id,
      status,
      errors: failed.map((e) => e.error?.message ?? `${e.stepId} failed`),
      failedStepIds: failed.map((e) => e.stepId),
    };
  }

  /** Another worker of this process (abandoned-run resumption) claimed the run first: wait for it. */
  private async waitForRun(runId: string): Promise<RunStatus> {
    const deadline = this.deps.ports.clock.now() + maxRunWaitMs;
    while (this.deps.ports.clock.now() < deadline) {
      const run = await this.deps.store.runs.get(runId);
      if (!run) return 'failed';
      if (run.status !== 'queued' && run.status !== 'running') return run.status;
      await this.deps.ports.clock.sleep(runPollMs);
    }
    return 'failed';
  }
}
