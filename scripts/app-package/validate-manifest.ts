/**
 * Offline validation of the Teams app manifest and icons:
 * - the official JSON schema named by `$schema`, read from the copy shipped in `@microsoft/app-manifest`
 *   (never fetched);
 * - rules the schema cannot express: no placeholder left, the bot's scopes, command lists equal to
 *   `commands.json`, SSO resource matching the bot id, icon files with the sizes and colours Teams wants.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import type { JSONSchemaType } from 'ajv';
import { manifestCommandDescription, type CommandInfo } from './commands.js';
import { decodePng } from './png.js';
import { listPlaceholders, type JsonValue } from './placeholders.js';

export const REQUIRED_BOT_SCOPES = ['personal', 'team', 'groupChat'] as const;
export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;

const TEAMS_SCHEMA_URL =
  /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?json-schemas\/teams\/(v[0-9.]+|vDevPreview)\/MicrosoftTeams\.schema\.json$/i;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON object seen through the keys this module reads (each still of unknown type). */
type View<K extends string> = Partial<Record<K, unknown>>;
const view = <K extends string>(v: unknown): View<K> | undefined =>
  isRecord(v) ? (v as View<K>) : undefined;

/** Folder of the Teams schemas shipped with `@microsoft/app-manifest`. */
export function shippedSchemaDir(): string {
  const require = createRequire(import.meta.url);
  return join(
    dirname(require.resolve('@microsoft/app-manifest/package.json')),
    'build',
    'json-schemas',
    'teams',
  );
}

/** Load the local copy of the schema a manifest names in `$schema`; throws if it is not shipped. */
export function loadTeamsSchema(schemaUrl: unknown): Record<string, unknown> {
  const match = typeof schemaUrl === 'string' ? TEAMS_SCHEMA_URL.exec(schemaUrl) : null;
  if (!match)
    throw new Error(`$schema must be a Teams manifest schema URL, got ${JSON.stringify(schemaUrl)}`);
  const file = join(shippedSchemaDir(), match[1]!, 'MicrosoftTeams.schema.json');
  if (!existsSync(file)) throw new Error(`schema ${match[1]!} is not shipped in @microsoft/app-manifest`);
  // The published schemas contain `\a` and `\v` regex escapes that are not valid JSON string escapes.
  const text = readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
  return JSON.parse(text) as Record<string, unknown>;
}

/** JSON-schema validation only; returns readable errors (empty when valid). */
export async function validateAgainstTeamsSchema(manifest: JsonValue): Promise<string[]> {
  const m = view<'$schema'>(manifest);
  if (!m) return ['the manifest must be a JSON object'];
  const schema = loadTeamsSchema(m.$schema);
  return AppManifestUtils.validateAgainstSchema(
    manifest as unknown as AppManifest,
    schema as unknown as JSONSchemaType<AppManifest>,
  );
}

function checkCommands(bot: View<'commandLists'>, commands: readonly CommandInfo[]): string[] {
  const errors: string[] = [];
  const lists = Array.isArray(bot.commandLists) ? bot.commandLists : [];
  const coveredScopes = new Set<unknown>();
  lists.forEach((item: unknown, i) => {
    const list = view<'scopes' | 'commands'>(item);
    if (!list) return;
    if (Array.isArray(list.scopes)) list.scopes.forEach((s: unknown) => coveredScopes.add(s));
    const actual = Array.isArray(list.commands)
      ? list.commands.map((c: unknown) => {
          const command = view<'title' | 'description'>(c);
          return command ? { title: command.title, description: command.description } : c;
        })
      : [];
    const expected = commands.map((c) => ({ title: c.name, description: manifestCommandDescription(c) }));
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      errors.push(
        `/bots/0/commandLists/${i} differs from appPackage/commands.json: ` +
          `expected titles ${expected.map((c) => c.title).join(', ')} with their descriptions, ` +
          `got ${actual
            .map((c) => {
              const title = view<'title'>(c)?.title;
              return typeof title === 'string' ? title : '?';
            })
            .join(', ')}`,
      );
    }
  });
  for (const scope of REQUIRED_BOT_SCOPES) {
    if (!coveredScopes.has(scope)) errors.push(`/bots/0/commandLists has no command list for scope ${scope}`);
  }
  return errors;
}

