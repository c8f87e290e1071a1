/**
 * Joiners from an on-premises AD group (the scheduled job `joiners.ad-group`): every user member of
 * the configured group is provisioned through the provisioning batch (the same decision, seat
 * ledger, request, Runner, journal and audit as an imported joiners file), and on success the
 * follow-up happens in AD: the member is removed from the group, or moved to the licensed group (added
 * there first, so they are never in neither). A member that fails stays in the group, is reported
 * once per distinct error and is tried again on the next run.
 *
 * Incremental by a stored member list, not a uSNChanged high-water mark: the group is the work list
 * (provisioned members leave it), and the store keeps, per member (objectGUID), when it was first
 * seen and the last error reported. A uSNChanged mark would miss accounts created long ago and added
 * to the group later (adding a member changes the group, not the user: `memberOf` is a back-link),
 * and USNs are per domain controller, so a mark read from one DC means nothing to the next one behind
 * the same name.
 *
 * Idempotent across crashes: a member whose provisioning request is still running (the Runner's
 * resume takes it over) is left alone; a member provisioned before a crash plans nothing on the next
 * run ("nothing to do") and only gets its follow-up; the follow-up writes are idempotent.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { describeError } from '../errors.js';
import { normalizeDn } from '../directory/dn.js';
import type { Principal } from '../model.js';
import type { Policy } from '../policy/policy.js';
import type { Clock } from '../ports/clock.js';
import type { Directory } from '../ports/directory.js';
import type { DirectoryGroupMembers, DirectoryMember } from '../ports/directory-members.js';
import type { Log } from '../ports/log.js';
import type { Store } from '../ports/store.js';
import type { Users } from '../ports/users.js';
import type { ScheduledJob } from '../schedule/scheduler.js';
import type { BatchLine, ProvisionBatch } from './provision-batch.js';
import { joinerRowSchema, type JoinerRow } from './provision-input.js';
import { mappingAttributes, type MappingAttribute, type ResolvedMapping } from './provision-mapping.js';
import type { BatchReport, BatchRowResult } from './provision-report.js';

export const adGroupJoinersJobName = 'joiners.ad-group';

export type GroupFollowUp = { kind: 'remove' } | { kind: 'move'; licensedGroupDn: string };

export interface AdGroupJoinersSettings {
  /** The group whose members are provisioned (O365_Provision). */
  groupDn: string;
  /** Five-field cron, UTC. */
  schedule: string;
  followUp: GroupFollowUp;
  /** Members handled per run (oldest first); the rest wait for the next run. */
  maxPerRun: number;
}

export interface AdGroupJoinersDeps {
  members: DirectoryGroupMembers;
  directory: Pick<Directory, 'addToGroup' | 'removeFromGroup'>;
  users: Pick<Users, 'getUser'>;
  policy: Pick<Policy, 'isProtected'>;
  batch: Pick<ProvisionBatch, 'run'>;
  mapping: ResolvedMapping;
  store: Pick<Store, 'state' | 'requests' | 'audit'>;
  clock: Clock;
  /** Who the provisioning requests are recorded as requested by. */
  requester: Principal;
  /** The report of a run that provisioned someone or met a new error (the IT channel, e-mail). */
  onReport: (report: BatchReport) => Promise<void>;
  log: Log;
}

/** What one run did, member by member (UPN, or DN when the account has none). */
export interface AdGroupRunResult {
  members: number;
  provisioned: string[];
  failed: { member: string; error: string }[];
  waiting: string[];
  running: string[];
  deferred: number;
}

const memberStateSchema = z.object({
  firstSeenAt: z.number(),
  /** The last failure, and the one last reported (a failure is reported once per distinct text). */
  error: z.string().optional(),
  reportedError: z.string().optional(),
});
const stateSchema = z.object({ members: z.record(z.string(), memberStateSchema) });
type MemberState = z.infer<typeof memberStateSchema>;
type JobState = z.infer<typeof stateSchema>;

