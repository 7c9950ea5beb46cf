// pnpm --filter console screenshot: remakes docs/console.png, the console during lesson 04's crash
// drill (worker 3 is a real process, SIGKILLed while it holds unacked orders; workers 1 and 2 get
// them again after AckWait). Private nats-server, chromium as in the browser test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { delay, runMain, parseFlags } from '@mq/shared';
import { PrivateNatsServer } from '@mq/shared/services';
import { crashDrill } from '../../../examples/04-queue-groups/src/scene-crash';
import { CHROMIUM_FLAGS, chromiumPath } from '../chromium';
import { startConsole } from '../server';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'console.png');

runMain(async () => {
  parseFlags('Usage: pnpm --filter console screenshot', {});
  process.env.npm_package_name = '04-queue-groups'; // the drill's workers report as lesson 04, as under `pnpm --filter 04-queue-groups start`
  const server = await PrivateNatsServer.start({ monitor: true });
  const c = await startConsole({ natsUrl: server.url, monitorUrl: server.monitorUrl, port: 0, intervalMs: 200 });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mq-console-shot-'));
  const viewport = { width: 1280, height: 600 };
  const executablePath = chromiumPath();
  const browser = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_FLAGS, viewport });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(c.url);
    // The picture is taken mid-drill: just after the survivors got worker 3's orders again.
    let shot: Promise<unknown> | undefined;
    const onNote = (_at: number, _who: string, what: string) => {
      if (what.includes('(redelivered)')) shot ??= delay(400).then(() => page.screenshot({ path: OUT }));
    };
    const crash = await crashDrill({
      url: server.url,
      stream: 'QG_CRASH',
      subject: 'qg_crash.email',
      durable: 'email-workers',
      orders: 60,
      workMs: 60,
      victimBatch: 4,
      ackWaitMs: 1_500,
      onNote,
    });
    await (shot ?? page.screenshot({ path: OUT }));
    await crash.stopped;
    console.log(`wrote ${path.relative(process.cwd(), OUT)} (${crash.redelivered.length} redelivered after worker 3's SIGKILL)`);
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
    await c.close();
    await server.dispose();
  }
});
