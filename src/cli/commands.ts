/** The dispatch table of the `lifecycle` command line. Add a subcommand by adding an entry. */
import { auditCli } from './audit-cli.js';
import type { CliCommand } from './cli-command.js';
import { exportCli } from './export-cli.js';
import { jobsCli } from './jobs-cli.js';
import { offboardCli } from './offboard-cli.js';
import { proofCli } from './proof-cli.js';
import { provisionCli } from './provision-cli.js';

export const commands: Record<string, CliCommand> = {
  audit: auditCli,
  export: exportCli,
  jobs: jobsCli,
  offboard: offboardCli,
  proof: proofCli,
  provision: provisionCli,
};
