/**
 * The containment timeline: for each system, when it was cut off (its last containment step finished)
 * counted from the approval, and which system took longest. A pure fold of the run's plan and journal.
 */
import type { JournalEntry } from '../ports/store.js';
import { summariseRun, type StepProgressStatus } from '../runner/summarise-run.js';
import type { Plan } from '../step.js';

export interface TimelineStep {
  stepId: string;
  title: string;
  status: StepProgressStatus;
  isNothingToDo: boolean;
  /** When its last journal entry was written (ISO), if it ran. */
  finishedAt?: string;
  error?: string;
}

export interface TimelineSystem {
  /** "Entra ID", "Active Directory", "Exchange Online", "Intune", "Other mailboxes". */
  name: string;
  /** Every step of the system is done (or had nothing to do). */
  isCutOff: boolean;
  /** When the system's last step finished (ISO); absent when none ran. */
  cutOffAt?: string;
  /** From the origin (the approval) to `cutOffAt`. */
  elapsedMs?: number;
  steps: TimelineStep[];
}

export interface ContainTimeline {
  /** The moment the containment was approved (or confirmed, without approval). */
  origin: string;
  systems: TimelineSystem[];
  /** The system whose cut-off came last, among those cut off. */
  longest?: string;
  /** When the first session revocation was applied (ISO), and how long after the origin. */
  firstSessionRevocation?: { at: string; elapsedMs: number };
  /** Every system is cut off. */
  isComplete: boolean;
  /** The offboarding drafted for IT, when one was. */
  offboarding?: DraftedOffboarding;
}

export interface DraftedOffboarding {
  requestId: string;
  /** The request existed already (an earlier draft or an open offboarding). */
  isExisting: boolean;
  delegate: string | null;
  delegateNote: string;
}

/** The system a containment step cuts off, by its id. */
export function systemOfStep(stepId: string): string {
  if (stepId.startsWith('exo.revoke-')) return 'Other mailboxes';
  if (stepId.startsWith('exo.')) return 'Exchange Online';
  if (stepId.startsWith('intune.')) return 'Intune';
  if (stepId.startsWith('ad.')) return 'Active Directory';
  return 'Entra ID';
}

const systemOrder = ['Entra ID', 'Active Directory', 'Exchange Online', 'Intune', 'Other mailboxes'];

export function buildContainTimeline(
  plan: Plan,
  journal: readonly JournalEntry[],
  origin: string,
): ContainTimeline {
  const originMs = Date.parse(origin);
  const summary = summariseRun(plan, [...journal]);
  const lastAt = new Map<string, string>();
  for (const entry of journal) {
    const seen = lastAt.get(entry.stepId);
    if (seen === undefined || Date.parse(entry.at) >= Date.parse(seen)) lastAt.set(entry.stepId, entry.at);
  }
  const bySystem = new Map<string, TimelineStep[]>();
  for (const step of summary.steps) {
    const name = systemOfStep(step.stepId);
    const finishedAt = lastAt.get(step.stepId);
    const list = bySystem.get(name) ?? [];
    list.push({
      stepId: step.stepId,
      title: step.title,
      status: step.status,
      isNothingToDo: step.isNothingToDo,
      ...(finishedAt !== undefined && { finishedAt }),
      ...(step.error !== undefined && { error: step.error }),
    });
    bySystem.set(name, list);
  }
  const systems: TimelineSystem[] = [...bySystem.entries()]
    .sort(([a], [b]) => systemOrder.indexOf(a) - systemOrder.indexOf(b))
    .map(([name, steps]) => {
      const isCutOff = steps.every((s) => s.status === 'done');
      const times = steps.flatMap((s) => (s.finishedAt ? [Date.parse(s.finishedAt)] : []));
      const last = times.length > 0 ? Math.max(...times) : undefined;
      return {
        name,
        isCutOff,
        ...(last !== undefined && {
          cutOffAt: new Date(last).toISOString(),
          elapsedMs: Math.max(0, last - originMs),
        }),
        steps,
      };
    });
  const cut = systems.filter((s) => s.isCutOff && s.elapsedMs !== undefined);
  const longest = cut.reduce<TimelineSystem | undefined>(
    (worst, s) => (worst === undefined || (s.elapsedMs ?? 0) > (worst.elapsedMs ?? 0) ? s : worst),
    undefined,
  );
  const revoked = journal.find((e) => e.stepId === 'entra.revoke-sessions' && e.phase === 'applied');
  return {
    origin,
    systems,
    ...(longest && { longest: longest.name }),
    ...(revoked && {
      firstSessionRevocation: { at: revoked.at, elapsedMs: Math.max(0, Date.parse(revoked.at) - originMs) },
    }),
    isComplete: systems.length > 0 && systems.every((s) => s.isCutOff),
  };
}
