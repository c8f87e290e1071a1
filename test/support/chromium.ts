/**
 * Debian's Chromium for browser tests, driven by playwright-core.
 *
 * `/usr/bin/chromium` is used as it is; when it (or a font the cards need) is missing, it is
 * installed with apt-get (tests run as root on CI; the package list is in system-packages.ts). Every launch gets a fresh
 * profile: playwright's `launch()` passes its own temporary `--user-data-dir` and deletes it on close,
 * and each `newContext()` is an isolated browser profile on top of it (separate storage and cookies).
 * Requests to anything but the local machine are aborted, so a test never reaches the internet (the
 * Agents Playground asks a CDN for fonts and animations; it works without them).
 *
 * `tryLaunchChromium` reports a skip reason when Chromium can't be installed or started, except with
 * CI=true, where it throws so the run fails.
 */
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import { CHROMIUM_COMPONENT, CHROMIUM_PATH, ensureComponent } from './system-packages.js';

export { CHROMIUM_PATH };

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

export type ChromiumLaunch = { browser: Browser } | { skipReason: string };

/** Installs Chromium and its fonts with apt-get when any is missing; throws when that fails. */
export function ensureChromiumInstalled(): void {
  ensureComponent(CHROMIUM_COMPONENT);
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
