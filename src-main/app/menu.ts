/**
 * Installs the application menu built by menuTemplate.ts (rebuilt when recents change).
 */
import { Menu } from 'electron';
import { menuTemplate, type MenuActions, type MenuContext } from './menuTemplate';

export function installMenu(ctx: MenuContext, actions: MenuActions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(ctx, actions)));
}
