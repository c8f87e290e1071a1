/**
 * The request a flow plans its preview against before anything is stored: the new request as it
 * would be created, as a draft that is never saved.
 */
import type { LifecycleRequest } from '../model.js';
import type { NewRequest } from '../requests/request-service.js';

/** `nowMs`: the injected clock's time, used for both timestamps. */
export function previewRequest(request: NewRequest, nowMs: number): LifecycleRequest {
  const now = new Date(nowMs).toISOString();
  return {
    id: 'REQ-PREVIEW',
    kind: request.kind,
    subject: request.subject,
    options: { ...request.options },
    requester: request.requester,
    approvals: [],
    approvalsRequired: request.approvalsRequired,
    state: 'draft',
    version: 0,
    createdAt: now,
    updatedAt: now,
  };
}
