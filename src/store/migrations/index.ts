import type { Migration } from './migration.js';
import { initialSchema } from './0001-initial-schema.js';
import { hashChain } from './0002-hash-chain.js';
import { containKind } from './0003-contain-kind.js';
import { undoKind } from './0004-undo-kind.js';

export type { Migration } from './migration.js';

/** Every migration, in the order they apply. Append new ones; never reorder or edit applied ones. */
export const migrations: readonly Migration[] = [initialSchema, hashChain, containKind, undoKind];
