/** The plan runner: plan building, execution with journal and leases, retries, progress and summaries. */
export { buildPlan, type BuildPlanOptions } from './build-plan.js';
export {
  type FinishedRunStatus,
  type RunCounts,
  type RunEvent,
  type RunEventListener,
  type RunnerLogger,
  type StepFinishStatus,
} from './events.js';
export { retryFailedSteps, type RetryFailedOptions } from './retry-failed.js';
export { defaultRetryPolicy, retryDelayMs, type RandomSource, type RetryPolicy } from './retry-policy.js';
export { Runner, type ExecuteOptions, type RunnerOptions, type RunOutcome } from './runner.js';
export { summariseRun, type RunSummary, type StepProgressStatus, type StepSummary } from './summarise-run.js';
export { defaultSystemLimits, SystemLimiter } from './system-limits.js';
