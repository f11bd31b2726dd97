import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from './processes.ts';

function majorVersion(java: string): number | undefined {
  const run = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${run.stderr}${run.stdout}`);
  if (!match) return undefined;
  // Java 8 and older report "1.8"
  return match[1] === '1' ? Number(match[2]) : Number(match[1]);
}

/**
 * A `java` binary of at least `minMajor`: the one named by `envVar`, then JAVA_HOME, then the PATH,
 * then any JDK under /usr/lib/jvm (Debian puts a second JDK there, and Apicurio 3.3 needs Java 21+).
 */
export function findJava(minMajor: number, envVar: string): string {
  const candidates: string[] = [];
  for (const home of [process.env[envVar], process.env.JAVA_HOME]) {
    if (home) candidates.push(join(home, 'bin', 'java'));
  }
  candidates.push('java');
  if (existsSync('/usr/lib/jvm')) {
    for (const dir of readdirSync('/usr/lib/jvm').sort().reverse())
      candidates.push(join('/usr/lib/jvm', dir, 'bin', 'java'));
  }
  for (const java of candidates) {
    const major = majorVersion(java);
    if (major !== undefined && major >= minMajor) return java;
  }
  throw new StackError(`Java ${minMajor}+ not found: install a JDK ${minMajor} or set ${envVar} to one`);
}

/** Runs Maven (the only download path: artifacts come from Maven Central and stay in ~/.m2). */
export function maven(args: string[]): void {
  if (spawnSync('mvn', ['-v'], { encoding: 'utf8' }).status !== 0) {
    throw new StackError(
      'Maven (mvn) not found: install Maven 3.8+ to download Kafka and the schema registry once',
    );
  }
  try {
    execFileSync('mvn', ['-B', '-q', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const out =
      error instanceof Error && 'stdout' in error ? String(error.stdout).slice(-2000) : String(error);
    throw new StackError(`Maven could not fetch the artifacts (is Maven Central reachable?):\n${out}`);
  }
}

/** Fully qualified: Maven 3.8's super-POM would otherwise pick the 2.8 dependency plugin. */
export const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
