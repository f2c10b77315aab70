/** Quote a path for a POSIX shell only when it needs it, so printed commands can be pasted as they are. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
