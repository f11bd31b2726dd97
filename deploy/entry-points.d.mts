export declare const ENTRY_POINTS: Record<string, string>;
