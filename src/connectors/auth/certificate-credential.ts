import { createPrivateKey, X509Certificate } from 'node:crypto';
import { InvalidInputError } from '../../core/errors.js';

/** What msal-node needs for certificate (client assertion) authentication. */
export interface CertificateCredential {
  kind: 'certificate';
  /** Hex SHA-256 thumbprint of the certificate (msal signs PS256 and sends `x5t#S256`). */
  thumbprintSha256: string;
  /** PEM private key (PKCS#8 `BEGIN PRIVATE KEY`). Never log. */
  privateKey: string;
  /** Public certificate PEM, sent as `x5c` for subject-name/issuer authentication. Optional. */
  x5c?: string;
}

export interface SecretCredential {
  kind: 'secret';
  /** Never log. */
  clientSecret: string;
}

export type AppCredential = CertificateCredential | SecretCredential;

/**
 * Builds a certificate credential from the PEM files: computes the SHA-256 thumbprint from the
 * certificate and converts the key to PKCS#8, the form msal expects. `sendX5c` attaches the public
 * certificate (needed only for subject-name/issuer registration).
 */
export function certificateCredentialFromPem(options: {
  certificatePem: string;
  privateKeyPem: string;
  sendX5c?: boolean;
}): CertificateCredential {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(options.certificatePem);
  } catch (error) {
    throw new InvalidInputError('The certificate is not a valid PEM X.509 certificate', { cause: error });
  }
  let privateKey: string;
  try {
    const key = createPrivateKey(options.privateKeyPem);
    if (!certificate.checkPrivateKey(key)) {
      throw new InvalidInputError('The private key does not belong to the certificate');
    }
    privateKey = key.export({ format: 'pem', type: 'pkcs8' }).toString();
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError('The private key is not a valid PEM key', { cause: error });
  }
  const credential: CertificateCredential = {
    kind: 'certificate',
    thumbprintSha256: certificate.fingerprint256.replace(/:/g, '').toLowerCase(),
    privateKey,
  };
  if (options.sendX5c === true) credential.x5c = certificate.toString();
  return credential;
}
