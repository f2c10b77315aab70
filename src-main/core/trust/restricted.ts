/** The words restricted mode uses, in one place (CLI, API and UI show the same message). */
import { LaminaError } from '../util/errors';
import type { TrustState } from './workspaceTrust';

export interface WorkspaceTrustInfo {
  root: string;
  state: TrustState;
  trusted: boolean;
}

/** Refused because the workspace is in restricted mode (kind 'conflict': exit 1, HTTP 409). */
export class RestrictedError extends LaminaError {}

export function restrictedError(root: string, what: string): LaminaError {
  return new RestrictedError(
    'conflict',
    `this workspace is in restricted mode (it was not created on this machine or not trusted yet), so ${what} from it does not run. ` +
      `Trust it if you trust its source: lamina trust ${JSON.stringify(root)} (or --trust for one command; in the app, "Trust this workspace").`,
  );
}