/**
 * The AD attribute behind each mapping attribute: Entra's names, except jobTitle (AD `title`);
 * userType is Entra's own and has none. extensionAttribute1–15 come with the Exchange schema; a server
 * without it ignores names it does not know (RFC 4511 §4.5.1.8).
 */
export function adAttributeOf(attribute: MappingAttribute): string | undefined {
  if (attribute === 'userType') return undefined;
  return attribute === 'jobTitle' ? 'title' : attribute;
}

const adMappingAttributes = (mapping: ResolvedMapping): string[] => [
  ...new Set(mapping.rules.flatMap((r) => adAttributeOf(r.attribute) ?? [])),
];

type Precheck =
  | { kind: 'row'; row: JoinerRow }
  | { kind: 'failed'; error: string }
  | { kind: 'running'; requestId: string };

export class AdGroupJoiners {
  private readonly stateKey: string;

  constructor(
    private readonly settings: AdGroupJoinersSettings,
    private readonly deps: AdGroupJoinersDeps,
  ) {
    this.stateKey = `${adGroupJoinersJobName}:${normalizeDn(settings.groupDn)}`;
  }

  /** The scheduled job; its one-line result is the run's summary. */
  job(): ScheduledJob {
    return {
      name: adGroupJoinersJobName,
      description: `Provision the members of the AD group ${this.groupName()}`,
      schedule: this.settings.schedule,
      run: async (signal) => summaryLine(await this.run(signal), this.settings.followUp),
    };
  }

  async run(signal: AbortSignal = new AbortController().signal): Promise<AdGroupRunResult> {
    const { deps, settings } = this;
    const now = deps.clock.now();
    const state = await this.load();
    const members = await deps.members.listUserMembers(settings.groupDn, adMappingAttributes(deps.mapping));
    // Members that left the group (provisioned, or taken out by hand) are forgotten.
    const present = new Set(members.map((m) => m.id));
    for (const id of Object.keys(state.members))
      if (!present.has(id)) Reflect.deleteProperty(state.members, id);
    const stateOf = (m: DirectoryMember): MemberState => (state.members[m.id] ??= { firstSeenAt: now });
    const ordered = [...members].sort(
      (a, b) => stateOf(a).firstSeenAt - stateOf(b).firstSeenAt || a.dn.localeCompare(b.dn),
    );
    const handled = ordered.slice(0, settings.maxPerRun);
    const result: AdGroupRunResult = {
      members: members.length,
      provisioned: [],
      failed: [],
      waiting: [],
      running: [],
      deferred: ordered.length - handled.length,
    };
    const reportRows: BatchRowResult[] = [];
    const reported: MemberState[] = [];
    const fail = (m: DirectoryMember, line: number, error: string, row?: BatchRowResult): void => {
      const memberState = stateOf(m);
      memberState.error = error;
      result.failed.push({ member: nameOf(m), error });
      if (memberState.reportedError !== error) {
        reported.push(memberState);
        reportRows.push({
          licences: [],
          notes: [],
          ...row,
          line,
          userPrincipalName: m.userPrincipalName ?? m.dn,
          ...(m.displayName && { displayName: row?.displayName ?? m.displayName }),
          status: 'failed',
          error,
        });
      }
    };

    const lines: BatchLine[] = [];
    const byLine = new Map<number, DirectoryMember>();
    for (const [i, member] of handled.entries()) {
      if (signal.aborted) break;
      const line = i + 1;
      const check = await this.precheck(member).catch((error: unknown): Precheck => ({
        kind: 'failed',
        error: describeError(error).message,
      }));
      if (check.kind === 'failed') fail(member, line, check.error);
      else if (check.kind === 'running') result.running.push(`${nameOf(member)} (${check.requestId})`);
      else {
        lines.push({ line, row: check.row });
        byLine.set(line, member);
      }
    }

    let batchReport: BatchReport | undefined;
    if (lines.length > 0 && !signal.aborted) {
      batchReport = await deps.batch.run(lines, {
        requester: deps.requester,
        source: `AD group ${this.groupName()}`,
        isDryRun: false,
        // The group is the queue: a member not yet synced to Entra ID waits there for the next run.
        onNotSynced: 'report',
        // A lapsed claim or a stop ends the batch between members: another instance may take over.
        signal,
      });
      // Members the abort left unstarted stay in the group for the next run.
      result.deferred += lines.length - batchReport.rows.length;
      await this.save(state);
      for (const row of batchReport.rows) {
        const member = byLine.get(row.line);
        if (!member) continue;
        if (row.status === 'provisioned' || row.status === 'nothing-to-do') {
          if (signal.aborted) break;
          const error = await this.followUp(member, row.requestId);
          if (error === undefined) {
            Reflect.deleteProperty(state.members, member.id);
            result.provisioned.push(nameOf(member));
            if (row.status === 'provisioned') reportRows.push(row);
          } else {
            fail(member, row.line, error, row);
          }
          await this.save(state);
        } else if (row.status === 'queued') {
          const horizonMs = deps.mapping.config.pending.horizonHours * 3_600_000;
          if (now - stateOf(member).firstSeenAt > horizonMs) {
            const hours = deps.mapping.config.pending.horizonHours;
            fail(
              member,
              row.line,
              `Still not in Entra ID ${hours} h after joining the group: check directory sync`,
              row,
            );
          } else {
            result.waiting.push(nameOf(member));
          }
        } else {
          fail(member, row.line, row.error ?? `The provisioning ended ${row.status}`, row);
        }
      }
    }
    await this.save(state);
    if (reportRows.length > 0) await this.report(state, reported, reportRows, batchReport, now);
    return result;
  }

