"""Writes README.md's library blocks out as consumer projects' parts (scripts/check_consumers.sh).

A block is the ```xml or ```java fence right after a marker line:
    <!-- consumer: NAME pom -->                          dependencies of consumer NAME
    <!-- consumer: NAME java ARGS; expect TEXT -->       its program, run with ARGS, must print TEXT
    <!-- consumer: NAME resolve COORD; absent TEXT -->   dependencies whose tree must hold COORD, not TEXT
For each NAME this writes OUT/NAME/deps.xml, and for a program src/main/java/CLASS.java, main-class,
args and expect; for a resolve, resolve and absent. The blocks are copied byte for byte.
"""
import pathlib
import re
import sys

MARKER = re.compile(r"^<!-- consumer: (\S+) (pom|java|resolve)(?: (.*?))? -->$")


def blocks(lines):
    i = 0
    while i < len(lines):
        m = MARKER.match(lines[i])
        if m and i + 1 < len(lines) and lines[i + 1].startswith("```"):
            body = []
            j = i + 2
            while j < len(lines) and lines[j] != "```":
                body.append(lines[j])
                j += 1
            yield m.group(1), m.group(2), m.group(3) or "", "\n".join(body) + "\n"
            i = j
        elif m:
            sys.exit(f"readme_blocks: the marker on line {i + 1} is not followed by a fenced block")
        i += 1


def main(readme, out):
    out = pathlib.Path(out)
    found = 0
    for name, kind, rest, body in blocks(pathlib.Path(readme).read_text(encoding="utf-8").splitlines()):
        found += 1
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        first, _, second = (part.strip() for part in rest.partition(";"))
        if kind == "java":
            cls = re.search(r"^public class (\w+)", body, re.M)
            if not cls:
                sys.exit(f"readme_blocks: the {name} program declares no public class")
            src = folder / "src" / "main" / "java"
            src.mkdir(parents=True, exist_ok=True)
            (src / f"{cls.group(1)}.java").write_text(body, encoding="utf-8")
            (folder / "main-class").write_text(cls.group(1) + "\n")
            (folder / "args").write_text(first + "\n")
            (folder / "expect").write_text(second.removeprefix("expect").strip() + "\n")
        else:
            (folder / "deps.xml").write_text(body, encoding="utf-8")
            if kind == "resolve":
                (folder / "resolve").write_text(first + "\n")
                (folder / "absent").write_text(second.removeprefix("absent").strip() + "\n")
    if not found:
        sys.exit(f"readme_blocks: no consumer blocks in {readme}")


if __name__ == "__main__":
    main(*sys.argv[1:])
