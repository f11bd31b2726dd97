import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS_PREFIX } from '@df/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './service-process.ts';
import { startTestSystem, type TestSystem } from './system-harness.ts';

const rules = parse(readFileSync(join(REPO_ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')) as {
  groups: Array<{ rules: Array<{ alert: string; expr: string; labels: { severity: string } }> }>;
};
const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/grafana/df-middleware.json'), 'utf8')) as {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
};

// Our metrics carry the application prefix (METRICS_PREFIX); the older bare families are matched too, so a
// rule still naming one fails. Anything else in an expression is PromQL or Prometheus' own (`up`).
const OURS = /\b(?:df|consumer|tool|ingress|ghl)_[a-z0-9_]+\b/g;
const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;
const referenced = (expr: string) => [...expr.matchAll(OURS)].map((m) => m[0]);

let system: TestSystem;
let exposition: string;
beforeAll(async () => {
  system = await startTestSystem();
  const response = await fetch(`${system.ingressUrl}/metrics`, {
    headers: { authorization: `Bearer ${system.operatorToken}` },
  });
  expect(response.status).toBe(200);
  exposition = await response.text();
});
afterAll(() => system.stop());

/** Declared by a scrape of the whole system: its `# TYPE` line (histogram series by their family). */
const exists = (name: string) => exposition.includes(`# TYPE ${name.replace(HISTOGRAM_SERIES, '')} `);

describe('alert rules and dashboard', () => {
  it('every alert rule has a severity and references only metrics the running system exposes', () => {
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'ConsumerLagGrowing',
        'DeadLettersAppearing',
        'KeysParked',
        'GhlDailyBudgetAlmostSpent',
        'WebhookAuthFailures',
        'SpoolNotDraining',
      ]),
    );
    for (const rule of all) {
      expect(['info', 'warning', 'critical']).toContain(rule.labels.severity);
      for (const name of referenced(rule.expr)) expect(exists(name), `${rule.alert}: ${name}`).toBe(true);
    }
  });

  it('every dashboard panel queries only metrics the running system exposes', () => {
    const names = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => referenced(t.expr)));
    expect(names.length).toBeGreaterThan(20);
    for (const panel of dashboard.panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets)
        for (const name of referenced(target.expr))
          expect(exists(name), `${panel.title}: ${name}`).toBe(true);
    }
  });

  it('every metric the system exposes carries the one application prefix', () => {
    const families = [...exposition.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
    expect(families.length).toBeGreaterThan(40);
    expect(families.filter((name) => !name.startsWith(METRICS_PREFIX))).toEqual([]);
  });

  it('the lag the rules watch has a series per partition of each running group', () => {
    expect(exposition).toMatch(
      /^df_consumer_lag\{group="[^"]+contact-sync",topic="[^"]+",partition="1"\} \d+$/m,
    );
  });
});
