/**
 * The committed TEST-ONLY certificate of the seeded "Lifecycle sandbox" app (certs/lifecycle-sandbox.crt and
 * .key). It protects nothing: the sandbox is a local simulation. Never register it with a real tenant.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AppCertificate } from '../state/directory-types.js';

export const sandboxCertificatePath = fileURLToPath(
  new URL('./certs/lifecycle-sandbox.crt', import.meta.url),
);
export const sandboxPrivateKeyPath = fileURLToPath(new URL('./certs/lifecycle-sandbox.key', import.meta.url));

export interface SandboxCertificate {
  certificatePem: string;
  privateKeyPem: string;
  /** Upper-case hex SHA-1 thumbprint (msal-node `thumbprint`). */
  thumbprintSha1Hex: string;
  /** Upper-case hex SHA-256 thumbprint (msal-node `thumbprintSha256`). */
  thumbprintSha256Hex: string;
}

let cached: SandboxCertificate | undefined;

export function loadSandboxCertificate(): SandboxCertificate {
  if (cached) return cached;
  const certificatePem = readFileSync(sandboxCertificatePath, 'utf8');
  const der = new X509Certificate(certificatePem).raw;
  cached = {
    certificatePem,
    privateKeyPem: readFileSync(sandboxPrivateKeyPath, 'utf8'),
    thumbprintSha1Hex: createHash('sha1').update(der).digest('hex').toUpperCase(),
    thumbprintSha256Hex: createHash('sha256').update(der).digest('hex').toUpperCase(),
  };
  return cached;
}

/** The registration entry (thumbprints as base64url, as they appear in `x5t` / `x5t#S256`). */
export function toAppCertificate(certificatePem: string): AppCertificate {
  const cert = new X509Certificate(certificatePem);
  return {
    thumbprintSha1: createHash('sha1').update(cert.raw).digest('base64url'),
    thumbprintSha256: createHash('sha256').update(cert.raw).digest('base64url'),
    publicKeyPem: cert.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
