import { existsSync } from 'node:fs';

/**
 * Where the browser tests find Chromium: Debian's `chromium` package (`/usr/bin/chromium`), or CHROMIUM_PATH.
 * Under CI=true a missing browser fails the run (.ci/run installs it first); on a developer's machine the
 * browser tests skip, saying how to install it.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const INSTALL_CHROMIUM =
  'install Chromium to run them: sudo apt-get install -y chromium (or set CHROMIUM_PATH)';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export function browserTestsRun(file: string): boolean {
  if (chromiumAvailable()) return true;
  if (process.env.CI === 'true') return true; // and the launch fails the run, naming the path
  console.warn(`${file}: skipped, no Chromium at ${CHROMIUM_PATH} — ${INSTALL_CHROMIUM}`);
  return false;
}
