export { type ConsoleConfig, loadConsoleSettings } from './config.ts';
