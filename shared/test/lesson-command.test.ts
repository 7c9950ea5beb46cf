// `pnpm lesson <NN or part of a name>`: pnpm --filter silently matches nothing on a partial name, so
// the root command resolves exactly one lesson or says which lessons there are.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listLessons, resolveLesson } from '../../tools/lesson';

const lessons = listLessons(path.resolve(import.meta.dirname, '../..'));

describe('pnpm lesson', () => {
  it('finds the lessons by number, full name and a unique part', () => {
    expect(lessons).toContain('05-fanout-vs-queue');
    expect(resolveLesson('5', lessons)).toEqual({ lesson: '05-fanout-vs-queue' });
    expect(resolveLesson('05', lessons)).toEqual({ lesson: '05-fanout-vs-queue' });
    expect(resolveLesson('05-fanout', lessons)).toEqual({ lesson: '05-fanout-vs-queue' });
    expect(resolveLesson('FANOUT', lessons)).toEqual({ lesson: '05-fanout-vs-queue' });
    expect(resolveLesson('04-queue-groups', lessons)).toEqual({ lesson: '04-queue-groups' });
  });

  it('refuses no match and an ambiguous one, listing what there is', () => {
    const none = resolveLesson('kafka', lessons);
    expect(none).toEqual({ error: `no lesson matches "kafka"; lessons: ${lessons.join(', ')}` });
    const two = resolveLesson('re', ['02-redis-list', '08-restart-drill', '09-http-api']);
    expect(two).toEqual({ error: '"re" matches 2 lessons (02-redis-list, 08-restart-drill); name one of them' });
    expect(resolveLesson('42', lessons)).toMatchObject({ error: expect.stringContaining('no lesson matches "42"') });
  });
});
