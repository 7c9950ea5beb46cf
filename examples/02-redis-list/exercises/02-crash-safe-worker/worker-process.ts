// The worker process the check of 02-crash-safe-worker starts (twice): it loads the file under
// test and calls its processNext in a loop. With --hang-first it prints "TOOK <task>" inside the
// first handle() and never finishes it, so the check can SIGKILL it mid-task. Every finished
// handle() counts the task in the hash <queue>:done.
import { pathToFileURL } from 'node:url';
import { connectRedis, delay } from '@mq/shared';
import { describeThrown } from '@mq/shared/workshop';

const [modulePath, url, queue, worker, mode] = process.argv.slice(2);
const redis = connectRedis(url);
try {
  const { processNext } = await import(pathToFileURL(modulePath).href);
  if (typeof processNext !== 'function') throw new Error('the file does not export a function processNext');
  let hung = false;
  const handle = async (task: string) => {
    if (mode === 'hang-first' && !hung) {
      hung = true;
      console.log(`TOOK ${task}`);
      await new Promise(() => {}); // "sending the email": killed in here
    }
    await redis.hincrby(`${queue}:done`, task, 1);
  };
  console.log('READY');
  for (;;) {
    if (!(await processNext(redis, queue, worker, handle))) await delay(20);
  }
} catch (err) {
  console.log(`ERROR ${describeThrown(err)}`);
  redis.disconnect();
  process.exitCode = 1;
}
