import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildAppPackage,
  checkIcons,
  decodePng,
  loadCommands,
  loadEnvFile,
  manifestCommandDescription,
  MissingVariablesError,
  parseCommands,
  parseEnvFile,
  PNG_SIGNATURE,
  readPngHeader,
  readZip,
  shippedSchemaDir,
  substitutePlaceholders,
  validateAgainstTeamsSchema,
  validateManifest,
  writeZip,
  type JsonValue,
} from '../../../scripts/app-package/index.js';
import { ACCENT_COLOR, colorIcon, outlineIcon } from '../../../scripts/make-icons.js';
import { commandCatalog } from '../../../src/teams/commands/command-catalog.js';

const root = resolve(import.meta.dirname, '..', '..', '..');
const appPackageDir = join(root, 'appPackage');
const template = JSON.parse(readFileSync(join(appPackageDir, 'manifest.json'), 'utf8')) as JsonValue;
const devVariables = loadEnvFile(root, 'dev');
const commands = loadCommands(appPackageDir);
const scratch = mkdtempSync(join(tmpdir(), 'lifecycle-app-package-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

interface ManifestCommandList {
  scopes: string[];
  commands: { title: string; description: string }[];
}
/** The parts of the manifest these tests read or break on purpose. */
interface Manifest {
  $schema: string;
  manifestVersion: string;
  id: string;
  accentColor?: string;
  name: { short: string; full: string };
  bots: { botId: string; scopes: string[]; supportsFiles: boolean; commandLists: ManifestCommandList[] }[];
  webApplicationInfo: { id: string; resource: string };
  validDomains: string[];
}
const devManifest = (): Manifest =>
  substitutePlaceholders(template, devVariables, 'env/.env.dev') as unknown as Manifest;
const json = (manifest: Manifest): JsonValue => manifest as unknown as JsonValue;

describe('Teams app manifest', () => {
  it('names schema 1.29, which @microsoft/app-manifest ships for offline validation', () => {
    const manifest = devManifest();
    expect(manifest.$schema).toBe(
      'https://developer.microsoft.com/json-schemas/teams/v1.29/MicrosoftTeams.schema.json',
    );
    expect(manifest.manifestVersion).toBe('1.29');
    expect(existsSync(join(shippedSchemaDir(), 'v1.29', 'MicrosoftTeams.schema.json'))).toBe(true);
  });

  it('is valid against the official schema once env/.env.dev is substituted', async () => {
    expect(await validateAgainstTeamsSchema(json(devManifest()))).toEqual([]);
  });

  it('passes the project rules: bot scopes, command lists, SSO resource and icons', async () => {
    const manifest = devManifest();
    expect(await validateManifest(json(manifest), { appPackageDir, commands })).toEqual([]);
    const bot = manifest.bots[0]!;
    expect(bot.botId).toBe(devVariables.get('BOT_ID'));
    expect(bot.scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(bot.supportsFiles).toBe(true);
    expect(manifest.id).toBe(devVariables.get('TEAMS_APP_ID'));
    expect(manifest.webApplicationInfo).toEqual({
      id: devVariables.get('BOT_ID'),
      resource: `api://botid-${devVariables.get('BOT_ID')!}`,
    });
    expect(manifest.validDomains).toEqual([devVariables.get('BOT_DOMAIN')]);
  });

  it('reports schema violations with their paths', async () => {
    const manifest = devManifest();
    delete manifest.accentColor;
    manifest.name = { short: 'L'.repeat(31), full: 'Lifecycle' };
    manifest.bots[0]!.scopes = ['personal', 'everyone'];
    const errors = await validateAgainstTeamsSchema(json(manifest));
    expect(errors.some((e) => e.includes('accentColor'))).toBe(true);
    expect(errors.some((e) => e.startsWith('/name/short'))).toBe(true);
    expect(errors.some((e) => e.startsWith('/bots/0/scopes/1'))).toBe(true);
  });

  it('refuses a schema it cannot read offline instead of fetching it', async () => {
    const manifest = devManifest();
    manifest.$schema = 'https://example.com/teams/v1.29/MicrosoftTeams.schema.json';
    await expect(validateAgainstTeamsSchema(json(manifest))).rejects.toThrow(/Teams manifest schema URL/);
    manifest.$schema = 'https://developer.microsoft.com/json-schemas/teams/v9.99/MicrosoftTeams.schema.json';
    await expect(validateAgainstTeamsSchema(json(manifest))).rejects.toThrow(/v9\.99 is not shipped/);
  });

  it('names every missing environment variable at once', () => {
    const partial = new Map(devVariables);
    partial.delete('BOT_ID');
    partial.set('BOT_DOMAIN', '');
    try {
      substitutePlaceholders(template, partial, 'env/.env.test');
      expect.unreachable('substitution should fail');
    } catch (error) {
      expect(error).toBeInstanceOf(MissingVariablesError);
      expect((error as MissingVariablesError).names).toEqual(['BOT_ID', 'BOT_DOMAIN']);
      expect((error as Error).message).toContain(
        'env/.env.test has no value for ${{BOT_ID}}, ${{BOT_DOMAIN}}',
      );
    }
  });

  it('substitutes inside strings only, so a value cannot break the JSON', () => {
    const out = substitutePlaceholders(
      { a: 'x-${{ V }}-y', n: 3, list: ['${{V}}'] },
      new Map([['V', '"}, "evil": 1']]),
      'test',
    );
    expect(out).toEqual({ a: 'x-"}, "evil": 1-y', n: 3, list: ['"}, "evil": 1'] });
  });

  it('flags placeholders left unresolved and a wrong SSO resource', async () => {
    const manifest = devManifest();
    manifest.validDomains = ['${{BOT_DOMAIN}}'];
    manifest.webApplicationInfo = { id: manifest.bots[0]!.botId, resource: 'api://something-else' };
    const errors = await validateManifest(json(manifest), { appPackageDir, commands });
    expect(errors).toContain('unresolved placeholders: ${{BOT_DOMAIN}}');
    expect(errors.some((e) => e.startsWith('/webApplicationInfo'))).toBe(true);
  });
});

describe('bot commands', () => {
  it('commands.json lists exactly the commands the bot understands, with the same syntax and text', () => {
    expect(commands).toEqual(
      commandCatalog.map(({ name, usage, description }) => ({ name, usage, description })),
    );
    expect(commands.map((c) => c.name)).toEqual([
      'help',
      'offboard',
      'revoke',
      'contain',
      'provision',
      'undo',
      'restore',
      'status',
      'history',
      'cancel',
      'reschedule',
      'jobs',
    ]);
  });

  it('every command list of the manifest (one per scope) carries those commands and descriptions', () => {
    const lists = devManifest().bots[0]!.commandLists;
    expect(lists.map((l) => l.scopes)).toEqual([['personal'], ['team'], ['groupChat']]);
    for (const list of lists) {
      expect(list.commands).toEqual(
        commands.map((c) => ({ title: c.name, description: manifestCommandDescription(c) })),
      );
    }
    expect(manifestCommandDescription(commands[1]!)).toBe(
      'Offboard a leaver: plan, confirm, approve, run. Usage: offboard <upn | name> [--at "<date> <time> [zone]"]',
    );
  });

  it('a manifest whose commands drift from commands.json is rejected', async () => {
    const manifest = devManifest();
    const lists = manifest.bots[0]!.commandLists;
    lists[1]!.commands.pop();
    const errors = await validateManifest(json(manifest), { appPackageDir, commands });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\/bots\/0\/commandLists\/1 differs from appPackage\/commands\.json/);
  });

  it('commands.json must be well formed', () => {
    expect(() => parseCommands({})).toThrow(/must be a JSON array/);
    expect(() =>
      parseCommands([
        { name: 'Help', usage: 'help', description: '' },
        { name: 'status', usage: 'stat <id>', description: 'x', extra: 1 },
        { name: 'status', usage: 'status', description: 'y' },
      ]),
    ).toThrow(
      /name must be one lower-case word[\s\S]*description is required[\s\S]*must start with the command name[\s\S]*unknown keys: extra[\s\S]*duplicate command names: status/,
    );
  });
});

describe('app icons', () => {
  const color = readFileSync(join(appPackageDir, 'color.png'));
  const outline = readFileSync(join(appPackageDir, 'outline.png'));

  it('color.png is a 192×192 PNG', () => {
    expect(color.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(readPngHeader(color)).toMatchObject({ width: 192, height: 192, bitDepth: 8 });
  });

  it('color.png is filled with the accent colour behind a white glyph', () => {
    const { pixels, channels } = decodePng(color);
    const accent = devManifest().accentColor!.toLowerCase();
    const hex = (i: number): string =>
      `#${Array.from(pixels.subarray(i * channels, i * channels + 3), (v) => v.toString(16).padStart(2, '0')).join('')}`;
    expect(hex(0)).toBe(accent); // top-left corner
    expect(hex(81 * 192 + 96)).toBe('#ffffff'); // centre of the head
  });

  it('outline.png is a 32×32 RGBA PNG, white on a transparent background', () => {
    expect(outline.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const { header, pixels } = decodePng(outline);
    expect(header).toMatchObject({ width: 32, height: 32, colorType: 6 });
    let transparent = 0;
    let opaque = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] === 0) transparent++;
      if (pixels[i + 3] === 255) opaque++;
      if (pixels[i + 3]! > 0) expect([pixels[i], pixels[i + 1], pixels[i + 2]]).toEqual([255, 255, 255]);
    }
    expect(transparent).toBeGreaterThan(32 * 32 * 0.4);
    expect(opaque).toBeGreaterThan(32 * 2);
  });

  it('the committed icons are what scripts/make-icons.ts draws, in the manifest accent colour', () => {
    expect(decodePng(colorIcon()).pixels).toEqual(decodePng(color).pixels);
    expect(decodePng(outlineIcon()).pixels).toEqual(decodePng(outline).pixels);
    expect(ACCENT_COLOR).toBe(devManifest().accentColor);
  });

  it('icons of the wrong size or without transparency are reported', () => {
    const dir = mkdtempSync(join(scratch, 'icons-'));
    copyFileSync(join(appPackageDir, 'outline.png'), join(dir, 'color.png'));
    copyFileSync(join(appPackageDir, 'color.png'), join(dir, 'outline.png'));
    expect(checkIcons(json(devManifest()), dir)).toEqual([
      'color icon must be 192×192, is 32×32',
      'outline icon must be 32×32, is 192×192',
      'outline icon must have an alpha channel (PNG colour type 6 or 4), has colour type 2',
    ]);
    writeFileSync(join(dir, 'color.png'), 'not a png');
    expect(checkIcons(json(devManifest()), dir)[0]).toBe('icon color.png: not a PNG file (bad signature)');
  });
});

describe('app package build', () => {
  it('writes the substituted manifest and a zip with manifest.json and both icons at its root', async () => {
    const outputDir = join(scratch, 'build');
    const result = await buildAppPackage({ projectRoot: root, envName: 'dev', outputDir });
    expect(result.manifestPath).toBe(join(outputDir, 'manifest.dev.json'));
    expect(result.zipPath).toBe(join(outputDir, 'appPackage.dev.zip'));

    const entries = readZip(readFileSync(result.zipPath));
    expect(entries.map((e) => e.name)).toEqual(['manifest.json', 'color.png', 'outline.png']);
    const zipped = entries[0]!.data.toString('utf8');
    expect(zipped).not.toContain('${{');
    expect(JSON.parse(zipped)).toEqual(devManifest());
    expect(readFileSync(result.manifestPath, 'utf8')).toBe(zipped);
    expect(entries[1]!.data.equals(readFileSync(join(appPackageDir, 'color.png')))).toBe(true);
    expect(entries[2]!.data.equals(readFileSync(join(appPackageDir, 'outline.png')))).toBe(true);

    const again = await buildAppPackage({
      projectRoot: root,
      envName: 'dev',
      outputDir: join(scratch, 'build-2'),
    });
    expect(readFileSync(again.zipPath).equals(readFileSync(result.zipPath))).toBe(true);
  });

  it('npm run package fails clearly, and writes nothing, for an environment without the ids', async () => {
    const run = promisify(execFile);
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    const failure = await run(tsx, [join(root, 'scripts', 'build-app-package.ts'), '--env', 'playground'], {
      cwd: root,
    }).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(
      'env/.env.playground has no value for ${{TEAMS_APP_ID}}, ${{BOT_ID}}, ${{BOT_DOMAIN}}',
    );
    expect(existsSync(join(appPackageDir, 'build', 'appPackage.playground.zip'))).toBe(false);
  });
});

describe('package helpers', () => {
  it('parses toolkit env files: comments, quotes, inline comments', () => {
    const vars = parseEnvFile('# c\nA=1\n\nB="two words"\nC=three # note\nexport D=\'4\'\nE=\n');
    expect([...vars]).toEqual([
      ['A', '1'],
      ['B', 'two words'],
      ['C', 'three'],
      ['D', '4'],
      ['E', ''],
    ]);
    expect(() => parseEnvFile('not a pair', 'env/.env.x')).toThrow('env/.env.x:1: expected KEY=value');
  });

  it('zip archives round-trip and refuse unsafe names', () => {
    const entries = [
      { name: 'a.txt', data: Buffer.from('hello '.repeat(100)) },
      { name: 'dir/b.bin', data: Buffer.from([0, 1, 2, 255]) },
    ];
    expect(readZip(writeZip(entries))).toEqual(entries);
    expect(() => writeZip([{ name: '../evil', data: Buffer.alloc(0) }])).toThrow(/invalid zip entry name/);
    expect(() =>
      writeZip([
        { name: 'x', data: Buffer.alloc(0) },
        { name: 'x', data: Buffer.alloc(0) },
      ]),
    ).toThrow(/duplicate/);
  });
});
