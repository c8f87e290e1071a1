/**
 * The proof pack: one signed JSON document with everything about a request (the export: request,
 * approvals, plan, journal with before/after, audit trail) and its hash chain with the head hash,
 * checkable offline by `lifecycle proof verify` or by anyone following docs/proof.md.
 *
 * Signed bytes: the UTF-8 of canonicalJson(pack without its `signature` member). Ed25519 (pure, RFC
 * 8032) or RSASSA-PKCS1-v1_5 with SHA-256 (`RS256`, for an RSA key such as the app certificate's).
 * The file is the pack with sorted keys and two-space indentation; the verifier refuses any other
 * layout, so a single changed byte anywhere fails the check even where JSON would not care.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson, verifyChain, type ChainHead, type ChainLink } from '../audit/hash-chain.js';

export const proofFormat = 'lifecycle-proof-pack/1';

export type ProofAlgorithm = 'Ed25519' | 'RS256';

export interface ProofSignature {
  algorithm: ProofAlgorithm;
  /** `sha256:` and the hex SHA-256 of the public key's DER SubjectPublicKeyInfo. */
  keyId: string;
  /** The public key (SPKI PEM), for convenience: pin the expected key with `--public-key`. */
  publicKey: string;
  /** Base64 signature over the canonical JSON of the pack without `signature`. */
  value: string;
}

export interface ProofPack {
  format: typeof proofFormat;
  createdAt: string;
  requestId: string;
  /** The JSON export of the request (`lifecycle export`). */
  export: unknown;
  chain: {
    requestId: string;
    links: ChainLink[];
    head: ChainHead;
    /** Ids of exported entries written before the store kept the chain: covered by the signature only. */
    beforeChain: { audit: number[]; journal: number[] };
  };
  signature: ProofSignature;
}

export interface SigningKey {
  algorithm: ProofAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** An Ed25519 or RSA private key in PEM (PKCS#8 or PKCS#1). */
export function signingKeyFromPem(pem: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error('The proof signing key is not a readable unencrypted private key in PEM');
  }
  const type = privateKey.asymmetricKeyType;
  if (type !== 'ed25519' && type !== 'rsa') {
    throw new Error(`The proof signing key is ${type ?? 'of an unknown type'}: use an Ed25519 or RSA key`);
  }
  return {
    algorithm: type === 'ed25519' ? 'Ed25519' : 'RS256',
    privateKey,
    publicKey: createPublicKey(privateKey),
  };
}

export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

/** What the pack is signed over. */
export function signedBytes(pack: Omit<ProofPack, 'signature'> | Record<string, unknown>): Buffer {
  const { signature: _signature, ...rest } = pack as Record<string, unknown>;
  return Buffer.from(canonicalJson(rest), 'utf8');
}

/** The file's layout: keys sorted at every level, two-space indentation, a final newline. */
export function proofPackText(pack: unknown): string {
  return `${JSON.stringify(sortedKeys(pack), null, 2)}\n`;
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => [key, sortedKeys(member)]),
  );
}

/** Builds and signs a pack; the chain must already have been verified against the store. */
export function signProofPack(
  content: {
    requestId: string;
    exported: unknown;
    links: ChainLink[];
    head: ChainHead;
    beforeChain: { audit: number[]; journal: number[] };
    createdAt: string;
  },
  key: SigningKey,
): ProofPack {
  // Through JSON once, so the pack signed is exactly the pack a reader parses.
  const unsigned = JSON.parse(
    JSON.stringify({
      format: proofFormat,
      createdAt: content.createdAt,
      requestId: content.requestId,
      export: content.exported,
      chain: {
        requestId: content.requestId,
        links: content.links,
        head: content.head,
        beforeChain: content.beforeChain,
      },
    }),
  ) as Omit<ProofPack, 'signature'>;
  const data = signedBytes(unsigned);
  const value = sign(key.algorithm === 'Ed25519' ? null : 'sha256', data, key.privateKey).toString('base64');
  return {
    ...unsigned,
    signature: {
      algorithm: key.algorithm,
      keyId: keyIdOf(key.publicKey),
      publicKey: String(key.publicKey.export({ type: 'spki', format: 'pem' })),
      value,
    },
  };
}