function checkProjectRules(
  manifest: View<'bots' | 'webApplicationInfo'>,
  commands: readonly CommandInfo[],
): string[] {
  const errors: string[] = [];
  const left = listPlaceholders(manifest as JsonValue);
  if (left.length > 0) errors.push(`unresolved placeholders: ${left.map((n) => `\${{${n}}}`).join(', ')}`);
  const bots = Array.isArray(manifest.bots) ? manifest.bots : [];
  const bot = view<'botId' | 'scopes' | 'supportsFiles' | 'commandLists'>(bots[0]);
  if (bots.length !== 1 || !bot) return [...errors, '/bots must declare exactly one bot'];
  const scopes = Array.isArray(bot.scopes) ? bot.scopes : [];
  for (const scope of REQUIRED_BOT_SCOPES) {
    if (!scopes.includes(scope)) errors.push(`/bots/0/scopes must include ${scope}`);
  }
  if (bot.supportsFiles !== true)
    errors.push('/bots/0/supportsFiles must be true (joiners can be sent as a CSV file)');
  errors.push(...checkCommands(bot, commands));
  const sso = view<'id' | 'resource'>(manifest.webApplicationInfo);
  if (!sso || sso.id !== bot.botId || sso.resource !== `api://botid-${String(bot.botId)}`) {
    errors.push('/webApplicationInfo must be { id: <bot id>, resource: "api://botid-<bot id>" }');
  }
  return errors;
}

/** Check the icons the manifest names: sizes, and a white-on-transparent outline. */
export function checkIcons(manifest: JsonValue, appPackageDir: string): string[] {
  const icons = view<'color' | 'outline'>(view<'icons'>(manifest)?.icons);
  if (!icons || typeof icons.color !== 'string' || typeof icons.outline !== 'string') {
    return ['/icons must name a color and an outline file'];
  }
  const errors: string[] = [];
  const read = (name: string): ReturnType<typeof decodePng> | undefined => {
    const path = join(appPackageDir, name);
    if (name.includes('/') || name.includes('\\') || !existsSync(path)) {
      errors.push(`icon ${name} must be a file next to manifest.json`);
      return undefined;
    }
    try {
      return decodePng(readFileSync(path));
    } catch (error) {
      errors.push(`icon ${name}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  const color = read(icons.color);
  if (color && (color.header.width !== COLOR_ICON_SIZE || color.header.height !== COLOR_ICON_SIZE)) {
    errors.push(
      `color icon must be ${COLOR_ICON_SIZE}×${COLOR_ICON_SIZE}, is ${color.header.width}×${color.header.height}`,
    );
  }
  const outline = read(icons.outline);
  if (outline) {
    const { width, height, colorType } = outline.header;
    if (width !== OUTLINE_ICON_SIZE || height !== OUTLINE_ICON_SIZE) {
      errors.push(`outline icon must be ${OUTLINE_ICON_SIZE}×${OUTLINE_ICON_SIZE}, is ${width}×${height}`);
    }
    if (colorType !== 6 && colorType !== 4) {
      errors.push(
        `outline icon must have an alpha channel (PNG colour type 6 or 4), has colour type ${colorType}`,
      );
    } else {
      let transparent = 0;
      let notWhite = 0;
      for (let i = 0; i < outline.pixels.length; i += outline.channels) {
        const alpha = outline.pixels[i + outline.channels - 1]!;
        if (alpha === 0) transparent++;
        else if (outline.pixels.subarray(i, i + outline.channels - 1).some((v) => v !== 255)) notWhite++;
      }
      if (transparent === 0) errors.push('outline icon must have a transparent background');
      if (notWhite > 0)
        errors.push(`outline icon must be white only: ${notWhite} visible pixels are not white`);
    }
  }
  return errors;
}

/**
 * Validate a manifest whose placeholders are already substituted, with the icons it names in
 * `appPackageDir`. Returns every problem found (empty when the package is good).
 */
export async function validateManifest(
  manifest: JsonValue,
  options: { appPackageDir: string; commands: readonly CommandInfo[] },
): Promise<string[]> {
  const m = view<'bots' | 'webApplicationInfo'>(manifest);
  if (!m) return ['the manifest must be a JSON object'];
  const schemaErrors = await validateAgainstTeamsSchema(manifest);
  return [
    ...schemaErrors.map((e) => `schema: ${e}`),
    ...checkProjectRules(m, options.commands),
    ...checkIcons(manifest, options.appPackageDir),
  ];
}
