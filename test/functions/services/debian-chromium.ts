import { chromium, type Browser } from 'playwright-core';

/** Debian's headless Chromium (`apt-get install chromium`), never a downloaded browser, on this closed network. */
export function launchDebianChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}
