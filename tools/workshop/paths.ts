// Where the workshop lives on disk. The repo root is found from this file, so `pnpm verify` works
// from any folder; WORKSHOP_ROOT points the runner at another checkout (the runner's own tests use a
// throwaway git repository with a fixture exercise).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout this runner belongs to (where node_modules and tsx live). */
export const TOOLS_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The checkout whose exercises and .workshop/ state the runner works on. */
export function workshopRoot(): string {
  return process.env.WORKSHOP_ROOT ? path.resolve(process.env.WORKSHOP_ROOT) : TOOLS_ROOT;
}

export const STATE_DIR = '.workshop';
