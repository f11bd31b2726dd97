export { repoRoot, type StackConfig, stackConfig } from './config.ts';
export { StackError } from './processes.ts';
export { type ServerStatus, stackDown, stackStatus, stackUp } from './stack.ts';
