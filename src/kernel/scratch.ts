/**
 * Folders this process is writing outside its run's own scratch folder (a root-only download in
 * the interpreter store's incoming folder): a signal's way out removes them with the rest
 * (faces/signals.ts), and the code that made one drops it here when it removes it itself.
 */
const live = new Set<string>()

export function holdScratch(dir: string): void {
  live.add(dir)
}

export function dropScratch(dir: string): void {
  live.delete(dir)
}

/** The folders held now. */
export function heldScratch(): string[] {
  return [...live]
}
