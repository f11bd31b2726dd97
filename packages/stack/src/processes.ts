import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A failure the user can fix; the CLI prints its message as one line, without a stack trace. */
export class StackError extends Error {}

export function isPortOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid this stack recorded for a server, if that process is still running. A stale pid file is removed. */
export function runningPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return pid;
  rmSync(pidFile, { force: true });
  return undefined;
}

/** Starts a long-running server detached from this process, its output in `logFile`, its pid in `pidFile`. */
export function startDetached(
  command: string,
  args: string[],
  opts: { logFile: string; pidFile: string; cwd?: string },
) {
  const out = openSync(opts.logFile, 'w');
  const child = spawn(command, args, { cwd: opts.cwd, detached: true, stdio: ['ignore', out, out] });
  child.unref();
  if (child.pid === undefined) throw new StackError(`could not start ${command}`);
  writeFileSync(opts.pidFile, String(child.pid));
  return child.pid;
}

/** SIGTERM (a controlled shutdown), then SIGKILL if the process outlives the grace period. */
export async function stopProcess(pidFile: string, graceMs = 20_000): Promise<boolean> {
  const pid = runningPid(pidFile);
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(pidFile, { force: true });
  return true;
}

export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; stillRunning?: () => boolean; logFile?: string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    if (opts.stillRunning && !opts.stillRunning()) {
      throw new StackError(`${what} exited during start-up; see ${opts.logFile ?? 'its log'}`);
    }
    await sleep(250);
  }
  throw new StackError(
    `${what} was not ready after ${opts.timeoutMs / 1000} s; see ${opts.logFile ?? 'its log'}`,
  );
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
