// Where the browser test finds its browser: Debian's chromium (apt package `chromium`), or
// CHROMIUM_BIN. Missing is a failure with the fix in one sentence, never a silent skip.
import fs from 'node:fs';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
];

export function chromiumPath(): string {
  const bin = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
  if (!fs.existsSync(bin)) {
    throw new Error(`The console's browser test needs chromium at ${bin}: install it with \`sudo apt-get install -y chromium\` (or set CHROMIUM_BIN).`);
  }
  return bin;
}
