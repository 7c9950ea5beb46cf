// The Try section's `worker -- --reset` tells the learner what it found: the try keys it removed,
// or that there was nothing to remove (after a Ctrl-C, the worker already cleaned up).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { programArgv } from '@mq/shared/services';
import { privateRedisFixture, type RedisFixture } from '@mq/shared/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

const PACKAGE_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
let fx: RedisFixture;
beforeAll(async () => {
  fx = await privateRedisFixture();
});
afterAll(async () => {
  await fx?.dispose();
});

const reset = async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [...programArgv(path.join('src', 'cli', 'worker.ts'), PACKAGE_DIR), '--reset'], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, REDIS_URL: fx.url, MQ_LEARNER: '' },
  });
  return stdout.trim();
};

it('--reset names the keys it removed, and says so when there were none', async () => {
  await fx.redis.lpush('l02:try:email', 'email:ORD-0001');
  expect(await reset(), 'what --reset says with a queued task').toBe('removed l02:try:email');
  expect(await fx.redis.exists('l02:try:email'), 'l02:try:email after --reset').toBe(0);
  expect(await reset(), 'what --reset says with nothing there').toBe(
    'nothing to remove (l02:try:email, l02:try:email:processing, l02:try:email:claimed-at, l02:try:email:owner do not exist)',
  );
}, 20_000);
