// Lesson scopes: the names each lesson may create on a shared server, and the patterns `pnpm reset`
// removes. Two lessons, an exercise and two learners must never produce the same name.
import { describe, expect, it } from 'vitest';
import { lessonScope, SCOPED_DATABASE, SCOPED_KEY, SCOPED_STREAM } from '../src/index';

describe('lessonScope', () => {
  it('names a lesson\'s stream, subjects, keys and databases after the lesson', () => {
    const s = lessonScope('03', 'lesson', '');
    expect([s.stream('ORDERS'), s.subject('order.email'), s.key('queue:email'), s.database]).toEqual([
      'L03_ORDERS', 'l03.order.email', 'l03:queue:email', 'l03_',
    ]);
    expect(s.label('ORDERS')).toBe("ORDERS (lesson 03's copy: L03_ORDERS)");
  });

  it('gives an exercise check names of its own', () => {
    const s = lessonScope('03', 'exercise', '');
    expect([s.stream('ORDERS'), s.subject('order.email'), s.key('q'), s.database]).toEqual(['X03_ORDERS', 'x03.order.email', 'x03:q', 'x03_']);
  });

  it('tags every name with MQ_LEARNER, so learners on one server never collide', () => {
    const ana = lessonScope('04', 'lesson', 'Ana');
    const bo = lessonScope('04', 'lesson', 'bo');
    expect([ana.stream('ORDERS'), ana.subject('order.email'), ana.key('q'), ana.database]).toEqual([
      'L04_ANA_ORDERS', 'l04.ana.order.email', 'l04:ana:q', 'l04_ana_',
    ]);
    expect(bo.stream('ORDERS')).not.toBe(ana.stream('ORDERS'));
    expect(ana.label('ORDERS')).toBe("ORDERS (lesson 04's (ana) copy: L04_ANA_ORDERS)");
  });

  it('refuses a learner tag that would break a subject or a stream name', () => {
    for (const bad of ['a.b', 'x*', 'has space', '9lives', 'a>']) {
      expect(() => lessonScope('04', 'lesson', bad), `MQ_LEARNER=${bad}`).toThrow(/MQ_LEARNER must be a short name/);
    }
  });

  it('makes names that pnpm reset finds, and nothing else matches', () => {
    for (const s of [lessonScope('01', 'lesson', ''), lessonScope('09', 'exercise', ''), lessonScope('02', 'lesson', 'ana')]) {
      expect(s.stream('ORDERS'), s.stream('ORDERS')).toMatch(SCOPED_STREAM);
      expect(s.key('q'), s.key('q')).toMatch(SCOPED_KEY);
      expect(`${s.database}tasks`).toMatch(SCOPED_DATABASE);
    }
    for (const story of ['ORDERS', 'DLQ', 'KV_x', 'orders:queue']) {
      expect(story, `${story} belongs to no lesson scope`).not.toMatch(SCOPED_STREAM);
      expect(story).not.toMatch(SCOPED_KEY);
    }
  });
});

describe('scopedNames', () => {
  it('with MQ_LEARNER, matches that learner\'s names only', async () => {
    const { scopedNames } = await import('../src/index');
    const ana = scopedNames('ana');
    const mine = lessonScope('03', 'lesson', 'ana');
    const theirs = lessonScope('03', 'lesson', 'bo');
    const plain = lessonScope('03', 'lesson', '');
    expect(mine.stream('ORDERS')).toMatch(ana.stream);
    expect(`${mine.database}tasks`).toMatch(ana.database);
    expect(mine.key('q')).toMatch(ana.key);
    for (const other of [theirs, plain]) {
      expect(other.stream('ORDERS'), `ana's reset must spare ${other.stream('ORDERS')}`).not.toMatch(ana.stream);
      expect(other.key('q'), `ana's reset must spare ${other.key('q')}`).not.toMatch(ana.key);
    }
    expect(scopedNames('').stream).toBe(SCOPED_STREAM);
  });
});
