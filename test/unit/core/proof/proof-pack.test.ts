import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  genesisHash,
  linkHash,
  type ChainLink,
} from '../../../../src/core/audit/hash-chain.js';
import {
  proofPackText,
  signingKeyFromPem,
  signProofPack,
  verifyProofPack,
} from '../../../../src/core/proof/proof-pack.js';

const requestId = 'REQ-20261123-ABCDEF';

function chainOf(entries: Record<string, unknown>[]): {
  links: ChainLink[];
  head: { seq: number; hash: string };
} {
  let prevHash = genesisHash;
  const links = entries.map((entry, i): ChainLink => {
    const link = { table: 'audit' as const, id: i + 1, seq: i + 1, prevHash, entry };
    prevHash = linkHash(requestId, link);
    return { ...link, hash: prevHash };
  });
  return { links, head: { seq: links.length, hash: prevHash } };
}

describe('canonical JSON (RFC 8785)', () => {
  it('sorts members by UTF-16 code units, drops absent members and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'é'], c: undefined, '10': 0.5, '9': -0 })).toBe(
      '{"10":0.5,"9":0,"a":[true,null,"é"],"b":1}',
    );
    expect(() => canonicalJson({ n: Number.NaN })).toThrow('non-finite');
  });
});

describe('proof pack signatures', () => {
  const { links, head } = chainOf([
    { at: '2026-11-23T09:00:00.000Z', type: 'request.created', requestId, details: {} },
    { at: '2026-11-23T09:01:00.000Z', type: 'request.approved', requestId, details: { by: 'Ana' } },
  ]);
  const content = {
    requestId,
    exported: { request: { id: requestId }, audit: [] },
    links,
    head,
    beforeChain: { audit: [], journal: [] },
    createdAt: '2026-11-23T10:00:00.000Z',
  };

  it('signs with an RSA key (the app certificate case) and verifies against it', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = signingKeyFromPem(String(privateKey.export({ type: 'pkcs1', format: 'pem' })));
    expect(key.algorithm).toBe('RS256');
    const text = proofPackText(signProofPack(content, key));
    const publicKeyPem = String(publicKey.export({ type: 'spki', format: 'pem' }));
    expect(verifyProofPack(Buffer.from(text), { publicKeyPem }).isValid).toBe(true);
    const forged = text.replace('"by": "Ana"', '"by": "Bob"');
    const verdict = verifyProofPack(Buffer.from(forged), { publicKeyPem });
    expect(verdict.checks.filter((c) => !c.isOk).map((c) => c.name)).toEqual(['signature', 'chain']);
  });

  it('refuses a key that is neither Ed25519 nor RSA', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => signingKeyFromPem(String(privateKey.export({ type: 'pkcs8', format: 'pem' })))).toThrow(
      /ec: use an Ed25519 or RSA key/,
    );
    expect(() => signingKeyFromPem('not a key')).toThrow(/not a readable/);
  });

  it('reports a removed link and a moved head in a pack', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const key = { algorithm: 'Ed25519' as const, privateKey, publicKey };
    const publicKeyPem = String(publicKey.export({ type: 'spki', format: 'pem' }));
    const gap = verifyProofPack(
      Buffer.from(proofPackText(signProofPack({ ...content, links: links.slice(1) }, key))),
      { publicKeyPem },
    );
    expect(gap.checks.find((c) => c.name === 'chain')?.detail).toMatch(/broken at link 1: link 1 is missing/);
    const short = verifyProofPack(
      Buffer.from(proofPackText(signProofPack({ ...content, links: links.slice(0, 1) }, key))),
      { publicKeyPem },
    );
    expect(short.checks.find((c) => c.name === 'chain')?.detail).toMatch(/recorded head is seq 2/);
    expect(short.isValid).toBe(false);
  });
});
