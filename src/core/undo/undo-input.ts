/**
 * What an undo request stores and its steps receive: the offboarding it reverses, the changes that
 * offboarding applied (with their before-states, from its plan and journal), what can't be undone, and
 * the deleted user to restore first (`restore <upn>`).
 */
import type { Change } from '../step.js';

export interface RecordedStep {
  /** The offboarding step that applied the changes. */
  stepId: string;
  title: string;
  /** Applied changes, in the order they were planned, each with its recorded before-state. */
  changes: Change[];
}

export interface UndoOptions {
  targetRequestId: string;
  targetRunId: string;
  /** The offboarding run's input: what its steps saw (leaver, delegate, options), for their `undo`. */
  original: unknown;
  /** Steps with an `undo`, and the changes each applied. */
  recorded: RecordedStep[];
  /** What the offboarding did that can't be reversed, for people ("The password was reset"). */
  irreversible: string[];
  /** Set by `restore <upn>`: the soft-deleted user to bring back before anything else. */
  restoreUserId?: string;
  /** Set by `restore <upn>`: what the store recorded about the deleted user's protection. */
  deletedRecord?: { wasJudgedUnprotected: boolean; recordedGroupIds: string[] };
}

/** The undo steps' input is the request's options, as stored. */
export type UndoInput = UndoOptions;
