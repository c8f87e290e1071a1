/**
 * `lifecycle audit verify [<request id>] [--json]`: recomputes the hash chain of one request, or of
 * every request in the store, and reports the first broken link of each broken chain (which entry,
 * what was expected, what was found). Exit code 0 when every chain is intact, 1 otherwise.
 */
import { loadStoreConfig } from '../app/config.js';
import { describeVerdict, type ChainVerdict } from '../core/audit/hash-chain.js';
import { requestIdPattern } from '../core/requests/request-id.js';
import { openStore } from '../store/index.js';
import { parseCliArgs } from './cli-args.js';
import { CliUsageError, type CliCommand } from './cli-command.js';

export const auditCli: CliCommand = {
  summary: 'Verify the hash chain of the audit trail and journal (one request or all)',
  usage: 'lifecycle audit verify [<request id>] [--json]',
  async run(args, io) {
    const parsed = parseCliArgs({
      args: [...args],
      options: { json: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    const [action, rawId, ...rest] = parsed.positionals;
    if (action !== 'verify' || rest.length > 0) throw new CliUsageError('the only audit action is verify');
    const id = rawId?.toUpperCase();
    if (id !== undefined && !requestIdPattern.test(id)) {
      throw new CliUsageError('give a request id such as REQ-20261123-ABCDEF');
    }
    const config = loadStoreConfig();
    const store = await openStore(
      config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir },
    );
    try {
      const keys = id === undefined ? await store.chains.keys() : [id];
      const verdicts: ChainVerdict[] = [];
      for (const key of keys) verdicts.push(await store.chains.verify(key));
      const broken = verdicts.filter((verdict) => !verdict.isIntact);
      if (parsed.values.json) {
        io.out(JSON.stringify({ chains: verdicts.length, broken: broken.length, verdicts }, null, 2));
      } else {
        if (id !== undefined && verdicts[0]?.length === 0) io.out(`${id}: no chained entries`);
        else for (const verdict of id === undefined ? broken : verdicts) io.out(describeVerdict(verdict));
        if (id === undefined) {
          io.out(
            `${verdicts.length} chains checked: ${verdicts.length - broken.length} intact, ${broken.length} broken`,
          );
        }
      }
      return broken.length === 0 ? 0 : 1;
    } finally {
      await store.close();
    }
  },
};
