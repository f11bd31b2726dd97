export { loadSystemConfig, type SystemConfig, SystemEnv } from './config.ts';
export { type RunningSystem, type SystemOptions, startSystem } from './system.ts';
export { type Simulators, startSimulators, type ToolEndpoints } from './tools.ts';
