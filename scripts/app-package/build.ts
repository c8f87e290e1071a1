/**
 * Build the Teams app package for one Agents Toolkit environment: substitute `${{VAR}}` from
 * `env/.env.<env>`, validate, write `appPackage/build/manifest.<env>.json` and
 * `appPackage/build/appPackage.<env>.zip` (manifest.json, color.png, outline.png at the root).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCommands } from './commands.js';
import { loadEnvFile } from './env-file.js';
import { substitutePlaceholders, type JsonValue } from './placeholders.js';
import { validateManifest } from './validate-manifest.js';
import { writeZip } from './zip.js';

export interface BuildOptions {
  projectRoot: string;
  envName: string;
  /** Output folder; defaults to `appPackage/build`. */
  outputDir?: string;
  /** Variables to use instead of reading `env/.env.<envName>`. */
  variables?: ReadonlyMap<string, string>;
}

export interface BuildResult {
  manifest: JsonValue;
  manifestPath: string;
  zipPath: string;
}

export class AppPackageInvalidError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the Teams app package is invalid:\n  - ${problems.join('\n  - ')}`);
    this.name = 'AppPackageInvalidError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Substitute and validate without writing anything. Throws on a missing variable or an invalid package. */
export async function resolveManifest(options: BuildOptions): Promise<JsonValue> {
  const appPackageDir = join(options.projectRoot, 'appPackage');
  const template = JSON.parse(readFileSync(join(appPackageDir, 'manifest.json'), 'utf8')) as JsonValue;
  const variables = options.variables ?? loadEnvFile(options.projectRoot, options.envName);
  const manifest = substitutePlaceholders(template, variables, `env/.env.${options.envName}`);
  const problems = await validateManifest(manifest, { appPackageDir, commands: loadCommands(appPackageDir) });
  if (problems.length > 0) throw new AppPackageInvalidError(problems);
  return manifest;
}

export async function buildAppPackage(options: BuildOptions): Promise<BuildResult> {
  const appPackageDir = join(options.projectRoot, 'appPackage');
  const manifest = await resolveManifest(options);
  const icons = isRecord(manifest) ? manifest['icons'] : undefined;
  const color = isRecord(icons) ? icons['color'] : undefined;
  const outline = isRecord(icons) ? icons['outline'] : undefined;
  if (typeof color !== 'string' || typeof outline !== 'string') {
    throw new AppPackageInvalidError(['/icons must name a color and an outline file']);
  }
  const manifestJson = `${JSON.stringify(manifest, null, 2)}\n`;
  const outputDir = options.outputDir ?? join(appPackageDir, 'build');
  mkdirSync(outputDir, { recursive: true });
  const manifestPath = join(outputDir, `manifest.${options.envName}.json`);
  const zipPath = join(outputDir, `appPackage.${options.envName}.zip`);
  writeFileSync(manifestPath, manifestJson);
  writeFileSync(
    zipPath,
    writeZip([
      { name: 'manifest.json', data: Buffer.from(manifestJson, 'utf8') },
      { name: color, data: readFileSync(join(appPackageDir, color)) },
      { name: outline, data: readFileSync(join(appPackageDir, outline)) },
    ]),
  );
  return { manifest, manifestPath, zipPath };
}
