/**
 * The proof pack of one request, read from an open store: the export, the request's hash chain
 * (verified first: a broken chain is never signed) and the signature.
 */
import { describeVerdict } from '../core/audit/hash-chain.js';
import { signProofPack, type ProofPack, type SigningKey } from '../core/proof/proof-pack.js';
import { exportRequest } from '../core/runs/run-export.js';
import type { SqlStore } from '../store/index.js';
import { verifyStoredChain } from '../store/sql-hash-chain.js';

export type ProofExport =
  { kind: 'pack'; pack: ProofPack } | { kind: 'not-found' } | { kind: 'broken'; message: string };

export async function buildProofPack(
  store: SqlStore,
  requestId: string,
  key: SigningKey,
): Promise<ProofExport> {
  const exported = await exportRequest(store, requestId);
  if (!exported) return { kind: 'not-found' };
  const stored = await store.chains.read(requestId);
  const verdict = verifyStoredChain(stored);
  if (!verdict.isIntact) return { kind: 'broken', message: describeVerdict(verdict) };
  // The chain read covers every row written since the store kept chains: an exported entry that is
  // not a link was written before.
  const linked = new Set(stored.links.map((link) => `${link.table}:${link.id}`));
  const earlier = (table: 'audit' | 'journal', items: readonly { id?: number }[]): number[] =>
    items.flatMap((item) => (item.id !== undefined && !linked.has(`${table}:${item.id}`) ? [item.id] : []));
  const pack = signProofPack(
    {
      requestId,
      exported,
      links: stored.links,
      head: verdict.head,
      beforeChain: {
        audit: earlier('audit', exported.audit),
        journal: earlier('journal', exported.run?.journal ?? []),
      },
      createdAt: new Date().toISOString(),
    },
    key,
  );
  return { kind: 'pack', pack };
}
