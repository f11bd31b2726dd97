import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The tools' real contracts, copied unmodified into packages/simulators/contracts: Aloware deliveries, REST
 * examples, GHL's webhook pages with their JSON examples.
 */
export const FIXTURES_DIR = join(import.meta.dirname, '../../simulators/contracts');

export const alowareFixtureFiles = (): string[] =>
  readdirSync(join(FIXTURES_DIR, 'aloware')).filter((file) => file.endsWith('.json'));

export function alowareFixture(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'aloware', file), 'utf8'));
}

/** Every Aloware webhook delivery (the test ping excluded). */
export function alowareDeliveries(): Array<{ name: string; body: Record<string, unknown> }> {
  return alowareFixtureFiles()
    .filter((file) => file !== 'test-payload.json')
    .map((name) => ({ name, body: alowareFixture(name) }));
}

/** The example payloads (```json blocks, not the schemas) of every GHL webhook page. */
export function ghlExamples(): { file: string; index: number; body: Record<string, unknown> }[] {
  const dir = join(FIXTURES_DIR, 'ghl', 'webhook-events');
  return readdirSync(dir).flatMap((file) => {
    const markdown = readFileSync(join(dir, file), 'utf8');
    return [...markdown.matchAll(/```json\n([\s\S]*?)```/g)].map((match, index) => ({
      file,
      index,
      body: JSON.parse(match[1] ?? ''),
    }));
  });
}

export function ghlExample(file: string, index = 0): Record<string, unknown> {
  const example = ghlExamples().find((e) => e.file === file && e.index === index);
  if (!example) throw new Error(`no example ${index} in ${file}`);
  return structuredClone(example.body);
}
