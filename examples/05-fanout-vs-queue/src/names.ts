// Why this file exists: lesson 05's names on the shared server (L05_*, l05.*), used by the demo's
// scenes and removed by main.ts at the end and on Ctrl-C.
import { lessonScope } from '@mq/shared';

export const SCOPE = lessonScope('05');
export const STREAM = SCOPE.stream('MODES');
export const SUBJECT = SCOPE.subject('modes.demo');
export const WQ_STREAM = SCOPE.stream('MODES_WQ');
