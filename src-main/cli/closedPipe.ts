/**
 * `lamina export RUN | head -1`: when the reader closes the pipe early, writing to stdout fails
 * with EPIPE. The reader has what it wanted; stop quietly (exit 0) as cat and git do, instead of a
 * stack trace from an unhandled 'error' event.
 */
let installed = false;

export function endQuietlyWhenReaderLeaves(stream: NodeJS.WriteStream = process.stdout, exit: (code: number) => void = (c) => process.exit(c)): void {
  if (installed && stream === process.stdout) return;
  if (stream === process.stdout) installed = true;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') exit(0);
    else throw e;
  });
}
