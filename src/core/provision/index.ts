/** Joiner provisioning: mapping, decision, steps, single-user flow, batch, pending queue, report. */
export * from './provision-mapping.js';
export * from './provision-input.js';
export * from './provision-decision.js';
export * from './provision-steps.js';
export * from './provision-flow.js';
export * from './provision-batch.js';
export * from './provision-pending.js';
export * from './provision-report.js';
export * from './seat-stock.js';
