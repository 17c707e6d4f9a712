// Values shared by several test files.

/** JSON the way JSON.stringify and JSON.parse see it; every member must survive the round trip. */
export const RICH = {
  nothing: null,
  yes: true,
  no: false,
  zero: 0,
  negative: -17,
  int32Max: 2 ** 31 - 1,
  beyond32: 2 ** 32 + 1,
  pow40: 2 ** 40,
  maxSafe: Number.MAX_SAFE_INTEGER,
  minSafe: Number.MIN_SAFE_INTEGER,
  beyondSafe: 2 ** 60,
  floats: [0.1, -2.5, 1 / 3, 1e-7, 123456.789, 1e21, 1.5e300, 5e-324, Number.MAX_VALUE, Number.EPSILON],
  strings: ["", "plain", 'quote " backslash \\ slash /', "tab\tnewline\ncr\r", "\u0000\u001f\u007f"],
  unicode: "héllo wörld — 日本語 — Ελληνικά — עברית — 🦊🚀👩‍👩‍👧 — \u2028\u2029",
  loneSurrogates: ["\ud800", "a\udfffb"],
  emptyObject: {},
  emptyArray: [],
  nested: { a: [1, [2, [3, [4, []]]], { b: { c: { d: null } } }], e: [{}, [], [{}], [[]]] },
  arrayOfNulls: [null, null],
  mixed: [1, "two", null, true, { three: 3 }, [4]],
  "key with spaces & ünïcode 🗝️": "value",
  __proto__lookalike: { constructor: "x", toString: "y" },
};
