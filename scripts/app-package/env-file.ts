/**
 * Reads the Agents Toolkit environment files (`env/.env.<name>`): dotenv syntax, `KEY=value` per line,
 * `#` comments, optional single or double quotes around the value.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ENV_NAME = /^[a-z0-9][a-z0-9_-]*$/i;
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseEnvFile(text: string, source = 'env file'): Map<string, string> {
  const values = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const eq = trimmed.indexOf('=');
    const key = (eq < 0 ? trimmed : trimmed.slice(0, eq)).replace(/^export\s+/, '').trim();
    if (eq < 0 || !KEY.test(key)) throw new Error(`${source}:${index + 1}: expected KEY=value`);
    let value = trimmed.slice(eq + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
    } else {
      // An unquoted value ends at an inline comment (" #").
      const hash = value.search(/\s#/);
      if (hash >= 0) value = value.slice(0, hash).trimEnd();
    }
    values.set(key, value);
  });
  return values;
}

/** Path of `env/.env.<envName>` under the project root; rejects names that could escape the folder. */
export function envFilePath(projectRoot: string, envName: string): string {
  if (!ENV_NAME.test(envName)) throw new Error(`invalid environment name: ${JSON.stringify(envName)}`);
  return join(projectRoot, 'env', `.env.${envName}`);
}

export function loadEnvFile(projectRoot: string, envName: string): Map<string, string> {
  const path = envFilePath(projectRoot, envName);
  if (!existsSync(path)) {
    throw new Error(
      `environment file env/.env.${envName} not found (create it, or run the toolkit's provision step)`,
    );
  }
  return parseEnvFile(readFileSync(path, 'utf8'), `env/.env.${envName}`);
}
