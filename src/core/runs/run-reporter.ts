/**
 * Where a run is shown while it runs and when it ends. The core decides what to show and when; the
 * Teams layer implements this port (a progress card updated in place, then the summary cards).
 * Targets and locations are opaque JSON to the core: it stores them with the run so that whichever
 * instance executes the run keeps updating the same message.
 */
import type { LifecycleRequest } from '../model.js';
import type { FinishedRunStatus } from '../runner/events.js';
import type { RunSummary } from '../runner/summarise-run.js';
import type { FlowResult, SummaryLink, SummaryMeeting } from '../flows/flow.js';

export interface RunView {
  request: LifecycleRequest;
  summary: RunSummary;
  elapsedMs: number;
}

export interface FinishedRunView extends RunView {
  status: FinishedRunStatus;
  links: SummaryLink[];
  /** Future meetings the leaver organises, kept for the delegate (listed, not cancelled). */
  keptMeetings?: SummaryMeeting[];
  /** The flow's own results (the revoke summary…), shown after the summary. */
  results: FlowResult[];
}

export interface RunReporter {
  /**
   * Shows the run's first progress to `target` (where the request was approved). Returns where it is
   * shown, or undefined when it could not be shown (the run goes on; its summary is then not posted).
   */
  open(target: object, view: RunView): Promise<object | undefined>;
  /** A progress message opened for a run another instance started first: replaced with a pointer. */
  withdraw?(location: object): Promise<void>;
  /** Something changed; `view` is read when the reporter updates (it may coalesce updates). */
  update(runId: string, location: object, view: () => Promise<RunView>): void;
  /** The final progress, then the summary and the flow's results. Never throws. */
  finish(runId: string, location: object, view: FinishedRunView): Promise<void>;
}
