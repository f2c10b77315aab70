/** Local flag for the first-steps checklist: the user has compared runs in this browser. */
export const COMPARED_KEY = 'lamina.firstSteps.compared';

export function markCompared(): void {
  try {
    localStorage.setItem(COMPARED_KEY, '1');
  } catch {
    // Storage can be unavailable (private windows): the checklist just keeps the step open.
  }
}
