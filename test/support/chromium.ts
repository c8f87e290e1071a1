/**
 * Debian's Chromium for browser tests, driven by playwright-core.
 *
 * `/usr/bin/chromium` is used as it is; when it (or the colour emoji font the cards' step markers
 * need) is missing, it is installed with apt-get (tests run as root on CI). Every launch gets a fresh
 * profile: playwright's `launch()` passes its own temporary `--user-data-dir` and deletes it on close,
 * and each `newContext()` is an isolated browser profile on top of it (separate storage and cookies).
 * Requests to anything but the local machine are aborted, so a test never reaches the internet (the
 * Agents Playground asks a CDN for fonts and animations; it works without them).
 *
 * `tryLaunchChromium` reports a skip reason when Chromium can't be installed or started, except with
 * CI=true, where it throws so the run fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Any http(s) URL whose host is not localhost or 127.0.0.1. */
export const NON_LOCAL_URL = /^https?:\/\/(?!(?:localhost|127\.0\.0\.1)(?::\d+)?(?:\/|$))/;

const EMOJI_FONT = '/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf';

export type ChromiumLaunch = { browser: Browser } | { skipReason: string };

function aptInstall(packages: string[]): { ok: boolean; output: string } {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]) => spawnSync('apt-get', args, { encoding: 'utf8', timeout: 900_000, env });
  let result = run(['install', '-y', '--no-install-recommends', ...packages]);
  if (result.status !== 0) {
    // A fresh machine has no package lists yet.
    run(['update']);
    result = run(['install', '-y', '--no-install-recommends', ...packages]);
  }
  return {
    ok: result.status === 0,
    output: `${result.error?.message ?? ''}${result.stderr ?? ''}`.slice(-1500),
  };
}

/** Installs Chromium and the emoji font with apt-get when they are missing; throws when that fails. */
export function ensureChromiumInstalled(): void {
  const missing = [
    ...(existsSync(CHROMIUM_PATH) ? [] : ['chromium']),
    ...(existsSync(EMOJI_FONT) ? [] : ['fonts-noto-color-emoji']),
  ];
  if (missing.length === 0) return;
  const install = aptInstall(missing);
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing and apt-get could not install it: ${install.output}`);
  }
  // Without the font the emoji render as boxes: ugly screenshots, but the tests still work.
}

/** Launches headless Chromium (installing it first when needed). */
export async function launchChromium(): Promise<Browser> {
  ensureChromiumInstalled();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    timeout: 60_000,
  });
}

/** Like `launchChromium`, but returns a skip reason instead of throwing, unless CI=true. */
export async function tryLaunchChromium(): Promise<ChromiumLaunch> {
  try {
    return { browser: await launchChromium() };
  } catch (error) {
    const reason = `Chromium could not be started: ${error instanceof Error ? error.message : String(error)}`;
    if (process.env['CI'] === 'true') throw new Error(reason);
    return { skipReason: reason };
  }
}

/** A new isolated browser profile whose requests can only reach the local machine. */
export async function newLocalContext(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 1100 },
    locale: 'en-US',
    timezoneId: 'UTC',
    ...options,
  });
  await context.route(NON_LOCAL_URL, (route) => route.abort());
  return context;
}
