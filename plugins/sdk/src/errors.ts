/**
 * Thrown by an importer when the INPUT is wrong, not the plugin (a damaged file, a missing label, a
 * malformed line): Lamina reports it as the user's input error (exit code 2, nothing imported, with
 * file, line and column when given) and does NOT disable the plugin, as it does for any other
 * exception (plugin API ≥ 1.1.0). Recognised by its name and `laminaInputError` flag, so a copy
 * bundled into the plugin works too.
 */
export class ImportInputError extends Error {
  readonly laminaInputError = true;
  constructor(
    message: string,
    readonly location: { file?: string; line?: number; column?: number | string } = {},
  ) {
    super(message);
    this.name = 'ImportInputError';
  }
}

/** True for an ImportInputError, also one from another bundled copy of the SDK. */
export function isImportInputError(e: unknown): e is ImportInputError {
  return e instanceof Error && (e.name === 'ImportInputError' || (e as { laminaInputError?: unknown }).laminaInputError === true);
}

/**
 * Thrown by a command when its ARGUMENTS are wrong (an unknown user, a missing --arg): Lamina reports
 * it as the user's input error (exit code 2) and does not disable the plugin (plugin API 1.2 addition).
 */
export class CommandInputError extends ImportInputError {
  constructor(message: string) {
    super(message);
    this.name = 'CommandInputError';
  }
}
