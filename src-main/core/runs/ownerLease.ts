/**
 * Who owns a running run, in a way that survives PID reuse: the owner's process id **and** its start
 * time. On Linux the start time is field 22 of /proc/<pid>/stat (clock ticks since boot), which a
 * reused PID never repeats; elsewhere only liveness (`kill(pid, 0)`) is checked. The owner also renews
 * a lease timestamp with each progress write, so `lamina doctor` and the run list can show how fresh it is.
 */
import { readFileSync } from 'node:fs';

/** The process's start time as recorded on the run, or null where the platform does not say. */
export function processStartTime(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[19]; // field 22 overall; fields[0] is field 3 (state)
    return start && /^\d+$/.test(start) ? start : null;
  } catch {
    return null;
  }
}

let ownStart: string | null | undefined;
/** This process's own start time (read once). */
export function ownStartTime(): string | null {
  if (ownStart === undefined) ownStart = processStartTime(process.pid);
  return ownStart;
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process that took the lease is still the one running under that pid. A live pid whose
 * start time differs from the recorded one is another program that reused the number: the owner is gone.
 */
export function ownerAlive(pid: number, startTime: string | null): boolean {
  if (pid === process.pid) return startTime === null || startTime === ownStartTime();
  if (!pidAlive(pid)) return false;
  if (startTime === null) return true;
  const now = processStartTime(pid);
  return now === null || now === startTime;
}

/** The reason a run of a dead owner is recorded with. */
export function ownerEndedReason(pid: number | null): string {
  return pid == null ? 'the process running it ended (pid unknown)' : `the process running it ended (pid ${pid})`;
}