  private async precheck(member: DirectoryMember): Promise<Precheck> {
    if (!member.isEnabled) {
      return { kind: 'failed', error: 'The AD account is disabled: enable it, or take it out of the group' };
    }
    if (!member.userPrincipalName)
      return { kind: 'failed', error: 'The AD account has no userPrincipalName' };
    const parsed = joinerRowSchema.safeParse(toJoinerRow(member, member.userPrincipalName));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'account'} ${i.message}`);
      return { kind: 'failed', error: `The AD account's attributes are not usable: ${problems.join('; ')}` };
    }
    const row = parsed.data;
    // A run of ours the crash of an earlier job run left behind: the Runner's resume finishes it.
    const running = (await this.deps.store.requests.listBySubject(row.userPrincipalName, 20)).find(
      (r) =>
        r.kind === 'provision' &&
        r.state === 'running' &&
        r.requester.aadObjectId === this.deps.requester.aadObjectId,
    );
    if (running) return { kind: 'running', requestId: running.id };
    const user = await this.deps.users.getUser(row.userPrincipalName);
    if (
      user &&
      (await this.deps.policy.isProtected({ id: user.id, userPrincipalName: user.userPrincipalName }))
    ) {
      return {
        kind: 'failed',
        error: `${user.userPrincipalName} is a protected account: provision it from Teams (\`provision\`), where approvals apply`,
      };
    }
    return { kind: 'row', row };
  }

  /** Removes the member from the group (after adding it to the licensed group); the error text, if any. */
  private async followUp(
    member: DirectoryMember,
    requestId: string | undefined,
  ): Promise<string | undefined> {
    const { deps, settings } = this;
    const followUp = settings.followUp;
    try {
      if (followUp.kind === 'move') await deps.directory.addToGroup(member.dn, followUp.licensedGroupDn);
      await deps.directory.removeFromGroup(member.dn, settings.groupDn);
    } catch (error) {
      const described = describeError(error);
      deps.log.warn({ job: adGroupJoinersJobName, err: described }, 'joiner group follow-up failed');
      return `Provisioned, but the AD follow-up failed (the member stays in the group): ${described.message}`;
    }
    await deps.store.audit.append({
      at: new Date(deps.clock.now()).toISOString(),
      type: 'joiner.group-follow-up',
      ...(requestId && { requestId }),
      actor: { system: adGroupJoinersJobName },
      details: {
        member: member.dn,
        ...(member.userPrincipalName && { userPrincipalName: member.userPrincipalName }),
        removedFrom: settings.groupDn,
        ...(followUp.kind === 'move' && { addedTo: followUp.licensedGroupDn }),
      },
    });
    return undefined;
  }

  private async report(
    state: JobState,
    reported: MemberState[],
    rows: BatchRowResult[],
    batchReport: BatchReport | undefined,
    startedAt: number,
  ): Promise<void> {
    const { deps } = this;
    const report: BatchReport = {
      id: batchReport?.id ?? randomUUID(),
      source: `AD group ${this.groupName()}`,
      isDryRun: false,
      startedAt: batchReport?.startedAt ?? new Date(startedAt).toISOString(),
      finishedAt: new Date(deps.clock.now()).toISOString(),
      rows: rows.sort((a, b) => a.line - b.line),
      licences: batchReport?.licences ?? [],
      warnings: batchReport?.warnings ?? [],
    };
    try {
      await deps.onReport(report);
    } catch (error) {
      // Not marked as reported: the next run reports it again.
      deps.log.warn({ job: adGroupJoinersJobName, err: describeError(error) }, 'joiners report failed');
      return;
    }
    for (const memberState of reported) memberState.reportedError = memberState.error;
    await this.save(state);
  }

  private groupName(): string {
    return /^[^=]+=((?:\\.|[^,\\])+)/.exec(this.settings.groupDn)?.[1] ?? this.settings.groupDn;
  }

  private async load(): Promise<JobState> {
    const parsed = stateSchema.safeParse(await this.deps.store.state.get(this.stateKey));
    return parsed.success ? parsed.data : { members: {} };
  }

  private async save(state: JobState): Promise<void> {
    await this.deps.store.state.set(this.stateKey, state);
  }
}

