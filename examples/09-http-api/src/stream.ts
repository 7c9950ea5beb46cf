// "Make sure the stream exists" without trampling it: create it with the story's ORDERS config if
// it is missing, otherwise adopt it as it is. (shared ensureStream() would *update* an existing
// stream to our config, which could break another lesson's ORDERS on the same server.)
import type { JetStreamManager, StreamConfig, StreamInfo } from '@nats-io/jetstream';
import { isApiError, ordersStreamConfig } from '@mq/shared';

export async function adoptOrCreateStream(jsm: JetStreamManager, name: string, createWith: Partial<StreamConfig> = ordersStreamConfig()): Promise<StreamInfo> {
  try {
    return await jsm.streams.info(name);
  } catch (err) {
    if (!isApiError(err, 10059)) throw err; // 10059: stream not found
    try {
      return await jsm.streams.add({ ...createWith, name });
    } catch (addErr) {
      if (isApiError(addErr, 10058)) return jsm.streams.info(name); // created meanwhile by another process
      throw addErr;
    }
  }
}
