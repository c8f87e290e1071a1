/**
 * The key that signs proof packs: `PROOF_SIGNING_KEY_FILE`, an unencrypted Ed25519 or RSA private key
 * in PEM. Point it at the app certificate's key (the file of BOT_CERT_KEY_FILE) to sign with the app
 * certificate; a dedicated Ed25519 key is simpler to publish and pin.
 */
import { readFile } from 'node:fs/promises';
import { signingKeyFromPem, type SigningKey } from '../core/proof/proof-pack.js';
import { ConfigError } from './config.js';

export async function loadProofSigningKey(env: NodeJS.ProcessEnv = process.env): Promise<SigningKey> {
  const file = env['PROOF_SIGNING_KEY_FILE'];
  if (file === undefined || file === '') {
    throw new ConfigError([
      'PROOF_SIGNING_KEY_FILE is required to sign a proof pack: an Ed25519 (or RSA) private key in PEM',
    ]);
  }
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch {
    throw new ConfigError([`PROOF_SIGNING_KEY_FILE: cannot read ${file}`]);
  }
  try {
    return signingKeyFromPem(pem);
  } catch (error) {
    throw new ConfigError([
      `PROOF_SIGNING_KEY_FILE: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
}
