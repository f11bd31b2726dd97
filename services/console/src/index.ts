export { createConsoleApp } from './app.ts';
export { type ConsoleConfig, loadConsoleSettings } from './config.ts';
export type { ConsoleDeps, GhlBudget } from './deps.ts';
export { type RunningConsole, startConsole } from './server.ts';