const linkSchema = z.object({
  table: z.enum(['audit', 'journal']),
  id: z.number().int(),
  seq: z.number().int(),
  prevHash: z.string(),
  hash: z.string(),
  entry: z.record(z.string(), z.unknown()),
});
const packSchema = z.object({
  format: z.literal(proofFormat),
  createdAt: z.string(),
  requestId: z.string(),
  export: z.looseObject({
    request: z.looseObject({ id: z.string() }),
    audit: z.array(z.looseObject({ id: z.number().int().optional() })).optional(),
    run: z
      .looseObject({ journal: z.array(z.looseObject({ id: z.number().int().optional() })).optional() })
      .nullable()
      .optional(),
  }),
  chain: z.object({
    requestId: z.string(),
    links: z.array(linkSchema),
    head: z.object({ seq: z.number().int(), hash: z.string() }),
    beforeChain: z.object({ audit: z.array(z.number().int()), journal: z.array(z.number().int()) }),
  }),
  signature: z.object({
    algorithm: z.enum(['Ed25519', 'RS256']),
    keyId: z.string(),
    publicKey: z.string(),
    value: z.string(),
  }),
});

export interface ProofCheck {
  name: string;
  isOk: boolean;
  detail: string;
}

export interface ProofVerdict {
  isValid: boolean;
  checks: ProofCheck[];
  /** Set when the pack parsed. */
  requestId?: string;
  keyId?: string;
  /** True when the signature was checked against a key given by the verifier, not the pack's own. */
  isKeyPinned: boolean;
}

/**
 * Checks a pack offline: layout, structure, signature (against `publicKeyPem` when given, else the
 * key in the pack), the chain recomputed from its entries, the head, and that the export's audit
 * events and journal entries are the ones in the chain.
 */
export function verifyProofPack(bytes: Uint8Array, options: { publicKeyPem?: string } = {}): ProofVerdict {
  const checks: ProofCheck[] = [];
  const isKeyPinned = options.publicKeyPem !== undefined;
  const done = (extra: Partial<ProofVerdict> = {}): ProofVerdict => ({
    isValid: checks.every((check) => check.isOk),
    checks,
    isKeyPinned,
    ...extra,
  });
  let text: string;
  let parsed: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    parsed = JSON.parse(text);
  } catch {
    checks.push({ name: 'json', isOk: false, detail: 'the file is not UTF-8 JSON' });
    return done();
  }
  checks.push({ name: 'json', isOk: true, detail: 'UTF-8 JSON' });
  const isLaidOut = text === proofPackText(parsed);
  checks.push({
    name: 'layout',
    isOk: isLaidOut,
    detail: isLaidOut
      ? 'sorted keys, two-space indentation, as written'
      : 'the file is not in the layout the pack was written in: it was edited',
  });
  const shape = packSchema.safeParse(parsed);
  if (!shape.success) {
    const issue = shape.error.issues[0];
    checks.push({
      name: 'structure',
      isOk: false,
      detail: `not a ${proofFormat} document (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})`,
    });
    return done();
  }
  const pack = shape.data;
  checks.push({ name: 'structure', isOk: true, detail: proofFormat });

  checks.push(signatureCheck(parsed as Record<string, unknown>, pack.signature, options.publicKeyPem));

  const verdict = verifyChain(pack.chain.requestId, pack.chain.links, pack.chain.head);
  checks.push({
    name: 'chain',
    isOk: verdict.isIntact,
    detail: verdict.isIntact
      ? `${verdict.length} links recomputed, head seq ${verdict.head.seq} ${verdict.head.hash}`
      : `broken at link ${verdict.break.position}: ${verdict.break.message} (${verdict.break.field}: expected ${verdict.break.expected}, found ${verdict.break.found})`,
  });

  const ids = [pack.requestId, pack.chain.requestId, pack.export.request.id];
  const isSameRequest = ids.every((id) => id === pack.requestId);
  checks.push({
    name: 'request',
    isOk: isSameRequest,
    detail: isSameRequest ? pack.requestId : `the pack names different requests: ${ids.join(', ')}`,
  });
  checks.push(exportMatchesChain(pack.export, pack.chain.links, pack.chain.beforeChain));
  return done({ requestId: pack.requestId, keyId: pack.signature.keyId });
}

