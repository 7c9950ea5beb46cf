// "Create the stream on first use" (seed 002): derive the stream from the subject's first token
// and create it with the given template if it does not exist yet.
import type { JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import { isApiError } from '../orders-stream';
import { streamNameForSubject } from './names';

export async function ensureStreamForSubject(jsm: JetStreamManager, subject: string, template: Partial<StreamConfig> = {}): Promise<string> {
  const name = streamNameForSubject(subject);
  try {
    await jsm.streams.info(name);
  } catch (err) {
    if (!isApiError(err, 10059)) throw err;
    const first = subject.split('.')[0];
    await jsm.streams.add({ ...template, name, subjects: [`${first}.>`] });
  }
  return name;
}
