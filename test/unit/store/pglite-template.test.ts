import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PgliteClient, templateDirOf } from '../../../src/store/pglite-client.js';

describe('PGlite data folders made from the installation’s template cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pglite-template-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the template per PGlite version and settings in node_modules/.cache', () => {
    expect(templateDirOf()).toMatch(
      /node_modules[/\\]\.cache[/\\]lifecycle[/\\]pglite-\d+\.\d+\.\d+-shared_buffers-16MB$/,
    );
  });

  it('opens two new folders at once: each is its own cluster, copied from one template', async () => {
    const [a, b] = await Promise.all([PgliteClient.open(join(dir, 'a')), PgliteClient.open(join(dir, 'b'))]);
    await a.query('create table only_in_a (x int)');
    const inB = await b.query("select count(*)::int as n from pg_tables where tablename = 'only_in_a'");
    expect(inB[0]?.['n']).toBe(0);
    await Promise.all([a.close(), b.close()]);
    const template = templateDirOf() ?? '';
    expect(existsSync(join(template, 'PG_VERSION'))).toBe(true);
    const reopened = await PgliteClient.open(join(dir, 'a'));
    const inA = await reopened.query(
      "select count(*)::int as n from pg_tables where tablename = 'only_in_a'",
    );
    expect(inA[0]?.['n']).toBe(1);
    await reopened.close();
  }, 120_000);

  it('adds the cluster to a folder that holds other files, and never removes them', async () => {
    const folder = join(dir, 'with-notes');
    mkdirSync(folder);
    writeFileSync(join(folder, 'notes.txt'), 'keep me');
    const client = await PgliteClient.open(folder);
    expect(await client.query('select 1 as one')).toEqual([{ one: 1 }]);
    await client.close();
    expect(readFileSync(join(folder, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(folder, 'PG_VERSION'))).toBe(true);
  }, 120_000);
});