/** The member as an import row: the CSV path's fields, the mapping attributes by lower-cased name. */
export function toJoinerRow(member: DirectoryMember, userPrincipalName: string): Record<string, unknown> {
  const attributes: Record<string, string> = {};
  for (const name of mappingAttributes) {
    const adName = adAttributeOf(name);
    const value = adName === undefined ? undefined : valueOf(member, adName);
    if (value !== undefined) attributes[name.toLowerCase()] = value;
  }
  const country = member.country?.trim();
  return {
    userPrincipalName,
    ...(member.displayName && { displayName: member.displayName }),
    ...(member.employeeId && { employeeId: member.employeeId }),
    ...(attributes['employeetype'] && { employeeType: attributes['employeetype'] }),
    ...(country && /^[A-Za-z]{2}$/.test(country) && { usageLocation: country }),
    attributes,
  };
}

const nameOf = (m: DirectoryMember): string => m.userPrincipalName ?? m.dn;

/** An attribute of the member by name, whatever the casing it was asked for in. */
const valueOf = (m: DirectoryMember, name: string): string | undefined =>
  Object.entries(m.attributes).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

export function summaryLine(result: AdGroupRunResult, followUp: GroupFollowUp): string {
  const done = followUp.kind === 'move' ? 'moved to the licensed group' : 'removed from the group';
  const parts = [`${result.members} in the group`, `${result.provisioned.length} provisioned and ${done}`];
  const firstFailure = result.failed[0];
  if (firstFailure) {
    parts.push(
      `${result.failed.length} failed and stay for the next run (first: ${firstFailure.member}: ${firstFailure.error})`,
    );
  }
  if (result.waiting.length > 0) parts.push(`${result.waiting.length} waiting for directory sync`);
  if (result.running.length > 0) parts.push(`${result.running.length} still running from an earlier run`);
  if (result.deferred > 0) parts.push(`${result.deferred} left for the next run`);
  return parts.join(', ');
}
