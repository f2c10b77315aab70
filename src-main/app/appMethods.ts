/**
 * Calls the shell adds beside the core's contract: native dialogs and workspace switching.
 * They travel over the same IPC channel as contract methods and are validated the same way
 * (zod), but live here because only the Electron app can answer them (`lamina serve` has no
 * native dialogs). Pure: zod only, so the renderer may import the types.
 */
import { z } from 'zod';

const fileFilterSchema = z.object({
  name: z.string().min(1).max(100),
  extensions: z
    .array(z.string().regex(/^(\*|[A-Za-z0-9][A-Za-z0-9._-]{0,19})$/, 'an extension without the dot, or *'))
    .min(1)
    .max(50),
});

export const appMethods = {
  /** Native "open file" dialog. Default filters: datasets (csv, tsv, json) and all files. */
  'app.pickFile': {
    input: z
      .strictObject({
        title: z.string().max(200).optional(),
        filters: z.array(fileFilterSchema).max(20).optional(),
        multiple: z.boolean().optional(),
      })
      .optional(),
    output: z.object({ canceled: z.boolean(), paths: z.array(z.string()) }),
  },
  /** Native "choose folder" dialog (image-folder datasets, workspaces). */
  'app.pickFolder': {
    input: z.strictObject({ title: z.string().max(200).optional() }).optional(),
    output: z.object({ canceled: z.boolean(), paths: z.array(z.string()) }),
  },
  /** Opens (creating if needed) a workspace folder; without `path`, asks with a folder dialog. */
  'app.openWorkspace': {
    input: z.strictObject({ path: z.string().min(1).max(4096).optional() }).optional(),
    output: z.object({ canceled: z.boolean(), workspace: z.string() }),
  },
  /** The current workspace and the recently opened ones, newest first. */
  'app.recentWorkspaces': {
    input: z.strictObject({}).optional(),
    output: z.object({ current: z.string(), recent: z.array(z.string()) }),
  },
} as const;

export type AppMethodName = keyof typeof appMethods;
export type AppInput<M extends AppMethodName> = z.input<(typeof appMethods)[M]['input']>;
export type AppOutput<M extends AppMethodName> = z.output<(typeof appMethods)[M]['output']>;
export type PickFileOptions = NonNullable<AppInput<'app.pickFile'>>;
export type PickFolderOptions = NonNullable<AppInput<'app.pickFolder'>>;
export type PickResult = AppOutput<'app.pickFile'>;

export type AppMethodHandlers = {
  [M in AppMethodName]: (input: z.output<(typeof appMethods)[M]['input']>) => Promise<AppOutput<M>>;
};

export function isAppMethod(method: string): method is AppMethodName {
  return Object.prototype.hasOwnProperty.call(appMethods, method);
}

/** Events the shell itself pushes on the event channel, beside the core's CoreEvents. */
export type AppEvent =
  /** The main process switched workspace (menu or app.openWorkspace): reload everything. */
  | { type: 'app.workspace-changed'; workspace: string }
  /** File ▸ Import Dataset… picked a file or folder: the renderer shows its import form for it. */
  | { type: 'app.import-requested'; path: string }
  /** A menu item the renderer carries out (e.g. 'new-model', 'toggle-theme'). */
  | { type: 'app.menu'; action: string };

export const DATASET_FILE_FILTERS = [
  { name: 'Datasets', extensions: ['csv', 'tsv', 'txt', 'json', 'jsonl'] },
  { name: 'All files', extensions: ['*'] },
];
