/**
 * `npm run package [-- --env <name>]`: build appPackage/build/appPackage.<name>.zip from
 * appPackage/manifest.json and env/.env.<name> (default `dev`).
 */
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { buildAppPackage } from './app-package/build.js';

const projectRoot = resolve(fileURLToPath(import.meta.url), '..', '..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { env: { type: 'string', short: 'e', default: 'dev' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('usage: npm run package -- [--env <name>]   (reads env/.env.<name>, default dev)\n');
    return;
  }
  const result = await buildAppPackage({ projectRoot, envName: values.env });
  process.stdout.write(
    `Teams app package for "${values.env}" is valid:\n` +
      `  ${relative(projectRoot, result.manifestPath)}\n  ${relative(projectRoot, result.zipPath)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
