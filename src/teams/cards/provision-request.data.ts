/** Data of the provisioning preview card: licences and why, usage location, mailbox, rehire notes. */
import type { LifecycleRequest } from '../../core/model.js';
import type { ProvisionDraft } from '../../core/provision/index.js';
import type { Plan } from '../../core/step.js';
import { planStepsData } from './plan-card-data.js';
import { verbs } from './verbs.js';
import { markdownText as md } from './markdown-text.js';

/** Provisioning card verbs (stored in sent cards: renaming one is a migration). */
export const provisionVerbs = {
  confirm: 'provision.confirm',
  batchConfirm: 'provision.batch-confirm',
  batchApprove: 'provision.batch-approve',
  batchReject: 'provision.batch-reject',
} as const;

export function toProvisionRequestData(
  request: LifecycleRequest,
  plan: Plan,
  draft: Pick<ProvisionDraft, 'input' | 'notes' | 'target'>,
  stockNotes: readonly string[],
) {
  const { steps, warnings } = planStepsData(plan);
  const input = draft.input;
  const isRehire = input.reactivate;
  return {
    title: `${isRehire ? 'Rehire' : 'Joiner provisioning'}: ${md(request.subject.displayName)}`,
    account: `${md(draft.target.displayName)} (${md(draft.target.userPrincipalName)})${draft.target.accountEnabled ? '' : ', disabled: will be reactivated'}`,
    licencesText: input.licences
      .map(
        (l) =>
          md(l.skuPartNumber) +
          (l.disabledPlanNames.length > 0 ? ` without ${md(l.disabledPlanNames.join(', '))}` : ''),
      )
      .join(', '),
    reason: md(input.reason),
    usageLocationText: input.usageLocation
      ? `${md(input.usageLocation.value)} (from ${md(input.usageLocation.source)})`
      : 'unchanged',
    mailboxText: input.mailbox.isExpected
      ? 'Exchange Online mailbox expected: I check it is ready after licensing'
      : 'No Exchange plan in these licences: no mailbox',
    approvalNote: request.approvalsRequired === 0 ? 'Not needed by policy' : 'One approver after you confirm',
    requestId: request.id,
    version: request.version,
    notes: draft.notes.map((text) => ({ text: md(text) })),
    steps,
    warnings: [...warnings, ...stockNotes.map(md)].map((text) => ({ text })),
    confirmVerb: provisionVerbs.confirm,
    cancelVerb: verbs.requestCancel,
  };
}