const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The signature check. The `signature` member itself is not signed, so its every field is checked for
 * consistency: the embedded key must be the key `keyId` names, the value must be canonical base64.
 */
function signatureCheck(
  parsed: Record<string, unknown>,
  signature: ProofSignature,
  pinnedPem: string | undefined,
): ProofCheck {
  const fail = (detail: string): ProofCheck => ({ name: 'signature', isOk: false, detail });
  let embedded: KeyObject;
  let key: KeyObject;
  try {
    embedded = createPublicKey(signature.publicKey);
    key = pinnedPem === undefined ? embedded : createPublicKey(pinnedPem);
  } catch {
    return fail('a public key is not a readable PEM public key');
  }
  if (String(embedded.export({ type: 'spki', format: 'pem' })) !== signature.publicKey) {
    return fail('the public key in the pack is not in the form it was written in');
  }
  if (keyIdOf(embedded) !== signature.keyId) return fail('the key id does not name the key in the pack');
  const keyId = keyIdOf(key);
  if (keyId !== signature.keyId)
    return fail(`signed by key ${signature.keyId}, not by the key given (${keyId})`);
  const value = Buffer.from(signature.value, 'base64');
  if (!base64.test(signature.value) || value.toString('base64') !== signature.value) {
    return fail('the signature value is not canonical base64');
  }
  const expectedType = signature.algorithm === 'Ed25519' ? 'ed25519' : 'rsa';
  if (key.asymmetricKeyType !== expectedType) {
    return fail(
      `the key is ${key.asymmetricKeyType ?? 'of an unknown type'}, the algorithm ${signature.algorithm}`,
    );
  }
  let isSigned = false;
  try {
    isSigned = verify(signature.algorithm === 'Ed25519' ? null : 'sha256', signedBytes(parsed), key, value);
  } catch {
    isSigned = false;
  }
  if (!isSigned) {
    return fail(
      `the ${signature.algorithm} signature does not match the content: the pack was changed after signing`,
    );
  }
  return {
    name: 'signature',
    isOk: true,
    detail: `${signature.algorithm} signature by ${keyId}${pinnedPem === undefined ? " (the pack's own key: pin yours with --public-key)" : ''}`,
  };
}

/** The export's readable audit events and journal entries must be entries of the chain, unchanged. */
function exportMatchesChain(
  exported: z.infer<typeof packSchema>['export'],
  links: readonly ChainLink[],
  beforeChain: Record<'audit' | 'journal', number[]>,
): ProofCheck {
  const byKey = new Map(links.map((link) => [`${link.table}:${link.id}`, canonicalJson(link.entry)]));
  type Listed = ['audit' | 'journal', Record<string, unknown>];
  const listed: Listed[] = [
    ...(exported.audit ?? []).map((event): Listed => ['audit', event]),
    ...(exported.run?.journal ?? []).map((entry): Listed => ['journal', entry]),
  ];
  let early = 0;
  for (const [table, item] of listed) {
    const { id, ...entry } = item;
    if (typeof id === 'number' && beforeChain[table].includes(id) && !byKey.has(`${table}:${id}`)) {
      early += 1;
      continue;
    }
    const chained = byKey.get(`${table}:${String(id)}`);
    if (chained !== canonicalJson(entry)) {
      return {
        name: 'export',
        isOk: false,
        detail: `${table} entry ${String(id)} in the export is ${chained === undefined ? 'not in the chain' : 'not the entry the chain hashed'}`,
      };
    }
  }
  const chained = listed.length - early;
  return {
    name: 'export',
    isOk: true,
    detail: `${chained} exported entries match the chain${early > 0 ? `; ${early} written before the store kept a chain are covered by the signature only` : ''}`,
  };
}
