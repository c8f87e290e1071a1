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
   * Posts the run's message to `target` (where the request was approved): a line saying the run is
   * starting, which `show` turns into the progress once the core has stored where it is. Returns where
   * it is, or undefined when it could not be posted (the run goes on; its summary is then not posted).
   */
  open(target: object, view: RunView): Promise<object | undefined>;
  /**
   * Draws the run's first progress in the message `open` returned, called only once its location is
   * stored: a process killed between the post and the store leaves a "starting" line that nothing
   * knows of, never a second progress card (a post's id can't be recovered after its answer is lost).
   */
  show?(location: object, view: RunView): Promise<void>;
  /** A progress message opened for a run another instance started first: replaced with a pointer. */
  withdraw?(location: object): Promise<void>;
  /** Something changed; `view` is read when the reporter updates (it may coalesce updates). */
  update(runId: string, location: object, view: () => Promise<RunView>): void;
  /** The final progress, then the summary and the flow's results. Never throws. */
  finish(runId: string, location: object, view: FinishedRunView): Promise<void>;
}
