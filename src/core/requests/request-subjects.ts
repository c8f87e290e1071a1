/**
 * The people a request acts on. A single request acts on its subject; a batch (bulk offboarding,
 * a joiners file) on the subjects of its ready items, its own subject being a synthetic "batch"
 * that is nobody.
 */
import type { LifecycleRequest, Subject } from '../model.js';
import type { DeletedRecord } from '../policy/policy.js';

export type SubjectRef = Pick<Subject, 'id' | 'userPrincipalName'> & {
  /** A restore's subject is in deleted items: its protection is judged on this record. */
  deletedRecord?: DeletedRecord;
};

interface BatchItems {
  items: { status?: unknown; subject?: SubjectRef }[];
}

function batchOf(request: LifecycleRequest): BatchItems | undefined {
  for (const key of ['bulk', 'joiners']) {
    const value = request.options[key] as Partial<BatchItems> | undefined;
    if (typeof value === 'object' && Array.isArray(value.items)) return value as BatchItems;
  }
  return undefined;
}

export function subjectsOf(request: LifecycleRequest): SubjectRef[] {
  const batch = batchOf(request);
  const record =
    request.kind === 'undo' ? (request.options['deletedRecord'] as DeletedRecord | undefined) : undefined;
  if (record)
    return [
      { id: request.subject.id, userPrincipalName: request.subject.userPrincipalName, deletedRecord: record },
    ];
  if (!batch) return [request.subject];
  return batch.items.flatMap((item) =>
    item.status === 'ready' && item.subject
      ? [{ id: item.subject.id, userPrincipalName: item.subject.userPrincipalName }]
      : [],
  );
}
