/** The dispatch table of the `lifecycle` command line. Add a subcommand by adding an entry. */
import type { CliCommand } from './cli-command.js';
import { exportCli } from './export-cli.js';
import { offboardCli } from './offboard-cli.js';
import { provisionCli } from './provision-cli.js';

export const commands: Record<string, CliCommand> = {
  export: exportCli,
  offboard: offboardCli,
  provision: provisionCli,
};
