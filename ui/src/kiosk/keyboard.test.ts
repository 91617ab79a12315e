// What on-screen keys do to a field's text, and which layout each field gets.
import { describe, expect, it } from "vitest";
import { keyEdit, layoutFor } from "./keyboard";

describe("on-screen keys", () => {
  it("types at the caret and replaces a selection", () => {
    expect(keyEdit("Ana", 3, 3, "s")).toEqual({ value: "Anas", caret: 4 });
    expect(keyEdit("Ana", 1, 1, "{space}")).toEqual({ value: "A na", caret: 2 });
    expect(keyEdit("Ana Lee", 0, 3, "Bo")).toEqual({ value: "Bo Lee", caret: 2 });
    expect(keyEdit("x", 1, 1, ".com")).toEqual({ value: "x.com", caret: 5 });
  });
  it("deletes one whole character back, or the selection", () => {
    expect(keyEdit("Zoë", 3, 3, "{bksp}")).toEqual({ value: "Zo", caret: 2 });
    expect(keyEdit("hi 👋", 5, 5, "{bksp}")).toEqual({ value: "hi ", caret: 3 });
    expect(keyEdit("abc", 0, 0, "{bksp}")).toEqual({ value: "abc", caret: 0 });
    expect(keyEdit("abcdef", 1, 4, "{bksp}")).toEqual({ value: "aef", caret: 1 });
  });
  it("ignores keys that type nothing", () => {
    expect(keyEdit("abc", 1, 1, "{tab}")).toEqual({ value: "abc", caret: 1 });
  });
  it("gives digits to phone and PIN fields and the language's letters to the rest", () => {
    const layouts = { en: { default: ["q w e"] }, ar: { default: ["ض ص"] } };
    expect(layoutFor("tel", "tel", "en", layouts).default?.[3]).toBe("+ 0 {bksp}");
    expect(layoutFor("password", "numeric", "ar", layouts).default?.[3]).toBe("0 {bksp}");
    expect(layoutFor("text", "text", "ar", layouts).default?.[0]).toBe("ض ص");
    expect(layoutFor("email", "email", "de", layouts).default?.[0]).toBe("q w e");
  });
});
