import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listPlaceholders, parseEnvFile, type JsonValue } from '../../../scripts/app-package/index.js';

/**
 * Static checks of the deployment files. There is no Bicep compiler or Agents Toolkit offline, so these
 * tests hold the files to what can be checked without them: parameters and module arguments match the
 * declarations, brackets balance, the syntax stays within what the pinned Bicep CLI (v0.9.1) accepts,
 * and every ${{VAR}} the toolkit files use is defined by an environment file or by an earlier action.
 */
const root = resolve(import.meta.dirname, '..', '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

interface BicepParam {
  name: string;
  hasDefault: boolean;
}

/** Remove comments and the contents of string literals (keeping the quotes), line structure intact. */
function stripBicep(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw new Error('unterminated block comment');
      out += source.slice(i, end + 2).replace(/[^\n]/g, ' ');
      i = end + 2;
    } else if (c === "'") {
      out += "''";
      i++;
      let depth = 0; // inside ${ ... } interpolation
      while (i < source.length && (source[i] !== "'" || depth > 0)) {
        if (source[i] === '\\') i++;
        else if (source[i] === '$' && source[i + 1] === '{') {
          depth++;
          i++;
        } else if (source[i] === '}' && depth > 0) depth--;
        else if (source[i] === '\n' && depth === 0) throw new Error('unterminated string');
        i++;
      }
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function checkBrackets(code: string): string[] {
  const problems: string[] = [];
  const stack: { char: string; line: number }[] = [];
  let parens = 0;
  code.split('\n').forEach((line, index) => {
    for (const c of line) {
      if ('([{'.includes(c)) {
        stack.push({ char: c, line: index + 1 });
        if (c === '(') parens++;
      } else if (')]}'.includes(c)) {
        const open = stack.pop();
        if (!open || '([{'.indexOf(open.char) !== ')]}'.indexOf(c))
          problems.push(`line ${index + 1}: unbalanced ${c}`);
        if (c === ')') parens--;
      } else if (c === ',' && parens === 0) {
        // Commas between object properties or array items on one line need Bicep 0.27 or later.
        problems.push(`line ${index + 1}: single-line object or array (not accepted by Bicep v0.9.1)`);
      }
    }
  });
  for (const open of stack) problems.push(`line ${open.line}: ${open.char} never closed`);
  return problems;
}

function bicepParams(code: string): BicepParam[] {
  return [...code.matchAll(/^param\s+(\w+)\s+\w+(\s*=)?/gm)].map((m) => ({
    name: m[1]!,
    hasDefault: m[2] !== undefined,
  }));
}

/** The body of `key: {` ... `}` that starts at `from`, by bracket matching on stripped code. */
function blockAfter(code: string, from: number): string {
  const open = code.indexOf('{', from);
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '{') depth++;
    else if (code[i] === '}' && --depth === 0) return code.slice(open + 1, i);
  }
  throw new Error('unclosed block');
}

/** Top-level keys of a stripped block (keys at its first nesting level). */
function topLevelKeys(block: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (const line of block.split('\n')) {
    const m = /^\s*(\w+):/.exec(line);
    if (depth === 0 && m) keys.push(m[1]!);
    for (const c of line) {
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) depth--;
    }
  }
  return keys;
}

const bicepFiles = ['infra/azure.bicep', 'infra/modules/azure-bot.bicep', 'infra/modules/postgres.bicep'];

