// Which nats-server the private test servers run (NATS_SERVER_BIN or the machine's), read once
// from the binary, so a test of a newer server's feature can skip on an older one and say why.
import { versionAtLeast } from '@mq/shared';
import { natsBinaryVersion } from '@mq/shared/services';

export const TEST_SERVER_VERSION = natsBinaryVersion() ?? '0.0.0';

/** True when the test server is older than `min`; prints once why the tests that need it skip. */
export function needsServer(min: string, feature: string): boolean {
  if (versionAtLeast(TEST_SERVER_VERSION, min)) return false;
  console.warn(`skipped: ${feature} needs nats-server ${min}+, the test server is ${TEST_SERVER_VERSION} (NATS_SERVER_BIN=$(pnpm -s nats:fetch | tail -1) runs them)`);
  return true;
}
