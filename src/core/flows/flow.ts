/**
 * The flow contract, declared once. A flow (offboard, revoke, provision) owns its steps, turns a
 * request into a plan and the runner's input, and finishes its own results when the run ends. The
 * Teams layer and the command line talk to flows only through this shape and their `prepare`.
 */
import type { LifecycleRequest, Principal, RequestKind } from '../model.js';
import type { IdentityUser } from '../ports/identity.js';
import type { JournalEntry, RunRecord } from '../ports/store.js';
import type { ContainTimeline } from '../contain/contain-timeline.js';
import type { RevokeSummary } from '../revoke/revoke-summary.js';
import type { StageView } from '../offboard/offboard-stages.js';
import type { FinishedRunStatus } from '../runner/events.js';
import type { LimiterPriority } from '../runner/system-limits.js';
import type { Plan, Step } from '../step.js';

/** What a flow's `prepare` answers; each flow narrows it to the kinds it can return. */
export type PrepareOutcome<TReady extends object> =
  | { kind: 'refused'; message: string }
  | { kind: 'ambiguous'; choices: IdentityUser[] }
  | { kind: 'not-found'; query: string; suggestions: IdentityUser[] }
  | { kind: 'nothing-to-do'; message: string }
  | { kind: 'queued'; message: string }
  | ({ kind: 'ready'; request: LifecycleRequest } & TReady);

/** A link for the summary (the leaver's OneDrive…), taken from the run's plan. */
export interface SummaryLink {
  title: string;
  url: string;
}

/**
 * A future meeting the leaver organises that the run kept (the "list" choice): the summary names it
 * for the delegate, who hands it over or cancels it.
 */
export interface SummaryMeeting {
  subject: string;
  /** ISO date-time (UTC) of the next start. */
  start: string;
  isRecurring: boolean;
  attendeeCount: number;
}

/** A result a flow produces when its run ends, shown after the summary. */
export type FlowResult =
  | { kind: 'revoke-summary'; summary: RevokeSummary }
  | { kind: 'contain-timeline'; timeline: ContainTimeline }
  | { kind: 'offboard-stages'; requestId: string; stages: StageView[] };

/**
 * What a plan is for: `isPreview` for cards (no long scans), `isQuick` for a card of a leaver not yet
 * done (see `StepContext.isQuickPreview`), `priority` for someone waiting in chat.
 */
export interface PlanUse {
  priority?: LimiterPriority;
  isPreview?: boolean;
  isQuick?: boolean;
}

export interface Flow<TInput = unknown> {
  readonly kind: RequestKind;
  /**
   * Every step the flow can plan. The registry built from the flows is the runner's only list of
   * steps, so a step that can be previewed can always be run.
   */
  readonly steps: readonly Step<TInput>[];
  /** Read-only dry run against live state; a run's plan unless `use.isPreview`. */
  plan(request: LifecycleRequest, use?: PlanUse): Promise<Plan>;
  /** What the steps see, from the stored request (never from card data). */
  inputFor(request: LifecycleRequest): TInput;
  /**
   * The confirmation card's choices, validated against the stored request; throws InvalidInputError
   * with a message for the requester. Flows without choices leave it out.
   */
  readChoices?(request: LifecycleRequest, form: Record<string, unknown>): Promise<object>;
  /** Links for the summary, from the run's plan. */
  links?(run: RunRecord): SummaryLink[];
  /** Meetings kept for the delegate, from the run's plan. */
  keptMeetings?(run: RunRecord): SummaryMeeting[];
  /**
   * Changes made as soon as the request is claimed for its run, before `plan` reads anything (the
   * containment's first cut). Returns their journal entries, which the run service appends to the run
   * once it is stored; `plan` lists these changes, so the runner finds them applied and does not apply
   * them again. A resumed start gets back what was already done, not a second cut.
   */
  applyAhead?(request: LifecycleRequest): Promise<Omit<JournalEntry, 'runId' | 'id'>[]>;
  /** Called once when the run finished (reports, webhooks, scheduling), before the summary is shown. */
  onFinished?(request: LifecycleRequest, run: RunRecord, status: FinishedRunStatus): Promise<FlowResult[]>;
}

/** The flows' `prepare`, for the surfaces that start requests. */
export interface Preparing<TQuery, TReady extends object> {
  prepare(actor: Principal, query: TQuery): Promise<PrepareOutcome<TReady>>;
}
