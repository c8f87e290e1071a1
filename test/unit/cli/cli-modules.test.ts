/**
 * The command line's modules load none of the bot's libraries: botbuilder and its connector, the Teams
 * AI library, the card templating, express, and the driver of the database it does not use. Together
 * they are ~90 MB of a bulk run's resident memory (docs/performance.md); a static import of any of
 * them from a module the command line loads brings them back. A child process loads the command line's
 * entry points as they run and lists the packages Node loaded.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const probe = `
const { createRequire } = await import('node:module');
await import('./src/cli/cli-services.ts');
await import('./src/cli/offboard-cli.ts');
await import('./src/cli/commands.ts');
const require = createRequire(import.meta.url);
const packages = new Set();
for (const file of Object.keys(require.cache)) {
  const at = file.lastIndexOf('node_modules/');
  if (at < 0) continue;
  const [scope, name] = file.slice(at + 'node_modules/'.length).split('/');
  packages.add(scope.startsWith('@') ? scope + '/' + name : scope);
}
console.log(JSON.stringify([...packages].sort()));
`;

describe('command line modules', () => {
  it('load neither the bot libraries nor an unused database driver', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
      encoding: 'utf8',
      cwd: new URL('../../..', import.meta.url).pathname,
    });
    const packages = JSON.parse(out.trim().split('\n').at(-1) ?? '[]') as string[];
    // The probe saw the packages the command line does load.
    expect(packages).toEqual(expect.arrayContaining(['pino', '@microsoft/microsoft-graph-client']));
    for (const heavy of [
      'botbuilder',
      'botbuilder-core',
      'botframework-connector',
      '@microsoft/teams-ai',
      'adaptivecards-templating',
      'adaptive-expressions',
      'express',
      'pg',
    ]) {
      expect(packages, heavy).not.toContain(heavy);
    }
  }, 60_000);
});
