import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { playgroundConfigFor, playgroundMemberIds } from '../../../src/app/playground-persona.js';
import { seeded } from '../../../src/sandbox/index.js';

const root = join(import.meta.dirname, '../../..');

describe('PLAYGROUND_USER', () => {
  it('keeps the committed config when unset or already the current user', () => {
    const work = mkdtempSync(join(tmpdir(), 'persona-'));
    expect(playgroundConfigFor(root, undefined, work)).toBe(join(root, '.m365agentsplayground.yml'));
    expect(playgroundConfigFor(root, 'Isaiah.Langer@contoso.com', work)).toBe(
      join(root, '.m365agentsplayground.yml'),
    );
  });

  it('swaps the chosen persona into currentUser and keeps five users', () => {
    const work = mkdtempSync(join(tmpdir(), 'persona-'));
    const path = playgroundConfigFor(root, 'joni.sherman@contoso.com', work);
    const config = parse(readFileSync(path, 'utf8')) as {
      currentUser: { userPrincipleName: string };
      users: { userPrincipleName: string }[];
    };
    expect(config.currentUser.userPrincipleName).toBe('joni.sherman@contoso.com');
    expect(config.users).toHaveLength(5);
    expect(config.users.map((u) => u.userPrincipleName)).toContain('isaiah.langer@contoso.com');
  });

  it('names the personas when the user is unknown', () => {
    expect(() => playgroundConfigFor(root, 'nobody@contoso.com', tmpdir())).toThrow(
      /choose one of: isaiah\.langer@contoso\.com/,
    );
  });

  it('maps the Entra object id of each persona (as seeded) to its playground id, for 1:1 chats', () => {
    const ids = playgroundMemberIds(join(root, '.m365agentsplayground.yml'));
    expect(ids.get(seeded.users.meganBowen)).toBe('29:megan-bowen');
    expect(ids.get('10000000-0000-4000-8000-000000000013')).toBe('29:isaiah-langer');
    expect(ids.size).toBe(6);
  });
});
