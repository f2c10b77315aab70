/**
 * What every IPC call from the renderer goes through before it reaches the core: the channel
 * allow-list, the sender check and the payload check. Contract methods are validated and run by
 * the core's generic `dispatch`; the shell's own `app.*` methods by their zod schemas here.
 * Every path returns a result envelope; nothing here throws. Pure: no Electron imports.
 */
import type { ApiError, ApiResult } from '../core/api/contract';
import { issuesOf, toApiError } from '../core/api/dispatch';
import { isSameOrigin } from './appOrigin';
import { appMethods, isAppMethod, type AppMethodHandlers, type AppMethodName } from './appMethods';

/** renderer → main: `{ method, input }`, answered with a result envelope. */
export const IPC_INVOKE = 'lamina:invoke';
/** main → renderer: core events (ApiEvent) and shell events (AppEvent). */
export const IPC_EVENT = 'lamina:event';
/** The only channels main answers; anything else has no handler at all. */
export const INVOKE_CHANNELS: readonly string[] = [IPC_INVOKE];

export function isAllowedChannel(channel: string): boolean {
  return INVOKE_CHANNELS.includes(channel);
}

/** Envelope for shell calls: the same shape as the contract's ApiResult. */
export type CallResult<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiError };

/** The frame an IPC message came from; null when it has already gone (navigated, destroyed). */
export interface SenderFrame {
  url: string;
  isMainFrame: boolean;
}

const MAX_METHOD_LENGTH = 100;

/** Only the app's own top-level page may call: not iframes (plugin panels), not other origins. */
export function senderError(frame: SenderFrame | null, appOrigin: string): ApiError | null {
  if (!frame) return { code: 'unauthorized', message: 'IPC call refused: the sending frame no longer exists' };
  if (!frame.isMainFrame)
    return { code: 'unauthorized', message: 'IPC call refused: only the main frame may call the API' };
  if (!isSameOrigin(frame.url, appOrigin)) {
    return {
      code: 'unauthorized',
      message: `IPC call refused: ${JSON.stringify(frame.url.slice(0, 200))} is not the app's page`,
    };
  }
  return null;
}

export type ParsedPayload = { method: string; input: unknown };

export function parsePayload(raw: unknown): ParsedPayload | ApiError {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      code: 'bad-request',
      message: 'IPC payload must be an object { method, input }',
      location: { field: '(payload)' },
    };
  }
  const { method, input } = raw as { method?: unknown; input?: unknown };
  if (typeof method !== 'string' || method.length === 0 || method.length > MAX_METHOD_LENGTH) {
    return {
      code: 'bad-request',
      message: `IPC payload needs "method": a non-empty string of at most ${MAX_METHOD_LENGTH} characters`,
      location: { field: 'method' },
    };
  }
  return { method, input };
}

export interface InvokeDeps {
  appOrigin: string;
  /** The core's dispatch bound to the current workspace (never throws). */
  dispatch: (method: string, input: unknown) => Promise<ApiResult>;
  app: AppMethodHandlers;
}

/** One IPC call, end to end. Resolves with an envelope whatever the renderer sent. */
export async function handleInvoke(raw: unknown, sender: SenderFrame | null, deps: InvokeDeps): Promise<CallResult> {
  try {
    const refused = senderError(sender, deps.appOrigin);
    if (refused) return { ok: false, error: refused };
    const payload = parsePayload(raw);
    if (!('method' in payload)) return { ok: false, error: payload };
    if (isAppMethod(payload.method)) return await callAppMethod(payload.method, payload.input, deps.app);
    return await deps.dispatch(payload.method, payload.input);
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}

async function callAppMethod(
  method: AppMethodName,
  rawInput: unknown,
  handlers: AppMethodHandlers,
): Promise<CallResult> {
  const parsed = appMethods[method].input.safeParse(rawInput);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    return {
      ok: false,
      error: {
        code: 'bad-request',
        message: `${method}: ${issues[0]!.path}: ${issues[0]!.message}`,
        issues,
        location: { field: issues[0]!.path },
      },
    };
  }
  try {
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}
