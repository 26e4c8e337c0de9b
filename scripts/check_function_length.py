#!/usr/bin/env python3
"""Fails when a C++ function body is longer than --max lines (issue 12: none over 80 in src/cli).

A function body is an outermost brace block (not inside another function) whose opening brace
follows a parameter list: `) {`, `) const {`, `) override {`, `) noexcept {`, `) -> T {`, or a
lambda's `] {` / `] (…) {` at namespace scope. Comments, string literals (raw ones too) and
character literals are blanked first, so braces in them do not count. Blocks of namespaces,
classes, enums and initializers are descended into (member functions count), never measured
themselves. The length is the number of lines from the opening brace to the closing one.

Usage: check_function_length.py [--max N] [--allow FILE:NAME ...] FILE...
  --allow FILE:NAME   a known exception: the function whose signature line contains NAME in a
                      file ending with FILE (shrink these, then delete the exception).
"""
import argparse
import re
import sys

_FUNCTION_TAIL = re.compile(
    r"(\)|\])\s*(mutable|const|override|final|noexcept(\s*\([^()]*\))?|&|&&|\s)*"
    r"(->\s*[\w:<>,\s*&()]+)?\s*$"
)


def blank_literals(text):
    """The text with comments, strings and char literals replaced by spaces (newlines kept)."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not text[i - 1].isalnum()):
            open_paren = text.find("(", i + 2)
            delimiter = text[i + 2 : open_paren]
            j = text.find(")" + delimiter + '"', open_paren)
            j = n if j < 0 else j + len(delimiter) + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            if c == "'" and i > 0 and text[i - 1].isalnum():  # digit separator 1'000
                out.append(c)
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else " " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def long_functions(path, limit):
    with open(path, encoding="utf-8") as f:
        text = blank_literals(f.read())
    found = []
    stack = []  # (is_function, start offset)
    statement_start = 0
    for i, c in enumerate(text):
        if c == "{":
            prefix = text[statement_start:i]
            inside_function = any(is_fn for is_fn, _ in stack)
            is_fn = not inside_function and bool(_FUNCTION_TAIL.search(prefix))
            stack.append((is_fn, i))
            statement_start = i + 1
        elif c == "}":
            if stack:
                is_fn, start = stack.pop()
                if is_fn:
                    first = text.count("\n", 0, start) + 1
                    last = text.count("\n", 0, i) + 1
                    if last - first + 1 > limit:
                        found.append((first, last, signature(text, start)))
            statement_start = i + 1
        elif c == ";":
            statement_start = i + 1
    return found


def signature(text, brace):
    """The line with the function's name: the last line before the brace with a '('."""
    lines = text[:brace].split("\n")
    for line in reversed(lines[-6:]):
        if "(" in line:
            return line.strip()
    return lines[-1].strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max", type=int, default=80)
    parser.add_argument("--allow", action="append", default=[])
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    allowed = [a.split(":", 1) for a in args.allow]
    failures = 0
    for path in args.files:
        for first, last, sig in long_functions(path, args.max):
            if any(path.endswith(f) and name in sig for f, name in allowed):
                continue
            print(f"{path}:{first}: function of {last - first + 1} lines (max {args.max}): {sig}")
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