describe('infrastructure (Bicep)', () => {
  it.each(bicepFiles)('%s has balanced brackets and only multi-line objects and arrays', (file) => {
    expect(checkBrackets(stripBicep(read(file)))).toEqual([]);
  });

  it('azure.parameters.json sets only declared parameters, and every parameter without a default', () => {
    const params = bicepParams(stripBicep(read('infra/azure.bicep')));
    const file = JSON.parse(read('infra/azure.parameters.json')) as {
      parameters: Record<string, { value: unknown }>;
    };
    const given = Object.keys(file.parameters);
    expect(given.filter((name) => !params.some((p) => p.name === name))).toEqual([]);
    expect(params.filter((p) => !p.hasDefault && !given.includes(p.name)).map((p) => p.name)).toEqual([]);
  });

  it('modules exist and get exactly the parameters they declare (all required ones included)', () => {
    const main = stripBicep(read('infra/azure.bicep'));
    const modules = [...main.matchAll(/^module\s+(\w+)\s+'[^']*'/gm)];
    const paths = [...read('infra/azure.bicep').matchAll(/^module\s+\w+\s+'([^']+)'/gm)].map((m) => m[1]!);
    expect(paths).toEqual(['./modules/postgres.bicep', './modules/azure-bot.bicep']);
    modules.forEach((m, i) => {
      const path = join(root, 'infra', paths[i]!);
      expect(existsSync(path)).toBe(true);
      const declared = bicepParams(stripBicep(readFileSync(path, 'utf8')));
      const moduleBody = blockAfter(main, m.index);
      const paramsAt = moduleBody.indexOf('params:');
      const given = topLevelKeys(blockAfter(moduleBody, paramsAt));
      expect(given.filter((name) => !declared.some((p) => p.name === name))).toEqual([]);
      expect(declared.filter((p) => !p.hasDefault && !given.includes(p.name)).map((p) => p.name)).toEqual([]);
    });
  });

  it('the web app, bot, database and vault have the settings the deployment relies on', () => {
    const bicep = read('infra/azure.bicep');
    for (const needle of [
      "linuxFxVersion string = 'NODE|20-lts'",
      'httpsOnly: true',
      'alwaysOn: true',
      "ftpsState: 'Disabled'",
      "healthCheckPath: '/healthz'",
      "name: 'WEBSITE_RUN_FROM_PACKAGE'",
      "type: 'UserAssigned'",
      'keyVaultReferenceIdentity: identity.id',
      'enableRbacAuthorization: true',
      "value: '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName=${databaseUrl.name})'",
      "'4633458b-17de-408a-b874-0445c86b69e6'", // Key Vault Secrets User
      "'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba'", // Key Vault Certificate User
      "var databaseName = 'lifecycle'",
    ]) {
      expect(bicep).toContain(needle);
    }
    const bot = read('infra/modules/azure-bot.bicep');
    for (const needle of [
      "kind: 'azurebot'",
      "msaAppType: 'UserAssignedMSI'",
      'msaAppMSIResourceId:',
      'msaAppTenantId:',
      "name: 'MsTeamsChannel'",
    ]) {
      expect(bot).toContain(needle);
    }
  });

  it('app settings are names the bot reads (src/app/config.ts) or App Service platform settings', () => {
    const config = read('src/app/config.ts');
    const known = new Set(
      [...config.matchAll(/^\s{2}([A-Z][A-Z0-9_]*):\s*(?:z\.|csv|bool|guid)/gm)].map((m) => m[1]!),
    );
    const platform = ['WEBSITE_RUN_FROM_PACKAGE', 'SCM_DO_BUILD_DURING_DEPLOYMENT', 'NODE_ENV'];
    // The PEM of the app certificate, delivered from Key Vault: App Service can pass it only as a setting.
    const certificateFromKeyVault = ['CLIENT_CERTIFICATE_PEM'];
    const settings = [...read('infra/azure.bicep').matchAll(/^\s+name: '([A-Z][A-Z0-9_]*)'$/gm)].map(
      (m) => m[1]!,
    );
    expect(settings.length).toBeGreaterThan(15);
    expect(
      settings.filter((s) => !known.has(s) && !platform.includes(s) && !certificateFromKeyVault.includes(s)),
    ).toEqual([]);
  });

  it('outputs are written back to env/.env.dev under the names the manifest and deploy step use', () => {
    const outputs = [...read('infra/azure.bicep').matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1]!);
    const dev = parseEnvFile(read('env/.env.dev'));
    expect(outputs).toEqual(
      expect.arrayContaining(['BOT_ID', 'BOT_DOMAIN', 'BOT_AZURE_APP_SERVICE_RESOURCE_ID']),
    );
    expect(outputs.filter((o) => !dev.has(o))).toEqual([]);
  });
});

