/**
 * Card verbs. Stored in cards already sent, so renaming one is a migration. Every verb has a route
 * (a test checks it) and every Action.Execute carries the request id and version it was drawn from.
 */
export const verbs = {
  offboardConfirm: 'offboard.confirm',
  offboardChoose: 'offboard.choose',
  revokeConfirm: 'revoke.confirm',
  revokeChoose: 'revoke.choose',
  requestCancel: 'request.cancel',
  requestApprove: 'request.approve',
  requestReject: 'request.reject',
  runRetryFailed: 'run.retry-failed',
  requestProof: 'request.proof',
  /** The `refresh` of approval cards: answers with the viewer's own card (Universal Actions). */
  requestView: 'request.view',
  undoConfirm: 'undo.confirm',
  runUndo: 'run.undo',
  /** On the delegate's expiry notice: ask for longer access. */
  delegationExtend: 'delegation.extend',
  delegationExtensionApprove: 'delegation.extension-approve',
  delegationExtensionReject: 'delegation.extension-reject',
} as const;

export type Verb = (typeof verbs)[keyof typeof verbs];
export const allVerbs: readonly Verb[] = Object.values(verbs);
