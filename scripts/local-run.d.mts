/** Types of scripts/local-run.mjs, which stays plain Node: it also runs inside the emulated arm64 machine. */

/** The inputs of action.yml with their defaults. */
export declare function actionDefaults(text: string): Record<string, string>

/** Parses a GITHUB_OUTPUT / GITHUB_STATE file: `name<<DELIM` blocks and plain `name=value` lines. */
export declare function parseFileCommands(text: string): Record<string, string>
