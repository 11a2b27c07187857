/**
 * Keyboard behaviour of a WAI-ARIA tablist: arrows, Home and End move between
 * tabs (roving tabindex), Enter/Space or a click selects.
 */
export function tablistKeys(list: HTMLElement, select: (tab: HTMLElement) => void): void {
  list.addEventListener("keydown", (event) => {
    const tabs = [...list.querySelectorAll<HTMLElement>('[role="tab"]')];
    const index = tabs.indexOf(document.activeElement as HTMLElement);
    if (index < 0) return;
    const next = { ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1, Home: 0, End: tabs.length - 1 }[
      event.key
    ];
    if (next === undefined) return;
    event.preventDefault();
    const tab = tabs[(next + tabs.length) % tabs.length]!;
    tab.focus();
    select(tab);
  });
}

/** Marks `selected` as the selected tab of its list (aria-selected, roving tabindex). */
export function markSelected(list: HTMLElement, selected: HTMLElement): void {
  for (const tab of list.querySelectorAll<HTMLElement>('[role="tab"]')) {
    const isSelected = tab === selected;
    tab.setAttribute("aria-selected", String(isSelected));
    tab.tabIndex = isSelected ? 0 : -1;
  }
}