/** `${{VAR}}` names used in a toolkit file, and the names its actions write (writeToEnvironmentFile, outputs). */
function toolkitVariables(yaml: string): { used: string[]; written: string[] } {
  const used = listPlaceholders(yaml);
  const written: string[] = [];
  let blockIndent = -1;
  for (const line of yaml.split('\n')) {
    const indent = line.search(/\S/);
    if (blockIndent >= 0 && indent > blockIndent) {
      const m = /^\s+\w+:\s+([A-Z][A-Z0-9_]*)\s*$/.exec(line);
      if (m) written.push(m[1]!);
      continue;
    }
    blockIndent = /^\s*writeToEnvironmentFile:\s*$/.test(line) ? indent : -1;
  }
  return { used, written };
}

const uses = (yaml: string): string[] => [...yaml.matchAll(/^\s*- uses:\s+(\S+)/gm)].map((m) => m[1]!);

describe('Agents Toolkit project files', () => {
  const builtIn = ['TEAMSFX_ENV', 'TEAMS_APP_TENANT_ID'];
  const bicepOutputs = [...read('infra/azure.bicep').matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1]!);
  const cases: [string, string, string[]][] = [
    ['m365agents.yml', 'env/.env.dev', bicepOutputs],
    ['m365agents.local.yml', 'env/.env.local.example', []],
    ['m365agents.playground.yml', 'env/.env.playground', []],
  ];

  it.each(cases)('%s uses only variables that %s or its own actions define', (file, envFile, extra) => {
    const yaml = read(file);
    expect(yaml).toMatch(
      /^# yaml-language-server: \$schema=https:\/\/aka\.ms\/m365-agents-toolkits\/v1\.11\/yaml\.schema\.json$/m,
    );
    expect(yaml).toMatch(/^version: v1\.11$/m);
    const env = parseEnvFile(read(envFile));
    const { used, written } = toolkitVariables(yaml);
    const undefinedVars = used.filter(
      (v) => !env.has(v) && !written.includes(v) && !builtIn.includes(v) && !extra.includes(v),
    );
    expect(undefinedVars).toEqual([]);
  });

  it('azure.parameters.json placeholders come from env/.env.dev, or are documented SECRET_ values', () => {
    const names = listPlaceholders(JSON.parse(read('infra/azure.parameters.json')) as JsonValue);
    const envText = read('env/.env.dev');
    const env = parseEnvFile(envText);
    for (const name of names) {
      if (name.startsWith('SECRET_')) expect(envText).toMatch(new RegExp(`^#\\s+${name}\\s`, 'm'));
      else expect(env.has(name), name).toBe(true);
    }
  });

  it('the Azure project provisions, packages and deploys in the toolkit order', () => {
    const yaml = read('m365agents.yml');
    const [provision = '', rest = ''] = yaml.split(/^deploy:$/m);
    const [deploy = '', publish = ''] = rest.split(/^publish:$/m);
    expect(uses(provision)).toEqual([
      'teamsApp/create',
      'arm/deploy',
      'teamsApp/validateManifest',
      'teamsApp/zipAppPackage',
      'teamsApp/validateAppPackage',
      'teamsApp/update',
    ]);
    expect(uses(deploy)).toEqual(['cli/runNpmCommand', 'cli/runNpmCommand', 'azureAppService/zipDeploy']);
    expect(uses(publish)).toContain('teamsApp/publishAppPackage');
    for (const path of [
      ...yaml.matchAll(/(?:path|parameters|manifestPath|ignoreFile):\s+(\.\/?[\w./-]+)/g),
    ].map((m) => m[1]!)) {
      expect(existsSync(join(root, path)), path).toBe(true);
    }
  });

  it('the local project registers a bot on the tunnel and writes .localConfigs; the playground one installs nothing', () => {
    const local = read('m365agents.local.yml');
    expect(uses(local).slice(0, 3)).toEqual(['teamsApp/create', 'aadApp/create', 'botFramework/create']);
    expect(local).toContain('messagingEndpoint: ${{BOT_ENDPOINT}}/api/messages');
    expect(local).toContain('target: ./.localConfigs');
    const playground = read('m365agents.playground.yml');
    expect(uses(playground)).toEqual(['cli/runNpmCommand', 'file/createOrUpdateEnvironmentFile']);
    expect(playground).toContain('target: ./.localConfigs.playground');
    expect(existsSync(join(root, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js'))).toBe(true);
  });
});
