import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

const ENSURE = fileURLToPath(new URL('../../../scripts/ensure-chromium.sh', import.meta.url));

/**
 * Debian's chromium, installed by scripts/ensure-chromium.sh when missing (CI runs on a clean machine), driven
 * headless through playwright-core (which downloads no browser of its own).
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath =
    process.env.CHROMIUM_PATH ??
    execFileSync('bash', [ENSURE], { encoding: 'utf8', timeout: 600_000 }).trim();
  return chromium.launch({
    executablePath,
    headless: true,
    // Running as root in CI containers: chromium's sandbox needs user namespaces it may not get there.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}
