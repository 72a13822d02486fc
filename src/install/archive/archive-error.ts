/**
 * The one error the archive readers raise: something is wrong with an archive's contents (not
 * with its download). The download step wraps it with the URL it came from.
 */
export class ArchiveError extends Error {}
