/**
 * `lifecycle export <request id> [--out file.json]`: the JSON export of a request and its run (who
 * asked, who approved, every change with before/after, the audit trail, and the mailbox part in the
 * revoke summary's shape), read from the store configured by DATABASE_URL or DATA_DIR.
 */
import { writeFile } from 'node:fs/promises';
import { loadStoreConfig } from '../app/config.js';
import { exportRequest } from '../core/runs/run-export.js';
import { requestIdPattern } from '../core/requests/request-id.js';
import { openStore } from '../store/index.js';
import { parseCliArgs } from './cli-args.js';
import { CliUsageError, type CliCommand } from './cli-command.js';

export const exportCli: CliCommand = {
  summary: 'Export a request and its run as JSON',
  usage: 'lifecycle export <request id> [--out file.json]',
  async run(args, io) {
    const parsed = parseCliArgs({
      args: [...args],
      options: { out: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    const id = (parsed.positionals[0] ?? '').toUpperCase();
    if (!requestIdPattern.test(id)) throw new CliUsageError('give a request id such as REQ-20261123-ABCDEF');
    const config = loadStoreConfig();
    const store = await openStore(
      config.databaseUrl
        ? {
            databaseUrl: config.databaseUrl,
            ...(config.migrationUrl && { migrationUrl: config.migrationUrl }),
          }
        : { dataDir: config.dataDir },
    );
    try {
      const exported = await exportRequest(store, id);
      if (!exported) {
        io.err(`Request ${id} does not exist.`);
        return 1;
      }
      const text = `${JSON.stringify(exported, null, 2)}\n`;
      if (parsed.values.out) {
        await writeFile(parsed.values.out, text, 'utf8');
        io.err(`Wrote ${parsed.values.out}`);
      } else {
        io.out(text);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
