/**
 * `lifecycle proof verify <file> [--public-key <pem file>] [--json]`: checks a proof pack offline, with
 * neither the bot nor its database: the layout, the signature (against the given public key, or the
 * pack's own key, which proves integrity but not who signed), the hash chain recomputed from the
 * entries, the head hash, and that the export matches the chain. Exit code 0 only when every check holds.
 */
import { readFile } from 'node:fs/promises';
import { verifyProofPack } from '../core/proof/proof-pack.js';
import { parseCliArgs } from './cli-args.js';
import { CliUsageError, type CliCommand } from './cli-command.js';

export const proofCli: CliCommand = {
  summary: 'Verify a proof pack offline (signature, hash chain, head)',
  usage: 'lifecycle proof verify <file> [--public-key <pem file>] [--json]',
  async run(args, io) {
    const parsed = parseCliArgs({
      args: [...args],
      options: { 'public-key': { type: 'string' }, json: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    const [action, file, ...rest] = parsed.positionals;
    if (action !== 'verify' || file === undefined || rest.length > 0) {
      throw new CliUsageError('give the proof pack to verify: proof verify <file>');
    }
    const keyFile = parsed.values['public-key'];
    const bytes = await readFile(file);
    const verdict = verifyProofPack(
      bytes,
      keyFile === undefined ? {} : { publicKeyPem: await readFile(keyFile, 'utf8') },
    );
    if (parsed.values.json) {
      io.out(JSON.stringify(verdict, null, 2));
    } else {
      for (const check of verdict.checks)
        io.out(`${check.isOk ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
      io.out(
        verdict.isValid
          ? `${file}: valid proof pack for ${verdict.requestId ?? '?'}${verdict.isKeyPinned ? '' : ` (signed by ${verdict.keyId ?? '?'}: compare it with your published key)`}`
          : `${file}: NOT valid`,
      );
    }
    return verdict.isValid ? 0 : 1;
  },
};
