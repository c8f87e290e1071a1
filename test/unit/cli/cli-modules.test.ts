/**
 * The command line's modules load none of the bot's libraries: botbuilder and its connector, the Teams
 * AI library, the card templating, express, and the driver of the database it does not use. Together
 * they are ~90 MB of a bulk run's resident memory (docs/performance.md); a static import of any of
 * them from a module the command line loads brings them back. A child process loads the command line's
 * entry points as they run and lists the packages Node loaded.
 */
import { describe, expect, it } from 'vitest';
import { dependencyFilesLoadedBy, packageOf } from '../../support/loaded-modules.js';

describe('command line modules', () => {
  it('load neither the bot libraries nor an unused database driver', () => {
    const packages = [
      ...new Set(
        dependencyFilesLoadedBy([
          './src/cli/cli-services.ts',
          './src/cli/offboard-cli.ts',
          './src/cli/commands.ts',
        ]).map(packageOf),
      ),
    ];
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
