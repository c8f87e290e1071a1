/**
 * `lifecycle export <request id> [--out file.json] [--proof]`: the JSON export of a request and its
 * run (who asked, who approved, every change with before/after, the audit trail, and the mailbox part
 * in the revoke summary's shape), read from the store configured by DATABASE_URL or DATA_DIR. With
 * `--proof`, the signed proof pack instead (docs/proof.md), signed with PROOF_SIGNING_KEY_FILE.
 */
import { writeFile } from 'node:fs/promises';
import { loadStoreConfig } from '../app/config.js';
import { loadProofSigningKey } from '../app/proof-signing.js';
import { proofPackText } from '../core/proof/proof-pack.js';
import { exportRequest } from '../core/runs/run-export.js';
import { requestIdPattern } from '../core/requests/request-id.js';
import { openStore } from '../store/index.js';
import { parseCliArgs } from './cli-args.js';
import { CliUsageError, type CliCommand } from './cli-command.js';
import { buildProofPack } from './proof-export.js';

export const exportCli: CliCommand = {
  summary: 'Export a request and its run as JSON, or as a signed proof pack',
  usage: 'lifecycle export <request id> [--out file.json] [--proof]',
  async run(args, io) {
    const parsed = parseCliArgs({
      args: [...args],
      options: { out: { type: 'string' }, proof: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    const id = (parsed.positionals[0] ?? '').toUpperCase();
    if (!requestIdPattern.test(id)) throw new CliUsageError('give a request id such as REQ-20261123-ABCDEF');
    // The key is read before the store is opened: a missing key changes nothing.
    const key = parsed.values.proof ? await loadProofSigningKey() : undefined;
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
      let text: string;
      if (key) {
        const built = await buildProofPack(store, id, key);
        if (built.kind === 'not-found') {
          io.err(`Request ${id} does not exist.`);
          return 1;
        }
        if (built.kind === 'broken') {
          io.err(`The record of ${id} fails its hash chain; no proof pack was written.\n${built.message}`);
          return 1;
        }
        text = proofPackText(built.pack);
      } else {
        const exported = await exportRequest(store, id);
        if (!exported) {
          io.err(`Request ${id} does not exist.`);
          return 1;
        }
        text = `${JSON.stringify(exported, null, 2)}\n`;
      }
      if (parsed.values.out) {
        await writeFile(parsed.values.out, text, 'utf8');
        io.err(`Wrote ${parsed.values.out}`);
      } else {
        io.out(text.replace(/\n$/, ''));
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
