/**
 * Proof packs in the bot: with PROOF_SIGNING_KEY_FILE set, the key is read at start (an unreadable or
 * unsuitable key stops the bot, as any bad setting does) and the summary card offers the Proof pack
 * button. The pack is the one `lifecycle export <id> --proof` writes.
 */
import { buildProofPack } from '../cli/proof-export.js';
import { proofPackText } from '../core/proof/proof-pack.js';
import type { Store } from '../core/ports/store.js';
import { SqlStore } from '../store/index.js';
import type { ProofPacks } from '../teams/actions/proof-pack-action.js';
import { ConfigError, type AppConfig } from './config.js';
import { loadProofSigningKey } from './proof-signing.js';

export async function proofPacksOf(
  config: Pick<AppConfig, 'proofSigningKeyFile'>,
  store: Store,
): Promise<ProofPacks | undefined> {
  const file = config.proofSigningKeyFile;
  if (file === undefined) return undefined;
  if (!(store instanceof SqlStore)) {
    throw new ConfigError(['PROOF_SIGNING_KEY_FILE: proof packs need the SQL store (PGlite or PostgreSQL)']);
  }
  const key = await loadProofSigningKey({ PROOF_SIGNING_KEY_FILE: file });
  return {
    async build(requestId) {
      const built = await buildProofPack(store, requestId, key);
      if (built.kind !== 'pack') return built;
      return { kind: 'pack', text: proofPackText(built.pack), headHash: built.pack.chain.head.hash };
    },
  };
}
