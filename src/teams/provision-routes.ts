/**
 * The provisioning routes are in the route table (`routes.ts`). This module only keeps the names
 * `src/app/provisioning-wiring.ts` imports, until that import points at their new homes.
 */
export { BackgroundTasks } from './background-tasks.js';
export type { ProvisionBotDeps } from './bot-deps.js';
