/** The SDK's test harness for commands: it calls them as the host does, JSON and all. */
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../plugins/sdk/src/index';
import { runCommand } from '../../../plugins/sdk/src/testing';

const plugin = definePlugin({
  commands: {
    echo: (args, ctx) => ({ args, pluginId: ctx.pluginId, at: new Date(0) }),
    nothing: () => undefined,
    later: async (args) => `later ${String(args.n)}`,
  },
});

describe('runCommand', () => {
  it('passes args and a context, and returns what survives JSON (dates become strings)', async () => {
    expect(await runCommand(plugin, 'echo', { n: 2 })).toEqual({ args: { n: 2 }, pluginId: 'test', at: '1970-01-01T00:00:00.000Z' });
    expect(await runCommand(plugin, 'nothing')).toBeNull();
    expect(await runCommand(plugin, 'later', { n: 5 })).toBe('later 5');
  });

  it('names the commands there are when asked for another', async () => {
    await expect(runCommand(plugin, 'nope')).rejects.toThrow('the plugin has no command "nope" (has: echo, nothing, later)');
  });
});
