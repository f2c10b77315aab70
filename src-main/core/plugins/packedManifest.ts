/**
 * Reading the manifest of a plugin unpacked from an `npm pack` tarball. A file the manifest names
 * but the tarball lacks was usually built and then left out by npm pack (which follows .gitignore,
 * where dist/ is, unless package.json "files" lists it): say that, not "build the plugin first?".
 */
import { LaminaError, inputError } from '../util/errors';
import { readPluginManifest, type PluginManifest } from './manifest';

const FILE_FIELDS = /^lamina\.(main|renderer)$|^lamina\.contributes\.modelTemplates\[\d+\]\.file$/;

export function readPackedManifest(root: string, tarball: string): PluginManifest {
  try {
    return readPluginManifest(root);
  } catch (e) {
    const field = e instanceof LaminaError ? e.location.field : undefined;
    const missing = e instanceof Error ? e.message.match(/"([^"]+)" does not exist/)?.[1] : undefined;
    if (!field || !missing || !FILE_FIELDS.test(field)) throw e;
    throw inputError(
      `${tarball}: the package has no ${missing} (field "${field}"). npm pack leaves out what .gitignore names unless package.json "files" lists it: ` +
        `add "files": ["dist/index.js", "dist/view.js", "templates"] (the files the manifest names), then npm pack again`,
      { file: tarball, field },
    );
  }
}
