/**
 * Loads the provisioning configuration file (JSON) and validates it against the tenant's subscribed
 * SKUs. Start-up fails with the list of unknown SKUs and service plans.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseProvisioningConfig, resolveMapping, type ResolvedMapping } from '../core/provision/index.js';
import type { Licences } from '../core/ports/licences.js';

/** The mapping used in sandbox mode when no file is configured (matches the seeded SKUs). */
export const sandboxMappingPath =
  ['../../config/', '../../../config/']
    .map((dir) => fileURLToPath(new URL(`${dir}provisioning.sandbox.json`, import.meta.url)))
    .find((path) => existsSync(path)) ?? 'config/provisioning.sandbox.json';

export async function loadProvisioningMapping(
  path: string,
  licences: Pick<Licences, 'listSubscribedSkus'>,
): Promise<ResolvedMapping> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot read the provisioning configuration ${path}: ${message}`, { cause: error });
  }
  const config = parseProvisioningConfig(raw, `provisioning configuration ${path}`);
  return resolveMapping(config, await licences.listSubscribedSkus());
}
