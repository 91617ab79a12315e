// What an on-screen key does to a text field, and which layout a field gets: plain functions, so
// they are tested without a keyboard on screen.

export type Layout = Record<string, string[]>;

/** Digits for PINs and employee numbers; phone numbers also get "+". */
const DIGITS: Layout = { default: ["1 2 3", "4 5 6", "7 8 9", "0 {bksp}"], shift: ["1 2 3", "4 5 6", "7 8 9", "0 {bksp}"] };
const PHONE: Layout = { default: ["1 2 3", "4 5 6", "7 8 9", "+ 0 {bksp}"], shift: ["1 2 3", "4 5 6", "7 8 9", "+ 0 {bksp}"] };

/** The layout for a field: digits for phone and numeric fields, else the language's letters (English
 * when the language has none). */
export function layoutFor(type: string, inputMode: string, lang: string, layouts: Record<string, Layout>): Layout {
  if (type === "tel" || inputMode === "tel") return PHONE;
  if (inputMode === "numeric") return DIGITS;
  return layouts[lang] ?? layouts.en ?? DIGITS;
}

/** The field's text and caret after `button` is pressed with the selection `start`–`end`. */
export function keyEdit(value: string, start: number, end: number, button: string): { value: string; caret: number } {
  if (button === "{bksp}") {
    if (start !== end) return { value: value.slice(0, start) + value.slice(end), caret: start };
    if (start === 0) return { value, caret: 0 };
    // One character back, not one UTF-16 unit (an accented letter or an emoji stays whole).
    const before = [...value.slice(0, start)];
    before.pop();
    const head = before.join("");
    return { value: head + value.slice(end), caret: head.length };
  }
  const text = button === "{space}" ? " " : button;
  if (text.startsWith("{")) return { value, caret: start };
  return { value: value.slice(0, start) + text + value.slice(end), caret: start + text.length };
}
