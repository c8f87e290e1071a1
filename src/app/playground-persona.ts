/**
 * The Agents Playground's UI acts as one user, the config's `currentUser`. `PLAYGROUND_USER=<upn>`
 * makes `npm run dev` start it as another persona of `.m365agentsplayground.yml` (the approver, the
 * manager…), by writing a copy of the config with that persona swapped into `currentUser`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

interface PlaygroundUser {
  id?: string;
  aadObjectId?: string;
  userPrincipleName?: string;
  [key: string]: unknown;
}

interface PlaygroundConfig {
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  [key: string]: unknown;
}

/** Returns the config path to use, or throws with the personas one can choose. */
export function playgroundConfigFor(
  projectRoot: string,
  userPrincipalName: string | undefined,
  workDir: string,
): string {
  const path = join(projectRoot, '.m365agentsplayground.yml');
  if (!userPrincipalName) return path;
  const config = parse(readFileSync(path, 'utf8')) as PlaygroundConfig;
  const wanted = userPrincipalName.toLowerCase();
  if (config.currentUser.userPrincipleName?.toLowerCase() === wanted) return path;
  const index = config.users.findIndex((u) => u.userPrincipleName?.toLowerCase() === wanted);
  const persona = config.users[index];
  if (!persona) {
    const known = [config.currentUser, ...config.users].map((u) => u.userPrincipleName).join(', ');
    throw new Error(`PLAYGROUND_USER ${userPrincipalName} is not a persona; choose one of: ${known}`);
  }
  const users = [...config.users];
  users[index] = config.currentUser;
  const swapped = stringify({ ...config, currentUser: persona, users });
  const target = join(workDir, '.m365agentsplayground.yml');
  writeFileSync(target, swapped, 'utf8');
  return target;
}

/**
 * Entra object id → the persona's playground id, for every persona of a config. The playground creates
 * 1:1 chats only with members it knows by that id; Teams takes the object id as it is.
 */
export function playgroundMemberIds(configPath: string): Map<string, string> {
  const config = parse(readFileSync(configPath, 'utf8')) as PlaygroundConfig;
  const ids = new Map<string, string>();
  for (const user of [config.currentUser, ...config.users]) {
    if (user.aadObjectId && user.id) ids.set(user.aadObjectId.toLowerCase(), user.id);
  }
  return ids;
}
