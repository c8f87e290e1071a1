/**
 * What an undo reverses, read from the offboarding's run: the changes its journal records as applied
 * (with the before-states its plan kept), split into steps that can be undone and the ones that can't;
 * and the order of the inverse steps: the reverse of the offboarding's dependency order.
 */
import type { JournalEntry, RunRecord } from '../ports/store.js';
import { foldJournal } from '../runner/journal-state.js';
import type { Step } from '../step.js';
import type { OffboardInput } from '../offboard/offboard-input.js';
import type { RecordedStep } from './undo-input.js';
import { irreversibleText, restoreUserStepId, undoStepId } from './undo-steps.js';

export interface RecordedRun {
  recorded: RecordedStep[];
  irreversible: string[];
}

/** Changes of the run that are in effect: applied, and not marked `undone` by an earlier undo. */
export function recordedChanges(
  run: Pick<RunRecord, 'plan'>,
  journal: readonly JournalEntry[],
  catalog: readonly Step<OffboardInput>[],
): RecordedRun {
  const states = foldJournal(journal);
  const undone = new Set(
    journal
      .filter((e) => e.phase === 'undone' && e.changeKey)
      .map((e) => `${e.stepId}\n${e.changeKey ?? ''}`),
  );
  const byId = new Map(catalog.map((s) => [s.id, s] as const));
  const recorded: RecordedStep[] = [];
  const irreversible: string[] = [];
  for (const planned of run.plan.steps) {
    const changes = states.get(planned.stepId)?.changes;
    const applied = planned.changes.filter(
      (c) => changes?.get(c.key)?.phase === 'applied' && !undone.has(`${planned.stepId}\n${c.key}`),
    );
    if (applied.length === 0) continue;
    if (byId.get(planned.stepId)?.undo) {
      recorded.push({ stepId: planned.stepId, title: planned.title, changes: applied });
    } else {
      irreversible.push(irreversibleText(planned.stepId, planned.title));
    }
  }
  return { recorded, irreversible };
}

/**
 * The dependencies of each inverse step: `undo.A` waits for `undo.B` when B came after A in the
 * offboarding (directly or through steps with nothing to undo), and for the restore step when there is
 * one. So licences come back before the mailbox is converted back, and the account is enabled last.
 */
export function reverseDependencies(
  run: Pick<RunRecord, 'plan'>,
  recordedStepIds: readonly string[],
  hasRestore: boolean,
): Map<string, string[]> {
  const direct = new Map(run.plan.steps.map((s) => [s.stepId, s.dependsOn] as const));
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (id: string, seen: Set<string> = new Set()): Set<string> => {
    const known = ancestors.get(id);
    if (known) return known;
    const all = new Set<string>();
    for (const parent of direct.get(id) ?? []) {
      if (seen.has(parent)) continue;
      all.add(parent);
      for (const a of ancestorsOf(parent, new Set([...seen, id]))) all.add(a);
    }
    ancestors.set(id, all);
    return all;
  };
  const result = new Map<string, string[]>();
  for (const id of recordedStepIds) {
    const later = recordedStepIds.filter((other) => other !== id && ancestorsOf(other).has(id));
    result.set(undoStepId(id), [...(hasRestore ? [restoreUserStepId] : []), ...later.map(undoStepId)]);
  }
  return result;
}
