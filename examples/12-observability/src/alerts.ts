// Alerts with a memory: a rule fires on the first sample above its threshold and clears on the
// first sample back at or below it, once each, so a metric hovering above the line pages once,
// not on every sample. Each transition keeps the sample that caused it, so "when and why" can be
// printed and tested with numbers.
import type { Thresholds } from './thresholds';

export type Metric = 'pending' | 'latencyMs' | 'retries';

export interface Sample {
  /** ms since the load started. */
  atMs: number;
  pending: number;
  ackPending: number;
  redelivered: number;
  ackFloor: number;
  streamBytes: number;
  latencyMs: number;
  retries: number;
}

export interface Transition {
  metric: Metric;
  kind: 'fired' | 'cleared';
  atMs: number;
  value: number;
  threshold: number;
  /** The sample before, on the other side of the line. */
  previous: number;
}

export const ALERT_TEXT: Record<Metric, string> = {
  pending: 'backlog: add consumers',
  latencyMs: 'slow processing: find the bottleneck',
  retries: 'a message keeps failing: read the business logic',
};

export class AlertBoard {
  readonly transitions: Transition[] = [];
  private readonly firing = new Set<Metric>();
  private last?: Sample;

  constructor(readonly thresholds: Thresholds) {}

  // #region look-alert
  /** Feed one sample; returns the transitions it caused. */
  evaluate(s: Sample): Transition[] {
    const out: Transition[] = [];
    for (const metric of Object.keys(this.thresholds) as Metric[]) {
      const threshold = this.thresholds[metric];
      const above = s[metric] > threshold;
      if (above === this.firing.has(metric)) continue;
      if (above) this.firing.add(metric);
      else this.firing.delete(metric);
      out.push({ metric, kind: above ? 'fired' : 'cleared', atMs: s.atMs, value: s[metric], threshold, previous: this.last?.[metric] ?? 0 });
    }
    this.last = s;
    this.transitions.push(...out);
    return out;
  }
  // #endregion look-alert

  isFiring(metric: Metric): boolean {
    return this.firing.has(metric);
  }
}
