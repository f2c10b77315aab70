/**
 * Where the built pieces sit relative to the main bundle (out/main/app.js): the preload in
 * out/preload, the renderer in out/renderer. Inside an asar
 * archive the same relative layout holds. (The training host's entry is found by the core's
 * engine/hostEntry.ts.) Pure.
 */
import { join } from 'node:path';

export interface AppPaths {
  preload: string;
  rendererRoot: string;
}

export function appPaths(mainDir: string): AppPaths {
  return {
    preload: join(mainDir, '..', 'preload', 'preload.cjs'),
    rendererRoot: join(mainDir, '..', 'renderer'),
  };
}

/** The real-file twin of a path inside app.asar (where asarUnpack put native code). */
export function asarUnpackedPath(p: string): string {
  return p.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

/**
 * esbuild's native binary for this platform, relative to node_modules. esbuild spawns it by
 * the path it resolves, which inside app.asar is not executable, so the packaged app points
 * ESBUILD_BINARY_PATH at the unpacked copy.
 */
export function esbuildBinarySubpath(platform: NodeJS.Platform, arch: string): string {
  return platform === 'win32' ? `@esbuild/win32-${arch}/esbuild.exe` : `@esbuild/${platform}-${arch}/bin/esbuild`;
}
