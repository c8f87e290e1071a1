/**
 * Adds Exchange's extensionAttribute1 (ms-Exch-Extension-Attribute-1: Unicode string, single-valued,
 * up to 1024 characters) to the Samba test domain's schema and allows it on users through the
 * mailRecipient auxiliary class, as the Exchange schema update does. Idempotent: a domain that has it
 * already is left alone, so the cached DC is extended once and every later run reuses it. The
 * attributeID and schemaIDGUID are the test domain's own (Microsoft's arc for custom extensions),
 * since the domain doesn't carry the Exchange schema.
 */
import { Attribute, Change, EqualityFilter, type Client } from 'ldapts';
import { guidToBytes } from './samba-seed.js';
import type { SambaDc } from './samba.js';

const ATTRIBUTE = 'extensionAttribute1';
const ATTRIBUTE_ID = '1.2.840.113556.1.8000.2554.16766.33517.60774.19152.32954.63774.54673';
const SCHEMA_ID_GUID = '417e82ed-ed66-4ad0-80ba-f91ed591951b';

export async function ensureExtensionAttribute1(
  dc: SambaDc,
  withAdmin: <T>(dc: SambaDc, fn: (client: Client) => Promise<T>) => Promise<T>,
): Promise<void> {
  const schema = `CN=Schema,CN=Configuration,${dc.baseDn}`;
  await withAdmin(dc, async (client) => {
    const { searchEntries } = await client.search(schema, {
      scope: 'one',
      filter: new EqualityFilter({ attribute: 'lDAPDisplayName', value: ATTRIBUTE }),
      attributes: ['1.1'],
    });
    if (searchEntries.length > 0) return;
    await client.add(`CN=ms-Exch-Extension-Attribute-1,${schema}`, [
      new Attribute({ type: 'objectClass', values: ['top', 'attributeSchema'] }),
      new Attribute({ type: 'cn', values: ['ms-Exch-Extension-Attribute-1'] }),
      new Attribute({ type: 'lDAPDisplayName', values: [ATTRIBUTE] }),
      new Attribute({ type: 'attributeID', values: [ATTRIBUTE_ID] }),
      new Attribute({ type: 'attributeSyntax', values: ['2.5.5.12'] }),
      new Attribute({ type: 'oMSyntax', values: ['64'] }),
      new Attribute({ type: 'isSingleValued', values: ['TRUE'] }),
      new Attribute({ type: 'rangeLower', values: ['1'] }),
      new Attribute({ type: 'rangeUpper', values: ['1024'] }),
      new Attribute({ type: 'schemaIDGUID', values: [guidToBytes(SCHEMA_ID_GUID)] }),
      new Attribute({ type: 'searchFlags', values: ['0'] }),
    ]);
    await schemaUpdateNow(client);
    await client.modify(
      `CN=Mail-Recipient,${schema}`,
      new Change({
        operation: 'add',
        modification: new Attribute({ type: 'mayContain', values: [ATTRIBUTE] }),
      }),
    );
    await schemaUpdateNow(client);
  });
}

async function schemaUpdateNow(client: Client): Promise<void> {
  await client.modify(
    '',
    new Change({ operation: 'add', modification: new Attribute({ type: 'schemaUpdateNow', values: ['1'] }) }),
  );
}
