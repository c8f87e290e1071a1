/**
 * `saveIfChanged` writes a conversation reference in one statement, and leaves the row untouched when
 * an equal reference (as JSON: key order aside) is stored. The row's `xmin` (the transaction that
 * last wrote it) shows whether it was written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../src/store/migrate.js';
import { PgliteClient } from '../../../src/store/pglite-client.js';
import { SqlConversationStore } from '../../../src/store/sql-key-value-stores.js';

describe('conversation references: save if changed', () => {
  let client: PgliteClient;
  let store: SqlConversationStore;
  const writtenBy = async (key: string): Promise<unknown> =>
    (await client.query('SELECT xmin::text AS x FROM conversation_refs WHERE key = $1', [key]))[0]?.['x'];

  beforeAll(async () => {
    client = await PgliteClient.open();
    await migrate(client);
    store = new SqlConversationStore(client);
  });
  afterAll(async () => {
    await client.close();
  });

  it('inserts a new key, skips an equal reference in any key order, and updates a changed one', async () => {
    const reference = {
      channelId: 'msteams',
      serviceUrl: 'https://smba.example.test/',
      user: { id: '29:a' },
    };
    await store.saveIfChanged('user:a', reference);
    expect(await store.get('user:a')).toEqual(reference);
    const first = await writtenBy('user:a');
    expect(first).toBeDefined();

    await store.saveIfChanged('user:a', {
      user: { id: '29:a' },
      serviceUrl: 'https://smba.example.test/',
      channelId: 'msteams',
    });
    expect(await writtenBy('user:a')).toBe(first);

    await store.saveIfChanged('user:a', { ...reference, serviceUrl: 'https://smba.example.test/emea/' });
    expect(await writtenBy('user:a')).not.toBe(first);
    expect(await store.get('user:a')).toMatchObject({ serviceUrl: 'https://smba.example.test/emea/' });
  });
});
