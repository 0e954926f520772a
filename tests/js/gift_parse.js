// Parse GIFT text from stdin with gift-pegjs and print the questions as JSON (tests/test_gift_clients.py).
// On a syntax error, print {"error": message, "line": n, "column": n} and exit 1.
"use strict";
const { parse } = require("gift-pegjs");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  try {
    process.stdout.write(JSON.stringify(parse(input)));
  } catch (error) {
    const start = error.location ? error.location.start : {};
    process.stdout.write(JSON.stringify({ error: error.message, line: start.line, column: start.column }));
    process.exitCode = 1;
  }
});
