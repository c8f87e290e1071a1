/** Data for the undo request card: what will be reversed, what can't be, Confirm and Cancel. */
import type { LifecycleRequest } from '../../core/model.js';
import type { Plan } from '../../core/step.js';
import { markdownText as md } from './markdown-text.js';
import { irreversibleOf, planStepsData } from './plan-card-data.js';

export function undoRequestData(request: LifecycleRequest, plan: Plan) {
  const { steps, changeCount } = planStepsData(plan);
  const isRestore = typeof request.options['restoreUserId'] === 'string';
  return {
    title: `${isRestore ? 'Restore and undo' : 'Undo'} the offboarding of ${md(request.subject.displayName)}`,
    subject: `${md(request.subject.displayName)} (${md(request.subject.userPrincipalName)})`,
    targetRequestId: String(request.options['targetRequestId']),
    requestId: request.id,
    version: request.version,
    approvalNote:
      request.approvalsRequired === 0
        ? 'Not needed by policy'
        : `${String(request.approvalsRequired)} approver${request.approvalsRequired === 1 ? '' : 's'} after you confirm`,
    steps,
    changeCount,
    irreversible: irreversibleOf(request),
  };
}
